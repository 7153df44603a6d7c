package io.nara.ingest.observation;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;

/**
 * Every read of the readings in InfluxDB that a page, an API or a report makes, by what it asks: the one place that
 * knows the measurements ({@link ObservationStore#EVERY_POLICY} for raw points, {@link ObservationRollup} for the
 * one-minute aggregates of usable readings) and speaks InfluxQL. Values are always bound parameters, never built into
 * the query text. Blocking: call from a worker, never the event loop.
 */
public final class ObservationQueries {

    /** One reading's value at its time. */
    public record Value(Instant at, double value) {}

    /** The newest reading of one signal. */
    public record Latest(String code, String unit, double value, Instant at) {}

    /** One bucket of one signal. {@code at} is the bucket's start. */
    public record TrendPoint(Instant at, double mean, double min, double max, long n) {}

    private final InfluxDatabase influx;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public ObservationQueries(InfluxDatabase influx) {
        this.influx = influx;
    }

    /**
     * Every signal of the patient in [from, to), downsampled by InfluxDB itself from the one-minute aggregates of
     * usable readings (no failed, implausible or control readings), one point per bucket of {@code bucket} (an
     * InfluxQL duration such as {@code 1h}) that holds readings, by LOINC code. A page view reads tens of thousands of
     * minutes instead of millions of 1 Hz samples. A bucket's mean is the sum of its minutes' sums over the sum of
     * their counts: every reading weighs the same. Buckets begin at the zone's midnight.
     */
    public Map<String, List<TrendPoint>> trends(
            String patientId, Instant from, Instant to, String bucket, ZoneId zone) {
        QueryResult result = influx.query(influx.newQuery(
                        "SELECT sum(total) / sum(n) AS mean, min(min) AS min, max(max) AS max, sum(n) AS n FROM "
                                + ObservationRollup.MEASUREMENT + " WHERE patient = $patient AND time >= $from"
                                + " AND time < $to GROUP BY time(" + bucket + "), code fill(none) tz('" + zone.getId()
                                + "')")
                .bind("patient", patientId)
                .bind("from", from.toString())
                .bind("to", to.toString())
                .create());
        Map<String, List<TrendPoint>> byCode = new LinkedHashMap<>();
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<TrendPoint> points = new ArrayList<>();
            for (List<Object> row : s.getValues()) {
                Map<String, Object> r = byName(s, row);
                // The rollup holds no row for a minute without a usable reading; NaN is never a number on the chart.
                if (r.get("mean") instanceof Number mean
                        && r.get("min") instanceof Number min
                        && r.get("max") instanceof Number max
                        && r.get("n") instanceof Number n
                        && n.longValue() > 0
                        && Double.isFinite(mean.doubleValue())) {
                    points.add(new TrendPoint(
                            InfluxDatabase.time(row),
                            mean.doubleValue(),
                            min.doubleValue(),
                            max.doubleValue(),
                            n.longValue()));
                }
            }
            byCode.put(s.getTags().get("code"), points);
        }
        return byCode;
    }

    /** The usable readings of {@code code} in [from, to), per patient (only the patients asked for are read). */
    public Map<String, List<Value>> usableValues(Collection<String> patients, String code, Instant from, Instant to) {
        Map<String, List<Value>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = influx.query(forPatients(
                        "SELECT value FROM " + ObservationStore.EVERY_POLICY
                                + " WHERE code = $code AND time >= $from AND time < $to AND " + ObservationRollup.USABLE
                                + " AND "
                                + InfluxDatabase.anyOf("patient", "p", patients.size()) + " GROUP BY patient",
                        patients,
                        from,
                        to)
                .bind("code", code)
                .create());
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<Value> values = out.computeIfAbsent(s.getTags().get("patient"), p -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (byName(s, row).get("value") instanceof Number n) {
                    values.add(new Value(InfluxDatabase.time(row), n.doubleValue()));
                }
            }
        }
        return out;
    }

    /**
     * For each patient and code, the start of every hour in [from, to) with at least one usable reading. An hour is
     * finer than any cadence a care plan may ask for (at most hourly), and keeps a month of continuous oximeter
     * samples to at most 720 rows per patient. Reads the one-minute aggregates, not the raw points: months of 1 Hz
     * oximeter samples are millions of rows.
     */
    public Map<String, Map<String, List<Instant>>> measuredHours(
            Collection<String> patients, Instant from, Instant to) {
        Map<String, Map<String, List<Instant>>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = influx.query(forPatients(
                        "SELECT sum(n) AS n FROM " + ObservationRollup.MEASUREMENT
                                + " WHERE time >= $from AND time < $to AND "
                                + InfluxDatabase.anyOf("patient", "p", patients.size())
                                + " GROUP BY time(1h), patient, code fill(none)",
                        patients,
                        from,
                        to)
                .create());
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<Instant> hours = out.computeIfAbsent(s.getTags().get("patient"), p -> new HashMap<>())
                    .computeIfAbsent(s.getTags().get("code"), c -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (byName(s, row).get("n") instanceof Number n && n.longValue() > 0) {
                    hours.add(InfluxDatabase.time(row));
                }
            }
        }
        return out;
    }

    /**
     * The patient's usable readings of one signal in [from, to] (no implausible or control readings, as the trends),
     * oldest first: the newest {@code newest} of them. Unchecked:
     * a query InfluxDB refuses answers no readings rather than failing, so an alert is shown without its evidence.
     */
    public List<Value> recentValues(String patientId, String code, Instant from, Instant to, int newest) {
        QueryResult result = influx.client()
                .query(
                        influx.newQuery("SELECT value FROM " + ObservationStore.EVERY_POLICY
                                        + " WHERE patient = $patient"
                                        + " AND code = $code AND time >= $from AND time <= $to AND "
                                        + ObservationRollup.USABLE + " ORDER BY time DESC LIMIT "
                                        + newest)
                                .bind("patient", patientId)
                                .bind("code", code)
                                .bind("from", from.toString())
                                .bind("to", to.toString())
                                .create(),
                        TimeUnit.MILLISECONDS);
        List<Value> values = new ArrayList<>();
        List<QueryResult.Series> series = result.hasError() ? List.of() : InfluxDatabase.series(result, 0);
        if (series.isEmpty()) {
            return values;
        }
        QueryResult.Series first = series.get(0);
        for (List<Object> row : first.getValues()) {
            if (byName(first, row).get("value") instanceof Number n) {
                values.add(new Value(InfluxDatabase.time(row), n.doubleValue()));
            }
        }
        values.sort((a, b) -> a.at().compareTo(b.at()));
        return values;
    }

    /**
     * The newest usable reading of each of the patient's signals since {@code within} before {@code now}, by code
     * (no upper bound: a point's time carries its seq in the nanoseconds, and a hub's clock may run ahead).
     */
    public List<Latest> latest(String patientId, Instant now, Duration within) {
        List<Latest> latest = new ArrayList<>();
        QueryResult result =
                influx.query(influx.newQuery("SELECT last(value) AS value FROM " + ObservationStore.EVERY_POLICY
                                + " WHERE patient = $patient AND time >= $from AND " + ObservationRollup.USABLE
                                + " GROUP BY code, unit")
                        .bind("patient", patientId)
                        .bind("from", now.minus(within).toString())
                        .create());
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            for (List<Object> row : s.getValues()) {
                if (byName(s, row).get("value") instanceof Number n) {
                    latest.add(new Latest(
                            s.getTags().get("code"),
                            s.getTags().get("unit"),
                            n.doubleValue(),
                            InfluxDatabase.time(row)));
                }
            }
        }
        latest.sort((a, b) -> a.code().compareTo(b.code()));
        return latest;
    }

    /**
     * The raw point with this outbox and seq, if InfluxDB has it: its columns by name, {@code time} as an
     * {@link Instant}. outbox and seq are fields: InfluxDB scans the measurement for them; fine for an occasional read.
     */
    public List<Map<String, Object>> byOutboxSeq(String outbox, long seq) {
        return rows(influx.newQuery("SELECT * FROM " + ObservationStore.EVERY_POLICY
                        + " WHERE outbox = $outbox AND seq = $seq LIMIT 1")
                .bind("outbox", outbox)
                .bind("seq", seq));
    }

    /**
     * A patient's raw points of the codes (all when empty) in [from, to) (either bound may be null), newest first, at
     * most {@code limit}: their columns by name, {@code time} as an {@link Instant}.
     */
    public List<Map<String, Object>> points(String patientId, List<String> codes, Instant from, Instant to, int limit) {
        StringBuilder q =
                new StringBuilder("SELECT * FROM " + ObservationStore.EVERY_POLICY + " WHERE patient = $patient");
        if (!codes.isEmpty()) {
            q.append(" AND ").append(InfluxDatabase.anyOf("code", "code", codes.size()));
        }
        if (from != null) {
            q.append(" AND time >= $from");
        }
        if (to != null) {
            q.append(" AND time < $to");
        }
        q.append(" ORDER BY time DESC LIMIT ").append(limit);
        BoundParameterQuery.QueryBuilder query = InfluxDatabase.bindAnyOf(influx.newQuery(q.toString()), "code", codes)
                .bind("patient", patientId);
        if (from != null) {
            query.bind("from", from.toString());
        }
        if (to != null) {
            query.bind("to", to.toString());
        }
        return rows(query);
    }

    private BoundParameterQuery.QueryBuilder forPatients(
            String influxQl, Collection<String> patients, Instant from, Instant to) {
        return InfluxDatabase.bindAnyOf(
                influx.newQuery(influxQl).bind("from", from.toString()).bind("to", to.toString()),
                "p",
                List.copyOf(patients));
    }

    /** The query's first statement's rows by column name, the time as an {@link Instant}. */
    private List<Map<String, Object>> rows(BoundParameterQuery.QueryBuilder query) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueryResult.Series s : InfluxDatabase.series(influx.query(query.create()), 0)) {
            for (List<Object> row : s.getValues()) {
                Map<String, Object> named = byName(s, row);
                named.put("time", InfluxDatabase.time(row));
                rows.add(named);
            }
        }
        return rows;
    }

    /** A row's values by column name (HashMap: InfluxDB answers null for a field the point lacks). */
    private static Map<String, Object> byName(QueryResult.Series series, List<Object> row) {
        Map<String, Object> named = new HashMap<>();
        for (int i = 0; i < series.getColumns().size(); i++) {
            named.put(series.getColumns().get(i), row.get(i));
        }
        return named;
    }
}
