package io.nara.ingest.unattributed;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.web.Refused;
import io.nara.ingest.web.Signal;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Readings a hub could not attribute ({@code unattributed_reading}), waiting for a nurse of the household: kept as
 * they arrive, listed to the people whose teams care for a patient of that home, assigned to one of them or
 * dismissed. SQL only, in the caller's transaction; {@link UnattributedApi} adds InfluxDB and the rules.
 */
public final class UnattributedReadings {

    /** A reading as it was kept, and what has been decided about it. */
    public record Kept(
            long id,
            String hubId,
            String outbox,
            Observation observation,
            String state,
            String patientId,
            List<Long> alertIds) {}

    /** A patient of the household the reader may give the reading to. */
    public record Candidate(String patientId, String name) {}

    /** What the nurse sees of a waiting reading. */
    public record View(
            long id,
            String hubId,
            String deviceId,
            String code,
            Signal signal,
            Double value,
            String unit,
            Instant at,
            Instant received,
            List<String> flags,
            List<Candidate> candidates) {}

    private static final String COLUMNS =
            "id, hub_id, outbox::text AS outbox, seq, device_id, code, value, unit, effective, "
                    + "received, flags, state, patient_id, alert_ids";

    private UnattributedReadings() {}

    /**
     * Keeps the batch's unattributed readings (once: a replay inserts nothing) and returns, by seq, the patient of each
     * that a nurse has already assigned, so a hub's replay writes it under that patient again, not under
     * {@code unattributed}.
     */
    public static Map<Long, String> keep(Connection c, String hubId, ObservationBatch batch, Instant now)
            throws SQLException {
        List<Observation> loose =
                batch.observations().stream().filter(o -> o.patientId() == null).toList();
        Map<Long, String> assigned = new HashMap<>();
        if (loose.isEmpty()) {
            return assigned;
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO unattributed_reading (hub_id, outbox, seq, device_id, code, value, unit, effective,
                                                  received, flags, stored_at)
                VALUES (?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hub_id, outbox, seq) DO NOTHING""")) {
            for (Observation o : loose) {
                insert.setString(1, hubId);
                insert.setString(2, batch.outbox());
                insert.setLong(3, o.seq());
                insert.setString(4, o.deviceId());
                insert.setString(5, o.code());
                if (o.value() == null) {
                    insert.setNull(6, Types.DOUBLE);
                } else {
                    insert.setDouble(6, o.value());
                }
                insert.setString(7, o.unit());
                // PostgreSQL keeps microseconds; truncating (never rounding) keeps the millisecond the InfluxDB
                // point's time is made of, so the reading written again later is the same point.
                insert.setTimestamp(
                        8,
                        o.effective() == null
                                ? null
                                : Timestamp.from(o.effective().truncatedTo(ChronoUnit.MICROS)));
                insert.setTimestamp(9, Timestamp.from(o.received().truncatedTo(ChronoUnit.MICROS)));
                insert.setArray(
                        10,
                        c.createArrayOf(
                                "text",
                                o.flags().stream().map(Enum::name).sorted().toArray()));
                insert.setTimestamp(11, Timestamp.from(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement q = c.prepareStatement("""
                SELECT seq, patient_id FROM unattributed_reading
                WHERE hub_id = ? AND outbox = ?::uuid AND seq = ANY (?) AND state IN ('ASSIGNING', 'ASSIGNED')""")) {
            q.setString(1, hubId);
            q.setString(2, batch.outbox());
            q.setArray(
                    3,
                    c.createArrayOf(
                            "bigint", loose.stream().map(Observation::seq).toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    assigned.put(r.getLong("seq"), r.getString("patient_id"));
                }
            }
        }
        return assigned;
    }

    /**
     * The readings waiting in the homes whose patients the person's teams care for, newest first, each with the
     * household's patients the person may give it to. The operator sees every home's.
     */
    public static List<View> waiting(Connection c, Principal who, Instant now) throws SQLException {
        List<String> visible = CareAccess.visiblePatients(c, who, now);
        Map<Long, View> views = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT u.id, u.hub_id, u.device_id, u.code, u.value, u.unit, "
                + "coalesce(u.effective, u.received) AS at, "
                + "u.received, u.flags, h.patient_id, p.name AS patient_name FROM unattributed_reading u "
                + "JOIN patient_household h ON h.hub_id = u.hub_id JOIN patient p ON p.id = h.patient_id "
                + "WHERE u.state IN ('OPEN', 'ASSIGNING') AND h.patient_id = ANY (?) "
                + "ORDER BY coalesce(u.effective, u.received) DESC, u.id DESC, h.patient_id LIMIT 2000")) {
            q.setArray(1, c.createArrayOf("text", visible.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong("id");
                    View view = views.get(id);
                    if (view == null) {
                        double v = r.getDouble("value");
                        Double value = r.wasNull() ? null : v;
                        view = new View(
                                id,
                                r.getString("hub_id"),
                                r.getString("device_id"),
                                r.getString("code"),
                                Signal.of(r.getString("code")),
                                value,
                                r.getString("unit"),
                                r.getTimestamp("at").toInstant(),
                                r.getTimestamp("received").toInstant(),
                                List.of((String[]) r.getArray("flags").getArray()),
                                new ArrayList<>());
                        views.put(id, view);
                    }
                    view.candidates().add(new Candidate(r.getString("patient_id"), r.getString("patient_name")));
                }
            }
        }
        return List.copyOf(views.values());
    }

    /**
     * Claims the reading for {@code patientId}: it must wait (or be half-assigned to the same patient, a retry), the
     * patient must be of that home and the person must care for them. Sets ASSIGNING, so nobody can give it to
     * someone else while it is written. A reading already ASSIGNED to that patient is returned as it is.
     */
    public static Kept claim(Connection c, Principal who, long id, String patientId, Instant now) throws SQLException {
        if (who.operator()) {
            throw new Refused(
                    403,
                    "driften tilldelar inte mätvärden / the operator does not assign "
                            + "readings; a nurse of the household does");
        }
        Kept kept = lockVisible(c, who, id, now);
        if (patientId == null || patientId.isBlank()) {
            throw new IllegalArgumentException("patientId saknas / patientId (whose reading it is) is missing");
        }
        if (kept.state().equals("DISMISSED")) {
            throw new Refused(409, "mätvärdet är avfärdat / the reading was dismissed");
        }
        if (kept.patientId() != null && !kept.patientId().equals(patientId)) {
            throw new Refused(
                    409, "mätvärdet är redan tilldelat / the reading is already assigned to " + "another patient");
        }
        if (kept.state().equals("ASSIGNED")) {
            return kept;
        }
        if (!CarePlanService.household(c, kept.hubId()).contains(patientId)) {
            throw new IllegalArgumentException("patienten bor inte i hemmet / patient " + patientId
                    + " is not of the home (hub " + kept.hubId() + ") the reading came from");
        }
        CareAccess.requireCareRelation(c, who, patientId, now);
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE unattributed_reading SET state = 'ASSIGNING', patient_id = ?, decided_by = ?, decided_at = ?
                WHERE id = ?""")) {
            u.setString(1, patientId);
            u.setString(2, who.actor());
            u.setTimestamp(3, Timestamp.from(now));
            u.setLong(4, id);
            u.executeUpdate();
        }
        return new Kept(
                kept.id(), kept.hubId(), kept.outbox(), kept.observation(), "ASSIGNING", patientId, kept.alertIds());
    }

    /**
     * Locks a claimed reading before its alerts are stored; the alerts already stored when another request (a nurse's
     * double click, a colleague choosing the same patient) finished the assignment first.
     */
    public static Optional<List<Long>> finishedAlready(Connection c, long id) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT state, alert_ids FROM unattributed_reading WHERE id = ? FOR UPDATE")) {
            q.setLong(1, id);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next() || !r.getString("state").equals("ASSIGNED")) {
                    return Optional.empty();
                }
                return Optional.of(List.of((Long[]) r.getArray("alert_ids").getArray()));
            }
        }
    }

    /** Marks a claimed reading assigned, once it is in InfluxDB under its patient, with the alerts it raised. */
    public static void assigned(Connection c, long id, List<Long> alertIds) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE unattributed_reading SET state = 'ASSIGNED', alert_ids = ? WHERE id = ? AND state = 'ASSIGNING'
                """)) {
            u.setArray(1, c.createArrayOf("bigint", alertIds.toArray()));
            u.setLong(2, id);
            u.executeUpdate();
        }
    }

    /** Dismisses a waiting reading (a guest stood on the scale); the reason is required and kept. */
    public static void dismiss(Connection c, Principal who, long id, String reason, Instant now) throws SQLException {
        if (who.operator()) {
            throw new Refused(
                    403,
                    "driften avfärdar inte mätvärden / the operator does not dismiss "
                            + "readings; a nurse of the household does");
        }
        Kept kept = lockVisible(c, who, id, now);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason saknas / reason (why the reading is nobody's) is missing");
        }
        if (reason.length() > 1000) {
            throw new IllegalArgumentException("reason is longer than 1000 characters");
        }
        if (!kept.state().equals("OPEN")) {
            throw new Refused(
                    409,
                    "mätvärdet är redan hanterat / the reading was already "
                            + kept.state().toLowerCase());
        }
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE unattributed_reading SET state = 'DISMISSED', decided_by = ?, decided_at = ?, reason = ?
                WHERE id = ?""")) {
            u.setString(1, who.actor());
            u.setTimestamp(2, Timestamp.from(now));
            u.setString(3, reason);
            u.setLong(4, id);
            u.executeUpdate();
        }
    }

    /**
     * Locks the reading; a reading of a home where the person cares for nobody is answered like one that does not
     * exist (404), so nothing of another municipality's homes leaks.
     */
    private static Kept lockVisible(Connection c, Principal who, long id, Instant now) throws SQLException {
        Optional<Kept> kept = Optional.empty();
        try (PreparedStatement q =
                c.prepareStatement("SELECT " + COLUMNS + " FROM unattributed_reading WHERE id = ? FOR UPDATE")) {
            q.setLong(1, id);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    kept = Optional.of(kept(r));
                }
            }
        }
        if (kept.isEmpty()) {
            throw noSuchReading(id);
        }
        // One query for whom the person may see, as the list answers, not one per patient of the home.
        if (Collections.disjoint(
                CarePlanService.household(c, kept.get().hubId()), CareAccess.visiblePatients(c, who, now))) {
            throw noSuchReading(id);
        }
        return kept.get();
    }

    private static Refused noSuchReading(long id) {
        return new Refused(404, "inget sådant mätvärde / no such reading: " + id);
    }

    private static Kept kept(ResultSet r) throws SQLException {
        double value = r.getDouble("value");
        Double v = r.wasNull() ? null : value;
        Timestamp effective = r.getTimestamp("effective");
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        for (String name : (String[]) r.getArray("flags").getArray()) {
            flags.add(ObservationFlag.valueOf(name));
        }
        Array alerts = r.getArray("alert_ids");
        List<Long> alertIds = new ArrayList<>();
        for (Long a : (Long[]) alerts.getArray()) {
            alertIds.add(a);
        }
        Observation o = new Observation(
                r.getLong("seq"),
                null,
                r.getString("device_id"),
                r.getString("code"),
                v,
                r.getString("unit"),
                effective == null ? null : effective.toInstant(),
                r.getTimestamp("received").toInstant(),
                flags);
        return new Kept(
                r.getLong("id"),
                r.getString("hub_id"),
                r.getString("outbox"),
                o,
                r.getString("state"),
                r.getString("patient_id"),
                alertIds);
    }
}
