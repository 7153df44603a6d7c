package io.nara.ingest.fhir;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationQueries;
import io.nara.ingest.observation.ObservationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Readings back out of InfluxDB for the FHIR API: one by its outbox and seq, or a patient's by code and time.
 * Blocking: call from a worker.
 */
final class FhirReadings {

    private final ObservationQueries queries;

    FhirReadings(InfluxDatabase influx) {
        this.queries = new ObservationQueries(influx);
    }

    /** The reading with this outbox and seq, if InfluxDB has it. */
    Optional<Reading> one(String outbox, long seq) {
        return queries.byOutboxSeq(outbox, seq).stream()
                .map(FhirReadings::reading)
                .findFirst();
    }

    /**
     * A search's readings and whether InfluxDB had more.
     *
     * @param full the limit was reached: there may be older readings, and the answer gives no total
     */
    record Page(List<Reading> readings, boolean full) {}

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
        for (Reading r : select(
                patientId,
                codes,
                range.and(new FhirSearch.TimeRange(oldest, oldest.plusMillis(1))),
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
        return queries.points(patientId, codes, range.from(), range.to(), limit).stream()
                .map(FhirReadings::reading)
                .toList();
    }

    private static Reading reading(Map<String, Object> row) {
        String patient = (String) row.get("patient");
        Object value = row.get("value");
        boolean failed = Boolean.TRUE.equals(row.get("failed"));
        Object received = row.get("received_ms");
        Instant time = (Instant) row.get("time");
        return new Reading(
                (String) row.get("hub"),
                (String) row.get("outbox"),
                ((Number) row.get("seq")).longValue(),
                ObservationStore.UNATTRIBUTED.equals(patient) ? null : patient,
                (String) row.get("device"),
                (String) row.get("code"),
                failed || !(value instanceof Number n) ? null : n.doubleValue(),
                (String) row.get("unit"),
                // The point's time carries seq mod 10^6 in its nanoseconds (ObservationStore); read to the ms, it is
                // the
                // reading's.
                time,
                received instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : time,
                Reading.flags((String) row.get("flags")));
    }
}
