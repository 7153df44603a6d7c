package io.nara.systemtest;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.observation.RawSamplePolicy;
import io.nara.ingest.retention.Retention;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.HubOfflineRule;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Patient history for the clinic's pages (issue 8): readings already in InfluxDB from days ago (written by the
 * ingest's own {@link ObservationStore}, as the ingest stores a hub's batch), and a care plan whose monitoring began
 * in the past.
 */
final class ClinicData {

    private ClinicData() {}

    /** Whether the cloud has heard from the hub (its row in {@code hub}). */
    static boolean heardFrom(Services.Ingest ingest, String hub) throws Exception {
        return !Alerting.rows(ingest, "SELECT 1 FROM hub WHERE hub_id = '" + hub + "'")
                .isEmpty();
    }

    /** Stores readings of one code for one patient, as if a hub had sent them at those times. */
    static void readings(
            Services.Ingest ingest, String hub, String patient, String code, String unit, Map<Instant, Double> values) {
        readings(ingest.influx(), hub, patient, code, unit, values);
    }

    /** ... into any InfluxDB database; a null value is a failed measurement (the device said NaN). */
    static void readings(
            ObservationStore.Settings influx,
            String hub,
            String patient,
            String code,
            String unit,
            Map<Instant, Double> values) {
        write(influx, hub, patient, code, unit, values, false);
    }

    /** ... as samples of a continuous stream (1 Hz oximetry), which go to the raw-sample retention policy. */
    static void continuousSamples(
            ObservationStore.Settings influx,
            String hub,
            String patient,
            String code,
            String unit,
            Map<Instant, Double> values) {
        write(influx, hub, patient, code, unit, values, true);
    }

    private static void write(
            ObservationStore.Settings influx,
            String hub,
            String patient,
            String code,
            String unit,
            Map<Instant, Double> values,
            boolean continuous) {
        List<Observation> observations = new ArrayList<>();
        long seq = 1;
        for (Map.Entry<Instant, Double> v : values.entrySet()) {
            Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
            if (v.getValue() == null) {
                flags.add(ObservationFlag.MEASUREMENT_FAILED);
            }
            if (continuous) {
                flags.add(ObservationFlag.CONTINUOUS_SAMPLE);
            }
            observations.add(new Observation(
                    seq++,
                    patient,
                    hub + "-device",
                    code,
                    v.getValue(),
                    unit,
                    continuous ? null : v.getKey(),
                    continuous ? v.getKey() : v.getKey().plusSeconds(5),
                    flags));
        }
        try (InfluxDatabase database = InfluxDatabase.connect(influx)) {
            // As every ingest node does on start; a database no node has used yet lacks the raw-sample policy.
            RawSamplePolicy.ensure(database, Retention.RAW_SAMPLES);
            new ObservationStore(database)
                    .write(hub, ObservationBatch.of(UUID.randomUUID().toString(), observations));
        }
    }

    /**
     * Saves a plan that asks for {@code code} every day, with monitoring begun at {@code since}. The home may be silent
     * for a week before the cloud calls it offline, so a test that moves its clock by hours raises no hub-offline
     * alert among the alerts it counts. Call after the hub has been heard from (else it is offline since {@code since}).
     */
    static void dailyPlan(Services.Ingest ingest, String hub, String patient, String code, Instant since)
            throws Exception {
        CarePlan plan = new CarePlan(
                patient,
                "1",
                List.of(new HubOfflineRule(
                        "hub-offline",
                        Duration.ofDays(7),
                        Severity.INFO,
                        "Hubben är tyst / The hub is silent",
                        null,
                        null,
                        null)),
                List.of(new ExpectedMeasurement(code, Duration.ofDays(1), null)),
                null,
                null,
                null,
                null);
        ingest.service()
                .carePlans()
                .save(hub, plan, "test", "issue 8 test set-up")
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        try (Connection c = Alerting.db(ingest);
                PreparedStatement u = c.prepareStatement("UPDATE care_plan SET since = ? WHERE patient_id = ?")) {
            u.setTimestamp(1, Timestamp.from(since));
            u.setString(2, patient);
            if (u.executeUpdate() != 1) {
                throw new IllegalStateException("no care plan stored for " + patient);
            }
        }
    }
}
