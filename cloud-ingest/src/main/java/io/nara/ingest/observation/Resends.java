package io.nara.ingest.observation;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A hub resends what it has no acknowledgement for, so one reading (hub, outbox, seq) may arrive twice. An identical
 * copy rewrites its point with itself. A copy that differs (another value, code, unit, device, patient or time) would
 * overwrite the stored point or stand beside it as a second reading with the same number: the first stored copy is
 * kept, the differing one is refused and recorded for the operator.
 *
 * <p>Only a batch that reaches back to sequence numbers already stored ({@code hub_outbox_stored}, the one table this
 * class owns) is compared with InfluxDB, so a first delivery costs one row read and one upsert per batch.
 */
public final class Resends {

    /** A re-sent reading that differs from the stored one: refused, the stored one kept. */
    public record Conflict(long seq, String problem) {}

    private Resends() {}

    /** The highest stored sequence number of the hub's outbox; -1 when nothing is stored yet. */
    public static long storedTo(Connection c, String hubId, String outbox) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT stored_to FROM hub_outbox_stored WHERE hub_id = ? AND outbox = ?")) {
            q.setString(1, hubId);
            q.setString(2, outbox);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getLong("stored_to") : -1;
            }
        }
    }

    /** Records that the batch is stored (in the transaction that notes its readings). */
    public static void noteStored(Connection c, String hubId, ObservationBatch batch) throws SQLException {
        if (batch.observations().isEmpty()) {
            return;
        }
        long highest =
                batch.observations().stream().mapToLong(Observation::seq).max().orElseThrow();
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO hub_outbox_stored (hub_id, outbox, stored_to) VALUES (?, ?, ?)
                ON CONFLICT (hub_id, outbox) DO UPDATE
                    SET stored_to = GREATEST(hub_outbox_stored.stored_to, EXCLUDED.stored_to)""")) {
            upsert.setString(1, hubId);
            upsert.setString(2, batch.outbox());
            upsert.setLong(3, highest);
            upsert.executeUpdate();
        }
    }

    /** The readings of the batch that may have been stored before: those at or below {@code storedTo}. */
    public static List<Observation> resent(ObservationBatch batch, long storedTo) {
        return batch.observations().stream().filter(o -> o.seq() <= storedTo).toList();
    }

    /**
     * The re-sent readings that differ from every stored copy of their sequence number. Pure.
     *
     * @param stored the stored copies found for those sequence numbers (several when a nurse assigned an unattributed
     *               reading to its patient: a re-send matching any of them is the same reading)
     */
    public static List<Conflict> conflicts(Collection<Observation> resent, Collection<Observation> stored) {
        Map<Long, List<Observation>> storedBySeq = stored.stream().collect(Collectors.groupingBy(Observation::seq));
        List<Conflict> conflicts = new ArrayList<>();
        for (Observation o : resent) {
            List<Observation> copies = storedBySeq.getOrDefault(o.seq(), List.of());
            if (!copies.isEmpty() && copies.stream().noneMatch(s -> sameReading(s, o))) {
                Observation first = copies.get(0);
                conflicts.add(new Conflict(
                        o.seq(),
                        "seq " + o.seq() + " was stored as " + describe(first) + " and re-sent as " + describe(o)
                                + "; the stored reading is kept"));
            }
        }
        return conflicts;
    }

    /** The same reading: flags are left out, since the cloud's own checks may add to them on either arrival. */
    static boolean sameReading(Observation a, Observation b) {
        return a.time().toEpochMilli() == b.time().toEpochMilli()
                && a.code().equals(b.code())
                && a.unit().equals(b.unit())
                && a.deviceId().equals(b.deviceId())
                && Objects.equals(a.patientId(), b.patientId())
                && Objects.equals(a.value(), b.value());
    }

    private static String describe(Observation o) {
        return o.code() + " " + (o.value() == null ? "failed" : o.value()) + " " + o.unit() + " at " + o.time()
                + " from " + o.deviceId() + " for " + (o.patientId() == null ? "no patient" : o.patientId());
    }
}
