package io.nara.ingest.clinic;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import io.nara.ingest.observation.ObservationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;

/**
 * What the worklist and the evaluation read from InfluxDB: weight readings, and in which hours a patient measured a
 * code. Only the patients asked for are queried (bound parameters, never string-built). Blocking: call from a worker.
 */
public final class ClinicReadings {

    private final InfluxDatabase influx;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public ClinicReadings(InfluxDatabase influx) {
        this.influx = influx;
    }

    /** The usable readings of {@code code} per patient in [from, to). */
    public Map<String, List<WeightTrend.Reading>> values(Collection<String> patients, String code, Instant from,
                                                         Instant to) {
        Map<String, List<WeightTrend.Reading>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = query("SELECT value FROM " + ObservationStore.EVERY_POLICY + " WHERE code = $code AND "
                + "time >= $from AND time < $to AND " + ObservationRollup.USABLE + " AND " + InfluxDatabase.anyOf("patient", "p", patients.size())
                + " GROUP BY patient", patients, code, from, to);
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<WeightTrend.Reading> readings = out.computeIfAbsent(s.getTags().get("patient"), p -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (row.get(1) instanceof Number n) {
                    readings.add(new WeightTrend.Reading(InfluxDatabase.time(row), n.doubleValue()));
                }
            }
        }
        return out;
    }

    /**
     * For each patient and code, the start of every hour in [from, to) with at least one usable reading. An hour is
     * finer than any cadence a care plan may ask for (at most hourly), and keeps a month of continuous oximeter
     * samples to at most 720 rows per patient. Reads the one-minute aggregates of usable readings
     * ({@link ObservationRollup}), not the raw points: months of 1 Hz oximeter samples are millions of rows.
     */
    public Map<String, Map<String, List<Instant>>> measuredHours(Collection<String> patients, Instant from,
                                                                 Instant to) {
        Map<String, Map<String, List<Instant>>> out = new HashMap<>();
        if (patients.isEmpty()) {
            return out;
        }
        QueryResult result = query("SELECT sum(n) FROM " + ObservationRollup.MEASUREMENT + " WHERE "
                + "time >= $from AND time < $to AND " + InfluxDatabase.anyOf("patient", "p", patients.size())
                + " GROUP BY time(1h), patient, code fill(none)", patients, null, from, to);
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<Instant> hours = out.computeIfAbsent(s.getTags().get("patient"), p -> new HashMap<>())
                    .computeIfAbsent(s.getTags().get("code"), c -> new ArrayList<>());
            for (List<Object> row : s.getValues()) {
                if (row.get(1) instanceof Number n && n.longValue() > 0) {
                    hours.add(InfluxDatabase.time(row));
                }
            }
        }
        return out;
    }

    private QueryResult query(String sql, Collection<String> patients, String code, Instant from, Instant to) {
        BoundParameterQuery.QueryBuilder q = influx.newQuery(sql).bind("from", from.toString())
                .bind("to", to.toString());
        if (code != null) {
            q.bind("code", code);
        }
        return influx.query(InfluxDatabase.bindAnyOf(q, "p", List.copyOf(patients)).create());
    }
}
