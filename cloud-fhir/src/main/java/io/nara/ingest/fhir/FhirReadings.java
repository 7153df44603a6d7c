package io.nara.ingest.fhir;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;

/**
 * Readings back out of InfluxDB for the FHIR API: one by its outbox and seq, or a patient's by code and time.
 * Blocking: call from a worker.
 */
final class FhirReadings {

    private final InfluxDatabase influx;

    FhirReadings(InfluxDatabase influx) {
        this.influx = influx;
    }

    /** The reading with this outbox and seq, if InfluxDB has it. */
    Optional<Reading> one(String outbox, long seq) {
        // outbox and seq are fields: InfluxDB scans the measurement for them; fine for a journal's occasional read.
        return rows(influx.newQuery("SELECT * FROM " + ObservationStore.EVERY_POLICY
                + " WHERE outbox = $outbox AND seq = $seq LIMIT 1").bind("outbox", outbox).bind("seq", seq))
                .stream().map(FhirReadings::reading).findFirst();
    }

    /**
     * A search's readings and whether InfluxDB had more.
     *
     * @param full the limit was reached: there may be older readings, and the answer gives no total
     */
    record Page(List<Reading> readings, boolean full) {
    }

    /**
     * A patient's readings of the codes (all when empty) in the range, newest first, at most {@code limit}, and then
     * the rest of the oldest one's millisecond: a cuff reading the limit cut in two is still paired whole, and a
     * journal paging on with {@code date=lt<oldest>} misses nothing at that instant.
     */
    Page search(String patientId, List<String> codes, FhirSearch.TimeRange range, int limit) {
        List<Reading> found = select(patientId, codes, range, limit);
        boolean full = found.size() == limit;
        if (!full || found.isEmpty()) {
            return new Page(found, full);
        }
        Instant oldest = found.get(found.size() - 1).time();
        List<Reading> all = new ArrayList<>(found);
        for (Reading r : select(patientId, codes, range.and(new FhirSearch.TimeRange(oldest, oldest.plusMillis(1))),
                FhirSearch.MAX_COUNT)) {
            if (!all.contains(r)) {
                all.add(r);
            }
        }
        return new Page(List.copyOf(all), true);
    }

    /** A patient's readings of the codes at the millisecond {@code at}: the other values of one cuff reading. */
    List<Reading> at(String patientId, List<String> codes, Instant at) {
        return select(patientId, codes, new FhirSearch.TimeRange(at, at.plusMillis(1)), FhirSearch.MAX_COUNT);
    }

    private List<Reading> select(String patientId, List<String> codes, FhirSearch.TimeRange range, int limit) {
        StringBuilder q = new StringBuilder("SELECT * FROM " + ObservationStore.EVERY_POLICY + " WHERE patient = $patient");
        if (!codes.isEmpty()) {
            q.append(" AND ").append(InfluxDatabase.anyOf("code", "code", codes.size()));
        }
        if (range.from() != null) {
            q.append(" AND time >= $from");
        }
        if (range.to() != null) {
            q.append(" AND time < $to");
        }
        q.append(" ORDER BY time DESC LIMIT ").append(limit);
        BoundParameterQuery.QueryBuilder query = InfluxDatabase.bindAnyOf(influx.newQuery(q.toString()), "code", codes)
                .bind("patient", patientId);
        if (range.from() != null) {
            query.bind("from", range.from().toString());
        }
        if (range.to() != null) {
            query.bind("to", range.to().toString());
        }
        return rows(query).stream().map(FhirReadings::reading).toList();
    }

    /** The query's first statement's rows by column name, the time in epoch milliseconds. */
    private List<Map<String, Object>> rows(BoundParameterQuery.QueryBuilder query) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueryResult.Series series : InfluxDatabase.series(influx.query(query.create()), 0)) {
            for (List<Object> values : series.getValues()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 0; i < series.getColumns().size(); i++) {
                    row.put(series.getColumns().get(i), values.get(i));
                }
                row.put("time", InfluxDatabase.time(values));
                rows.add(row);
            }
        }
        return rows;
    }

    private static Reading reading(Map<String, Object> row) {
        String patient = (String) row.get("patient");
        Object value = row.get("value");
        boolean failed = Boolean.TRUE.equals(row.get("failed"));
        Object received = row.get("received_ms");
        Instant time = (Instant) row.get("time");
        return new Reading((String) row.get("hub"), (String) row.get("outbox"), ((Number) row.get("seq")).longValue(),
                ObservationStore.UNATTRIBUTED.equals(patient) ? null : patient, (String) row.get("device"),
                (String) row.get("code"), failed || !(value instanceof Number n) ? null : n.doubleValue(),
                (String) row.get("unit"),
                // The point's time carries seq mod 10^6 in its nanoseconds (ObservationStore); read to the ms, it is the
                // reading's.
                time,
                received instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : time,
                Reading.flags((String) row.get("flags")));
    }
}
