package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.NodeOptions;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.retention.Retention;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.SeqRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;

/**
 * InfluxDB retention of raw continuous samples, with the clock moved the way InfluxDB allows: its retention runs on
 * its own clock, so the samples are dated in the past. With a raw-sample policy of one hour, a hub back from a long
 * outage sends, in one batch, pulse-oximeter samples and blood pressure readings from three hours ago and from ten
 * minutes ago. The old raw samples are past their retention: InfluxDB refuses them, the ingest counts that as stored
 * by design and acknowledges the whole batch (nothing is left stuck in the hub's outbox), and keeps their one-minute
 * rollup, which the patient page's trend shows. The recent samples and both spot readings are stored; a replay
 * changes nothing; a node started with a longer period alters the policy.
 */
class RawSampleRetentionIT {

    private static final String HUB = "hub-it-raw-retention";
    private static final String PATIENT = "patient-it-raw-1";
    private static final String SPO2 = "59408-5";
    private static final String SYSTOLIC = "8480-6";
    private static final MessageCodec CODEC = new MessageCodec();

    @Test
    void rawSamplesPastTheirRetentionAreAcknowledgedAndKeptAsRollupWhileSpotReadingsStay() throws Exception {
        DevStack stack = DevStack.ensureUp();
        Database.Settings postgres = stack.freshPostgres();
        ObservationStore.Settings influx = stack.freshInflux();
        NodeOptions oneHour = NodeOptions.defaults().withRetention(raw(Duration.ofHours(1)));
        try (Services.Ingest ingest = HomeEnrolment.enrolled(
                        Services.startIngest(stack, Services.newShareGroup(), postgres, influx, oneHour), HUB, home());
                TestMqttClient hub = new TestMqttClient(stack, HUB, HUB)) {
            assertThat(rawPolicy(stack, influx.database())).isEqualTo("1h0m0s");
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());

            Instant now = Instant.now();
            Instant old = now.minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MINUTES);
            Instant recent = now.minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
            List<Observation> batch = new ArrayList<>();
            long seq = 1;
            // 90 old samples over two minutes (60 + 30), SpO2 cycling 90..99; a failed one, which has no value.
            for (int s = 0; s < 90; s++) {
                batch.add(sample(seq++, 90.0 + s % 10, old.plusSeconds(s)));
            }
            batch.add(new Observation(
                    seq++,
                    PATIENT,
                    Services.OXIMETER,
                    SPO2,
                    null,
                    "%",
                    null,
                    old.plusSeconds(95),
                    Set.of(ObservationFlag.CONTINUOUS_SAMPLE, ObservationFlag.MEASUREMENT_FAILED)));
            batch.add(spot(seq++, 131.0, old.plusSeconds(5)));
            for (int s = 0; s < 20; s++) {
                batch.add(sample(seq++, 95.0, recent.plusSeconds(s)));
            }
            batch.add(spot(seq++, 128.0, recent.plusSeconds(30)));
            long last = seq - 1;
            String outbox = UUID.randomUUID().toString();
            byte[] payload = CODEC.encode(ObservationBatch.of(outbox, batch));

            hub.publish(HubTopic.of(HUB, Kind.OBS).name(), payload);
            awaitAcknowledged(hub, outbox, last, 1);

            String db = influx.database();
            String window = " WHERE hub = '" + HUB + "' AND time >= '" + old + "' AND time < '"
                    + old.plus(Duration.ofMinutes(2)) + "'";
            // Past their retention: not stored. The recent samples are, in the raw policy; spot readings are not.
            assertThat(count(stack, db, "SELECT count(seq) FROM \"raw_samples\".observation" + window))
                    .isZero();
            assertThat(count(stack, db, "SELECT count(seq) FROM \"raw_samples\".observation WHERE hub = '" + HUB + "'"))
                    .isEqualTo(20);
            // Both spot readings, old and recent, in the journal's (default) policy, and no raw sample there.
            assertThat(count(stack, db, "SELECT count(seq) FROM observation WHERE code = '" + SYSTOLIC + "'"))
                    .isEqualTo(2);
            assertThat(count(stack, db, "SELECT count(seq) FROM observation WHERE code = '" + SPO2 + "'"))
                    .isZero();
            // The old samples' one-minute rollup is in the journal's policy: 60 + 30 samples, their sums and extremes.
            assertThat(rollup(stack, db, old)).isEqualTo(List.of(60L, 5670.0, 90.0, 99.0));
            assertThat(rollup(stack, db, old.plus(Duration.ofMinutes(1)))).isEqualTo(List.of(30L, 2835.0, 90.0, 99.0));
            assertThat(rollup(stack, db, recent)).isEqualTo(List.of(20L, 1900.0, 95.0, 95.0));
            // Counted for the operator: the 90 and the failed one.
            assertThat(ingest.service().metrics().scrape())
                    .containsPattern("nara_influx_samples_past_retention_total\\{[^}]*} 91\\.0");

            // The nurse's trend shows every sample's minute, the old ones included: 90 + 20 samples of SpO2.
            JsonObject trends = get(ingest, "/api/patients/" + PATIENT + "/trends?range=7d");
            long charted = 0;
            for (Object signal : trends.getJsonArray("signals")) {
                JsonObject s = (JsonObject) signal;
                if (SPO2.equals(s.getString("code"))) {
                    for (Object point : s.getJsonArray("points", new JsonArray())) {
                        charted += ((JsonObject) point).getLong("n");
                    }
                }
            }
            assertThat(charted).isEqualTo(110);

            // The hub did not see the ack (it went offline again) and replays the batch: acknowledged again, and the
            // rollup of the samples past retention is the same, not counted twice.
            hub.publish(HubTopic.of(HUB, Kind.OBS).name(), payload);
            awaitAcknowledged(hub, outbox, last, 2);
            assertThat(rollup(stack, db, old)).isEqualTo(List.of(60L, 5670.0, 90.0, 99.0));
            assertThat(count(stack, db, "SELECT count(seq) FROM \"raw_samples\".observation WHERE hub = '" + HUB + "'"))
                    .isEqualTo(20);
        }

        // The operator keeps raw samples longer: a node starting with the new option alters the policy.
        try (Services.Ingest again = Services.startIngest(
                stack,
                Services.newShareGroup(),
                postgres,
                influx,
                NodeOptions.defaults().withRetention(raw(Duration.ofHours(2))))) {
            Services.awaitHealthy(again);
            assertThat(rawPolicy(stack, influx.database())).isEqualTo("2h0m0s");
        }
    }

    private static Retention.Settings raw(Duration rawSamples) {
        Retention.Settings d = Retention.Settings.defaults();
        return new Retention.Settings(
                d.sessions(), d.rejectedMessages(), d.deliveredNotifications(), d.accessLog(), d.journal(), rawSamples);
    }

    private static HubConfig home() {
        return new HubConfig(
                1,
                1,
                List.of(new CarePlan(PATIENT, "1", List.of())),
                List.of(
                        new DeviceBinding(Services.OXIMETER, "sim-oximeter", PATIENT),
                        new DeviceBinding(Services.CUFF, "sim-cuff", PATIENT)));
    }

    private static Observation sample(long seq, double spo2, Instant at) {
        // As the hub sends a PLX continuous sample: no device time, the hub's time of receipt.
        return new Observation(
                seq, PATIENT, Services.OXIMETER, SPO2, spo2, "%", null, at, Set.of(ObservationFlag.CONTINUOUS_SAMPLE));
    }

    private static Observation spot(long seq, double systolic, Instant at) {
        return new Observation(
                seq, PATIENT, Services.CUFF, SYSTOLIC, systolic, "mm[Hg]", at, at.plusSeconds(2), Set.of());
    }

    /** Waits for the {@code nth} ack of the outbox, which must cover every sequence number 1..last. */
    private static void awaitAcknowledged(TestMqttClient hub, String outbox, long last, int nth) {
        await().atMost(Services.DEADLINE)
                .until(() -> hub.received().stream()
                                .filter(m -> m.topic().endsWith("/ack"))
                                .map(m -> CODEC.decode(m.payload(), Ack.class))
                                .filter(a ->
                                        a.outbox().equals(outbox) && a.ranges().equals(List.of(new SeqRange(1, last))))
                                .count()
                        >= nth);
    }

    /** n, total, min, max of the SpO2 rollup at one minute, summed over its rows (as the readers sum them). */
    private static List<Object> rollup(DevStack stack, String db, Instant minute) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult r = influx.query(new Query(
                    "SELECT sum(n), sum(total), min(min), max(max) FROM observation_1m " + "WHERE patient = '" + PATIENT
                            + "' AND code = '" + SPO2 + "' AND time = '" + minute + "'",
                    db));
            assertThat(r.getResults().get(0).getError()).isNull();
            var series = r.getResults().get(0).getSeries();
            if (series == null) {
                return List.of();
            }
            List<Object> row = series.get(0).getValues().get(0);
            return List.of(
                    Math.round(((Number) row.get(1)).doubleValue()),
                    ((Number) row.get(2)).doubleValue(),
                    ((Number) row.get(3)).doubleValue(),
                    ((Number) row.get(4)).doubleValue());
        }
    }

    private static long count(DevStack stack, String db, String query) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult r = influx.query(new Query(query, db));
            assertThat(r.getResults().get(0).getError()).as(query).isNull();
            var series = r.getResults().get(0).getSeries();
            return series == null
                    ? 0
                    : Math.round(((Number) series.get(0).getValues().get(0).get(1)).doubleValue());
        }
    }

    private static String rawPolicy(DevStack stack, String db) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult r = influx.query(new Query("SHOW RETENTION POLICIES ON \"" + db + "\"", db));
            for (List<Object> row : r.getResults().get(0).getSeries().get(0).getValues()) {
                if (ObservationStore.RAW_POLICY.equals(row.get(0))) {
                    return (String) row.get(1);
                }
            }
            return null;
        }
    }

    private static JsonObject get(Services.Ingest ingest, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }
}
