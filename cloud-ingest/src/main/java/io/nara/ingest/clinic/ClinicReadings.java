package io.nara.ingest.clinic;

import io.nara.ingest.observation.ObservationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;

/**
 * What the worklist and the evaluation read from InfluxDB: weight readings, and in which hours a patient measured a
 * code. Only the patients asked for are queried (bound parameters, never string-built). Blocking: call from a worker.
 */
public final class ClinicReadings implements AutoCloseable {

    private final InfluxDB influx;
    private final String database;

    public ClinicReadings(ObservationStore.Settings settings) {
        this.influx = InfluxDBFactory.connect(settings.url(), settings.user(), settings.password());
        this.database = settings.database();
    }

    /** The usable readings of {@code code} per patient in [from, to). */
    public Map<String, List<WeightTrend.Reading>> values(Collection<String> patients, String code, Instant from,
                                                         Instant to) {
        Map<String, List<WeightTrend.Reading>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = query("SELECT value FROM " + ObservationStore.MEASUREMENT + " WHERE code = $code AND "
                + "time >= $from AND time < $to AND " + patientClause(patients)
                + " GROUP BY patient", patients, code, from, to);
        for (QueryResult.Series s : series(result)) {
            List<WeightTrend.Reading> readings = out.computeIfAbsent(s.getTags().get("patient"), p -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (row.get(1) instanceof Number n) {
                    readings.add(new WeightTrend.Reading(Instant.ofEpochMilli(((Number) row.get(0)).longValue()),
                            n.doubleValue()));
                }
            }
        }
        return out;
    }

    /**
     * For each patient and code, the start of every hour in [from, to) with at least one usable reading. An hour is
     * finer than any cadence a care plan may ask for (at most hourly), and keeps a month of continuous oximeter
     * samples to at most 720 rows per patient.
     */
    public Map<String, Map<String, List<Instant>>> measuredHours(Collection<String> patients, Instant from,
                                                                 Instant to) {
        Map<String, Map<String, List<Instant>>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = query("SELECT count(value) FROM " + ObservationStore.MEASUREMENT + " WHERE "
                + "time >= $from AND time < $to AND " + patientClause(patients)
                + " GROUP BY time(1h), patient, code fill(none)", patients, null, from, to);
        for (QueryResult.Series s : series(result)) {
            List<Instant> hours = out.computeIfAbsent(s.getTags().get("patient"), p -> new HashMap<>())
                    .computeIfAbsent(s.getTags().get("code"), c -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (row.get(1) instanceof Number n && n.longValue() > 0) {
                    hours.add(Instant.ofEpochMilli(((Number) row.get(0)).longValue()));
                }
            }
        }
        return out;
    }

    private QueryResult query(String sql, Collection<String> patients, String code, Instant from, Instant to) {
        BoundParameterQuery.QueryBuilder q = BoundParameterQuery.QueryBuilder.newQuery(sql).forDatabase(database)
                .bind("from", from.toString()).bind("to", to.toString());
        if (code != null) {
            q.bind("code", code);
        }
        int i = 0;
        for (String p : patients) {
            q.bind("p" + i++, p);
        }
        QueryResult result = influx.query(q.create(), TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB: " + result.getError());
        }
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB: " + r.getError());
            }
        }
        return result;
    }

    private static String patientClause(Collection<String> patients) {
        StringBuilder clause = new StringBuilder("(");
        for (int i = 0; i < patients.size(); i++) {
            clause.append(i == 0 ? "" : " OR ").append("patient = $p").append(i);
        }
        return clause.append(')').toString();
    }

    private static List<QueryResult.Series> series(QueryResult result) {
        if (result.getResults().isEmpty() || result.getResults().get(0).getSeries() == null) {
            return List.of();
        }
        return result.getResults().get(0).getSeries();
    }

    @Override
    public void close() {
        influx.close();
    }
}
