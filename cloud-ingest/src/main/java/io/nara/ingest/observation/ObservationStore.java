package io.nara.ingest.observation;

import io.nara.protocol.SchemaVersion;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.influxdb.InfluxDB;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Point;
import org.influxdb.dto.QueryResult;

/**
 * Vital signs in InfluxDB, measurement {@code observation}: tags hub, patient, code, unit, device; fields value (absent
 * for a failed measurement), failed, seq, outbox, flags, received_ms.
 *
 * <p>Idempotent: a point's time is the reading's time truncated to the millisecond plus {@code seq mod 10^6}
 * nanoseconds. The same hub and seq always give the same point, so a replay overwrites it with itself, and two
 * readings of one series in the same millisecond never overwrite each other.
 *
 * <p>Blocking: every write is a synchronous HTTP request that returns once InfluxDB has it, which is what lets the
 * ingest acknowledge afterwards. Call from a worker thread.
 */
public final class ObservationStore {

    public static final String MEASUREMENT = "observation";
    /** The patient tag of a reading the hub could not attribute (a shared device without user index or band). */
    public static final String UNATTRIBUTED = "unattributed";

    /** Where and as whom to write. */
    public record Settings(String url, String user, String password, String database) {
        @Override
        public String toString() {
            return "Settings[" + url + "/" + database + " as " + user + "]";
        }
    }

    /** More than 90 days of several readings a day; a history query never returns more. */
    private static final int MAX_HISTORY = 5000;

    private final InfluxDatabase influx;
    private final ObservationRollup rollup;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public ObservationStore(InfluxDatabase influx) {
        this.influx = influx;
        this.rollup = new ObservationRollup(influx);
    }

    public void write(String hubId, ObservationBatch batch) {
        BatchPoints points = BatchPoints.database(influx.name())
                .consistency(InfluxDB.ConsistencyLevel.ALL)
                .precision(TimeUnit.NANOSECONDS)
                .build();
        for (Observation o : batch.observations()) {
            points.point(point(hubId, batch.outbox(), o));
        }
        influx.client().write(points);
        rollup.update(hubId, batch);
    }

    /**
     * Recomputes once more the one-minute aggregates the writes touched, after a concurrent node's raw writes of the
     * same minutes are surely done: call once per {@link ObservationRollup#RECHECK_AFTER} ({@link ObservationRollup#recheck}).
     */
    public void recheckRollup() {
        rollup.recheck();
    }

    /** Writes one reading, e.g. an unattributed one a nurse assigned to its patient; the same point as a replay. */
    public void write(String hubId, String outbox, Observation o) {
        write(hubId, new ObservationBatch(SchemaVersion.CURRENT, outbox, o.seq(), o.seq(), List.of(o)));
    }

    /** Removes the {@code unattributed} copy of a reading (once it is written under its patient). Idempotent. */
    public void deleteUnattributed(String hubId, Observation o) {
        influx.query(influx.newQuery("DELETE FROM " + MEASUREMENT
                        + " WHERE hub = $hub AND patient = $patient AND device = $device AND code = $code AND time = "
                        + pointTime(o))
                .bind("hub", hubId).bind("patient", UNATTRIBUTED).bind("device", o.deviceId())
                .bind("code", o.code()).create());
    }

    /**
     * A patient's readings of the given codes from {@code from} to {@code to} (the newest {@value #MAX_HISTORY}), oldest
     * first, as the hub sent them
     * (the time is the point's, to the millisecond): the history the rules need to judge a reading in the cloud.
     */
    public List<Observation> readings(String patientId, Collection<String> codes, Instant from, Instant to) {
        List<Observation> out = new ArrayList<>();
        if (codes.isEmpty()) {
            return out;
        }
        List<String> codeList = List.copyOf(new TreeSet<>(codes));
        BoundParameterQuery.QueryBuilder q = influx.newQuery(
                "SELECT value, failed, seq, flags, received_ms, device, code, unit FROM " + MEASUREMENT
                        + " WHERE patient = $patient AND " + InfluxDatabase.anyOf("code", "c", codeList.size())
                        + " AND time >= $from AND time <= $to ORDER BY time DESC LIMIT " + MAX_HISTORY)
                .bind("patient", patientId).bind("from", from.toString()).bind("to", to.toString());
        InfluxDatabase.bindAnyOf(q, "c", codeList);
        for (QueryResult.Series series : InfluxDatabase.series(influx.query(q.create()), 0)) {
            for (List<Object> row : series.getValues()) {
                Instant time = InfluxDatabase.time(row);
                Double value = row.get(1) instanceof Number n ? n.doubleValue() : null;
                Set<ObservationFlag> flags = flags(row.get(4));
                long seq = ((Number) row.get(3)).longValue();
                Instant received = row.get(5) instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : time;
                out.add(new Observation(seq, patientId, (String) row.get(6), (String) row.get(7), value,
                        (String) row.get(8), time, received, flags));
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * The stored copies of re-sent readings: the hub's points of that outbox carrying their sequence numbers, looked
     * for over the time the re-sent readings span (a copy re-sent with a time outside it is not found, and is stored
     * beside the first). Blocking.
     */
    public List<Observation> storedCopies(String hubId, String outbox, List<Observation> resent) {
        List<Observation> out = new ArrayList<>();
        if (resent.isEmpty()) {
            return out;
        }
        Set<Long> seqs = resent.stream().map(Observation::seq).collect(Collectors.toSet());
        // Points lie at the reading's millisecond plus seq nanoseconds (pointTime): bound by whole milliseconds.
        long from = resent.stream().mapToLong(o -> o.time().toEpochMilli()).min().orElseThrow();
        long to = resent.stream().mapToLong(o -> o.time().toEpochMilli()).max().orElseThrow() + 1;
        BoundParameterQuery q = influx.newQuery("SELECT value, seq, outbox, received_ms, flags, device, code, unit, "
                        + "patient FROM "
                        + MEASUREMENT + " WHERE hub = $hub AND time >= $from AND time < $to")
                .bind("hub", hubId).bind("from", Instant.ofEpochMilli(from).toString())
                .bind("to", Instant.ofEpochMilli(to).toString()).create();
        for (QueryResult.Series series : InfluxDatabase.series(influx.query(q), 0)) {
            for (List<Object> row : series.getValues()) {
                long seq = ((Number) row.get(2)).longValue();
                if (!outbox.equals(row.get(3)) || !seqs.contains(seq)) {
                    continue;
                }
                Instant time = InfluxDatabase.time(row);
                Double value = row.get(1) instanceof Number n ? n.doubleValue() : null;
                Instant received = row.get(4) instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : time;
                String patient = (String) row.get(9);
                out.add(new Observation(seq, UNATTRIBUTED.equals(patient) ? null : patient, (String) row.get(6),
                        (String) row.get(7), value, (String) row.get(8), time, received, flags(row.get(5))));
            }
        }
        return out;
    }

    /** The flags field as written by {@link #point}: names joined by commas. */
    private static Set<ObservationFlag> flags(Object field) {
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if (field instanceof String names && !names.isEmpty()) {
            for (String name : names.split(",")) {
                flags.add(ObservationFlag.valueOf(name));
            }
        }
        return flags;
    }

    /** Whether InfluxDB answers; for the health check. */
    public boolean ping() {
        try {
            return influx.client().ping().isGood();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The point for one observation; public so that bulk loads (benchmarks) write exactly this schema. */
    public static Point point(String hubId, String outbox, Observation o) {
        Point.Builder p = Point.measurement(MEASUREMENT)
                .time(pointTime(o), TimeUnit.NANOSECONDS)
                .tag("hub", hubId)
                .tag("patient", o.patientId() == null ? UNATTRIBUTED : o.patientId())
                .tag("code", o.code())
                .tag("unit", o.unit())
                .tag("device", o.deviceId())
                .addField("seq", o.seq())
                .addField("outbox", outbox)
                .addField("failed", o.value() == null)
                .addField("flags", o.flags().stream().map(ObservationFlag::name).sorted().collect(Collectors.joining(",")))
                .addField("received_ms", o.received().toEpochMilli());
        if (o.value() != null) {
            p.addField("value", o.value());
        }
        return p.build();
    }

    static long pointTime(Observation o) {
        Instant t = o.time();
        return t.toEpochMilli() * 1_000_000L + o.seq() % 1_000_000L;
    }
}
