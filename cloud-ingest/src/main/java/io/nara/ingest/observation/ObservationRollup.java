package io.nara.ingest.observation;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;

/**
 * One-minute aggregates of the usable readings, measurement {@code observation_1m}: the same tags as
 * {@code observation}; fields {@code total} (sum), {@code n} (count), {@code min}, {@code max}. Charts read these, not
 * the raw points: 90 days of a pulse oximeter worn at night at 1 Hz are millions of points, too many to aggregate per
 * page view within 300 ms, and at most a few tens of thousands of minutes.
 *
 * <p>Kept by {@link ObservationStore}: every write of raw points updates it, so no writer can forget it. Computed by
 * InfluxDB from the raw points ({@code SELECT ... INTO ... GROUP BY time(1m), *}) for the minutes a
 * batch touched, after the batch is written and before it is acknowledged. A minute's aggregate is always recomputed
 * from everything stored for it, so a replayed or differently batched resend rewrites the same values instead of
 * counting twice. Usable: a failed measurement has no value; IMPLAUSIBLE and NOT_PATIENT_DATA readings are left out.
 *
 * <p>It reads raw points from both retention policies and is written to the default one (the journal's): it outlives
 * the raw samples. Raw samples InfluxDB refused as already past their policy (a hub replaying after a long outage)
 * cannot be aggregated there, so the ingest aggregates them itself ({@link #writePastRetention}) into rows carrying an
 * extra tag {@code part} (the outbox and the first sequence number of the minute in the batch): a replay of the same
 * batch rewrites the same row, a minute split across batches gets one row per batch, and readers, which sum over all
 * series of a minute, add them up. Two cases would count samples twice, both needing a hub to hold a batch unacknowledged
 * for longer than the raw-sample retention: re-batching such samples differently (hubs resend the same batches), and
 * re-sending samples that were stored and rolled up once before their retention passed (a lost acknowledgement
 * followed by a longer outage; hubs resend within minutes of a missing acknowledgement).
 *
 * <p>Two ingest nodes storing adjacent batches of one device at the same moment may both recompute the minute they
 * share, and the one that read first may write last; so the minutes every update touched are recomputed once more
 * at least {@link #RECHECK_AFTER} later, when both raw writes are long done ({@link #recheck}, which the ingest runs
 * once per {@link #RECHECK_AFTER} on its InfluxDB worker). A minute many batches touched is rechecked once.
 *
 * <p>Blocking: call from a worker.
 */
public final class ObservationRollup {

    public static final String MEASUREMENT = "observation_1m";
    public static final Duration GRAIN = Duration.ofMinutes(1);
    public static final Duration RECHECK_AFTER = Duration.ofSeconds(10);
    public static final String USABLE = "flags !~ /IMPLAUSIBLE|NOT_PATIENT_DATA/";
    private static final int STATEMENTS_PER_REQUEST = 100;

    /** Minutes [from, to) of one patient's signal that a batch touched. */
    record Span(String patient, String code, Instant from, Instant to) {}

    /** A span of one hub's series. */
    private record HubSpan(String hubId, Span span) {}

    private final InfluxDatabase influx;
    /** Spans updated since the last {@link #recheck}. */
    private final Set<HubSpan> touched = ConcurrentHashMap.newKeySet();
    /** Spans updated before the last {@link #recheck}: due at the next one. */
    private Set<HubSpan> settling = Set.of();

    /** @param influx the InfluxDB client to write with (the store's, or a bulk load's), which its owner closes */
    public ObservationRollup(InfluxDatabase influx) {
        this.influx = influx;
    }

    /** Recomputes the minutes the batch touched, for the hub's series, and notes them for the {@link #recheck}. */
    public void update(String hubId, ObservationBatch batch) {
        List<Span> spans = spans(batch);
        run(hubId, spans);
        for (Span s : spans) {
            touched.add(new HubSpan(hubId, s));
        }
    }

    /**
     * Recomputes once more the spans updated before the previous call (so at least one period ago) and not updated
     * since (those wait for the next call). Call once per {@link #RECHECK_AFTER}.
     */
    public synchronized void recheck() {
        Set<HubSpan> fresh = new HashSet<>();
        for (Iterator<HubSpan> it = touched.iterator(); it.hasNext(); ) {
            fresh.add(it.next());
            it.remove();
        }
        Set<HubSpan> due = new HashSet<>(settling);
        due.removeAll(fresh);
        settling = fresh;
        Map<String, List<Span>> byHub = new LinkedHashMap<>();
        for (HubSpan s : due) {
            byHub.computeIfAbsent(s.hubId(), k -> new ArrayList<>()).add(s.span());
        }
        byHub.forEach(this::run);
    }

    /**
     * Recomputes every minute of the patient's readings in [from, to) from any hub: for readings stored before the
     * rollup existed, and for bulk loads. One request per day keeps each within the client's timeout.
     */
    public void rebuild(String patientId, Instant from, Instant to) {
        for (Instant t = from.truncatedTo(ChronoUnit.MINUTES); t.isBefore(to); t = t.plus(Duration.ofDays(1))) {
            Instant end = t.plus(Duration.ofDays(1));
            run(null, List.of(new Span(patientId, null, t, end.isAfter(to) ? to : end)));
        }
    }

    /**
     * Writes the one-minute aggregates of raw samples InfluxDB refused as past their retention, computed here from the
     * samples themselves (see the class comment), to the default policy. Nothing when there are none.
     */
    public void writePastRetention(String hubId, String outbox, List<Observation> samples) {
        if (samples.isEmpty()) {
            return;
        }
        BatchPoints points = BatchPoints.database(influx.name())
                .consistency(InfluxDB.ConsistencyLevel.ALL)
                .build();
        aggregates(hubId, outbox, samples).forEach(points::point);
        influx.client().write(points);
    }

    /** The usable samples' aggregate per series and minute, as {@code observation_1m} points with a part tag. Pure. */
    static List<Point> aggregates(String hubId, String outbox, List<Observation> samples) {
        Map<List<Object>, List<Observation>> byMinute = new LinkedHashMap<>();
        for (Observation o : samples) {
            if (o.value() == null || o.has(ObservationFlag.IMPLAUSIBLE) || o.has(ObservationFlag.NOT_PATIENT_DATA)) {
                continue;
            }
            Instant minute = Instant.ofEpochMilli(ObservationStore.pointTime(o) / 1_000_000L)
                    .truncatedTo(ChronoUnit.MINUTES);
            String patient = o.patientId() == null ? ObservationStore.UNATTRIBUTED : o.patientId();
            byMinute.computeIfAbsent(List.of(patient, o.code(), o.unit(), o.deviceId(), minute), k -> new ArrayList<>())
                    .add(o);
        }
        List<Point> points = new ArrayList<>();
        byMinute.forEach((key, list) -> {
            double total = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long first = Long.MAX_VALUE;
            for (Observation o : list) {
                total += o.value();
                min = Math.min(min, o.value());
                max = Math.max(max, o.value());
                first = Math.min(first, o.seq());
            }
            points.add(Point.measurement(MEASUREMENT)
                    .time(((Instant) key.get(4)).toEpochMilli(), TimeUnit.MILLISECONDS)
                    .tag("hub", hubId)
                    .tag("patient", (String) key.get(0))
                    .tag("code", (String) key.get(1))
                    .tag("unit", (String) key.get(2))
                    .tag("device", (String) key.get(3))
                    .tag("part", outbox + ":" + first)
                    // The types InfluxDB's own aggregation writes: count is an integer, the others floats.
                    .addField("total", total)
                    .addField("n", (long) list.size())
                    .addField("min", min)
                    .addField("max", max)
                    .build());
        });
        return points;
    }

    /** Per patient and code, the touched minutes merged into runs of consecutive minutes. Pure. */
    static List<Span> spans(ObservationBatch batch) {
        Map<List<String>, TreeSet<Instant>> minutes = new TreeMap<>(
                Comparator.comparing((List<String> key) -> key.get(0)).thenComparing(key -> key.get(1)));
        for (Observation o : batch.observations()) {
            String patient = o.patientId() == null ? ObservationStore.UNATTRIBUTED : o.patientId();
            minutes.computeIfAbsent(List.of(patient, o.code()), k -> new TreeSet<>())
                    .add(Instant.ofEpochMilli(ObservationStore.pointTime(o) / 1_000_000L)
                            .truncatedTo(ChronoUnit.MINUTES));
        }
        List<Span> spans = new ArrayList<>();
        minutes.forEach((key, set) -> {
            Instant start = null;
            Instant end = null;
            for (Instant minute : set) {
                if (start != null && !minute.equals(end)) {
                    spans.add(new Span(key.get(0), key.get(1), start, end));
                    start = null;
                }
                if (start == null) {
                    start = minute;
                }
                end = minute.plus(GRAIN);
            }
            spans.add(new Span(key.get(0), key.get(1), start, end));
        });
        return spans;
    }

    private void run(String hubId, List<Span> spans) {
        for (int first = 0; first < spans.size(); first += STATEMENTS_PER_REQUEST) {
            List<Span> part = spans.subList(first, Math.min(spans.size(), first + STATEMENTS_PER_REQUEST));
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : "; ")
                        .append("SELECT sum(value) AS total, count(value) AS n, ")
                        .append("min(value) AS min, max(value) AS max INTO ")
                        .append(MEASUREMENT)
                        .append(" FROM ")
                        .append(ObservationStore.EVERY_POLICY)
                        .append(" WHERE patient = $patient")
                        .append(i)
                        .append(hubId == null ? "" : " AND hub = $hub")
                        .append(part.get(i).code() == null ? "" : " AND code = $code" + i)
                        .append(" AND time >= $from")
                        .append(i)
                        .append(" AND time < $to")
                        .append(i)
                        .append(" AND ")
                        .append(USABLE)
                        .append(" GROUP BY time(1m), *");
            }
            // Writes (INTO) must be POSTed.
            Query query = new Query(sql.toString(), influx.name(), true);
            if (hubId != null) {
                query.bindParameter("hub", hubId);
            }
            for (int i = 0; i < part.size(); i++) {
                Span s = part.get(i);
                query.bindParameter("patient" + i, s.patient());
                if (s.code() != null) {
                    query.bindParameter("code" + i, s.code());
                }
                query.bindParameter("from" + i, s.from().toString()).bindParameter("to" + i, s.to().toString());
            }
            influx.query(query);
        }
    }
}
