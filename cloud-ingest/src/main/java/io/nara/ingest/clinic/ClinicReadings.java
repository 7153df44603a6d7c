package io.nara.ingest.clinic;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationQueries;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the worklist and the evaluation read of the readings: weight readings, and in which hours a patient measured a
 * code ({@link ObservationQueries} asks InfluxDB). Only the patients asked for are read. Blocking: call from a worker.
 */
public final class ClinicReadings {

    private final ObservationQueries queries;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public ClinicReadings(InfluxDatabase influx) {
        this.queries = new ObservationQueries(influx);
    }

    /** The usable readings of {@code code} per patient in [from, to). */
    public Map<String, List<WeightTrend.Reading>> values(
            Collection<String> patients, String code, Instant from, Instant to) {
        Map<String, List<WeightTrend.Reading>> out = new HashMap<>();
        queries.usableValues(patients, code, from, to)
                .forEach((patient, values) -> out.put(
                        patient,
                        values.stream()
                                .map(v -> new WeightTrend.Reading(v.at(), v.value()))
                                .toList()));
        return out;
    }

    /** For each patient and code, the start of every hour in [from, to) with at least one usable reading. */
    public Map<String, Map<String, List<Instant>>> measuredHours(
            Collection<String> patients, Instant from, Instant to) {
        return queries.measuredHours(patients, from, to);
    }
}
