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
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Point;
import org.influxdb.dto.QueryResult;

/**
 * Vital signs in InfluxDB, measurement {@code observation}: tags hub, patient, code, unit, device; fields value (absent
 * for a failed measurement), failed, seq, outbox, flags, received_ms.
 *
 * <p>Two retention policies: spot readings in the database's default policy, kept for the journal's period (erasure
 * removes them, {@code rights}); raw samples of a continuous stream (flag {@link ObservationFlag#CONTINUOUS_SAMPLE}) in
 * {@value #RAW_POLICY}, which InfluxDB empties after the configured time ({@link RawSamplePolicy}). Their one-minute
 * rollup ({@link ObservationRollup}) is in the default policy. Readers of raw points read {@link #EVERY_POLICY}.
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
    /** The retention policy of raw continuous samples. */
    public static final String RAW_POLICY = "raw_samples";
    /** The InfluxQL sources of every raw reading: spot readings (default policy) and raw samples. */
    public static final String EVERY_POLICY = MEASUREMENT + ", \"" + RAW_POLICY + "\"." + MEASUREMENT;
    /** InfluxDB's answer when it dropped points older than their policy's duration and wrote all the others. */
    private static final Pattern PAST_RETENTION =
            Pattern.compile("partial write: points beyond retention policy dropped=(\\d+)");
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

    /**
     * Writes the batch: spot readings to the default policy, raw samples to {@value #RAW_POLICY}, then their one-minute
     * rollup. Raw samples older than their policy's duration (a hub replaying after a long outage) are refused by
     * InfluxDB; that refusal alone counts as stored by design: the samples are past their retention, and their rollup
     * is written from the batch ({@link ObservationRollup#writePastRetention}). Any other write error is thrown.
     *
     * @return how many raw samples were past their retention and not stored (0 almost always)
     */
    public int write(String hubId, ObservationBatch batch) {
        List<Observation> spot = new ArrayList<>();
        List<Observation> raw = new ArrayList<>();
        for (Observation o : batch.observations()) {
            (o.has(ObservationFlag.CONTINUOUS_SAMPLE) ? raw : spot).add(o);
        }
        writePoints(hubId, batch.outbox(), spot, null);
        List<Observation> past = List.of();
        try {
            writePoints(hubId, batch.outbox(), raw, RAW_POLICY);
        } catch (InfluxDBException e) {
            if (pastRetention(e.getMessage()).isEmpty()) {
                throw e;
            }
            Set<Long> stored = storedCopies(hubId, batch.outbox(), raw).stream()
                    .map(Observation::seq)
                    .collect(Collectors.toSet());
            past = raw.stream().filter(o -> !stored.contains(o.seq())).toList();
        }
        rollup.update(hubId, batch);
        rollup.writePastRetention(hubId, batch.outbox(), past);
        return past.size();
    }

    private void writePoints(String hubId, String outbox, List<Observation> observations, String policy) {
        if (observations.isEmpty()) {
            return;
        }
        BatchPoints points = BatchPoints.database(influx.name())
                .retentionPolicy(policy)
                .consistency(InfluxDB.ConsistencyLevel.ALL)
                .precision(TimeUnit.NANOSECONDS)
                .build();
        for (Observation o : observations) {
            points.point(point(hubId, outbox, o));
        }
        influx.client().write(points);
    }

    /**
     * How many points InfluxDB dropped as past their retention policy, when {@code error} is exactly that answer (all
     * other points written); empty for every other error. Pure.
     */
    static OptionalInt pastRetention(String error) {
        if (error == null) {
            return OptionalInt.empty();
        }
        Matcher m = PAST_RETENTION.matcher(error.trim());
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
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

    /**
     * Removes the {@code unattributed} copy of a reading (once it is written under its patient), in whichever policy it
     * is (InfluxDB 1.x's DELETE spans all of them). Idempotent.
     */
    public void deleteUnattributed(String hubId, Observation o) {
        influx.query(influx.newQuery("DELETE FROM " + MEASUREMENT
                        + " WHERE hub = $hub AND patient = $patient AND device = $device AND code = $code AND time = "
                        + pointTime(o))
                .bind("hub", hubId)
                .bind("patient", UNATTRIBUTED)
                .bind("device", o.deviceId())
                .bind("code", o.code())
                .create());
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
                        "SELECT value, failed, seq, flags, received_ms, device, code, unit FROM " + EVERY_POLICY
                                + " WHERE patient = $patient AND " + InfluxDatabase.anyOf("code", "c", codeList.size())
                                + " AND time >= $from AND time <= $to ORDER BY time DESC LIMIT " + MAX_HISTORY)
                .bind("patient", patientId)
                .bind("from", from.toString())
                .bind("to", to.toString());
        InfluxDatabase.bindAnyOf(q, "c", codeList);
        for (QueryResult.Series series : InfluxDatabase.series(influx.query(q.create()), 0)) {
            for (List<Object> row : series.getValues()) {
                Instant time = InfluxDatabase.time(row);
                Double value = row.get(1) instanceof Number n ? n.doubleValue() : null;
                Set<ObservationFlag> flags = flags(row.get(4));
                long seq = ((Number) row.get(3)).longValue();
                Instant received = row.get(5) instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : time;
                out.add(new Observation(
                        seq,
                        patientId,
                        (String) row.get(6),
                        (String) row.get(7),
                        value,
                        (String) row.get(8),
                        time,
                        received,
                        flags));
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
        long from =
                resent.stream().mapToLong(o -> o.time().toEpochMilli()).min().orElseThrow();
        long to = resent.stream().mapToLong(o -> o.time().toEpochMilli()).max().orElseThrow() + 1;
        BoundParameterQuery q = influx.newQuery("SELECT value, seq, outbox, received_ms, flags, device, code, unit, "
                        + "patient FROM "
                        + EVERY_POLICY + " WHERE hub = $hub AND time >= $from AND time < $to")
                .bind("hub", hubId)
                .bind("from", Instant.ofEpochMilli(from).toString())
                .bind("to", Instant.ofEpochMilli(to).toString())
                .create();
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
                out.add(new Observation(
                        seq,
                        UNATTRIBUTED.equals(patient) ? null : patient,
                        (String) row.get(6),
                        (String) row.get(7),
                        value,
                        (String) row.get(8),
                        time,
                        received,
                        flags(row.get(5))));
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
                .addField(
                        "flags",
                        o.flags().stream().map(ObservationFlag::name).sorted().collect(Collectors.joining(",")))
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
