package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.consumer.HubMessageHandler;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A malformed payload is refused with a log line naming hub and problem, kept for inspection, and nothing else stops. */
class MalformedPayloadIT {

    private static final String HUB = "hub-it-bad";
    private static final String TIME_HUB = "hub-it-bad-time";
    private static final String TIME_PATIENT = "patient-it-bad-time";
    private static final String FLOOD_HUB = "hub-it-bad-flood";
    private static final String FLOOD_PATIENT = "patient-it-bad-flood";
    private static final String RESEND_HUB = "hub-it-resend";
    private static final String RESEND_PATIENT = "patient-it-resend";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final MessageCodec CODEC = new MessageCodec();

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        log.start();
        ((Logger) LoggerFactory.getLogger(HubMessageHandler.class)).addAppender(log);
        ingest = Services.startIngest(
                stack,
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(),
                stack.freshInflux());
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        // Each hub's home, so that its valid batches are stored: a patient of its own with one scale.
        HomeEnrolment.enrol(ingest, HUB, home(Services.PATIENT, "scale"));
        HomeEnrolment.enrol(ingest, TIME_HUB, home(TIME_PATIENT, "scale-time"));
        HomeEnrolment.enrol(ingest, FLOOD_HUB, home(FLOOD_PATIENT, "scale-flood"));
        HomeEnrolment.enrol(ingest, RESEND_HUB, home(RESEND_PATIENT, "scale-resend"));
    }

    private static HubConfig home(String patient, String scale) {
        return new HubConfig(1, 1, List.of(), List.of(new DeviceBinding(scale, "sim-scale", patient)));
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(HubMessageHandler.class)).detachAppender(log);
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void garbageAndInvalidBatchesAreRefusedKeptAndTheIngestCarriesOn() throws Exception {
        String outbox = UUID.randomUUID().toString();
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB)) {
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            String obsTopic = HubTopic.of(HUB, Kind.OBS).name();
            hub.publish(obsTopic, "{\"v\":1,\"seqFrom\":".getBytes(StandardCharsets.UTF_8));
            hub.publish(
                    obsTopic,
                    ("{\"v\":1,\"outbox\":\"" + outbox + "\",\"seqFrom\":1,\"seqTo\":1,\"observations\":"
                                    + "[{\"seq\":1,\"deviceId\":\"cuff\",\"code\":\"8480-6\",\"value\":null,\"unit\":\"mm[Hg]\","
                                    + "\"received\":\"2026-11-23T08:00:00Z\"}]}")
                            .getBytes(StandardCharsets.UTF_8));

            await().atMost(DEADLINE).untilAsserted(() -> assertThat(rejected()).hasSize(2));
            assertThat(rejected())
                    .extracting(r -> r.get("problem").asText())
                    .anySatisfy(p -> assertThat(p).startsWith("not valid JSON"))
                    .anySatisfy(p -> assertThat(p).contains("has no value but is not flagged MEASUREMENT_FAILED"));
            assertThat(rejected()).allSatisfy(r -> {
                assertThat(r.get("hubId").asText()).isEqualTo(HUB);
                assertThat(r.get("topic").asText()).isEqualTo(obsTopic);
                assertThat(r.get("payload").asText()).isNotEmpty();
            });
            assertThat(log.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains(HUB).contains("not valid JSON"));
            assertThat(hub.received()).isEmpty();

            // The same hub's next valid batch is stored and acknowledged as if nothing had happened.
            Observation weight = new Observation(
                    2,
                    Services.PATIENT,
                    "scale",
                    "29463-7",
                    81.2,
                    "kg",
                    Instant.parse("2026-11-23T07:00:00Z"),
                    Instant.parse("2026-11-23T07:00:05Z"),
                    Set.of());
            hub.publish(obsTopic, CODEC.encode(ObservationBatch.of(outbox, List.of(weight))));
            await().atMost(DEADLINE)
                    .until(() -> hub.received().stream()
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)
                                    && a.ranges().get(0).contains(2)));
            assertThat(ingest.service().health().healthy()).isTrue();
        }
    }

    @Test
    void timesThatCannotBeStoredAndControlCharactersAreRefusedWithoutAnOutage() throws Exception {
        String hubId = TIME_HUB;
        String outbox = UUID.randomUUID().toString();
        Instant now = Instant.now();
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId)) {
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            String obsTopic = HubTopic.of(hubId, Kind.OBS).name();
            // 9999-12-31 became 1816 in InfluxDB; the largest year Java reads threw while it was written.
            hub.publish(obsTopic, weightJson(outbox, 1, TIME_PATIENT, "9999-12-31T00:00:00Z", now.toString()));
            hub.publish(obsTopic, weightJson(outbox, 2, TIME_PATIENT, "+999999999-12-31T00:00:00Z", now.toString()));
            // A NUL made PostgreSQL refuse the row and /health answer 503.
            hub.publish(obsTopic, weightJson(outbox, 3, "patient\\u0000x", now.toString(), now.toString()));
            // Three days ahead of the ingest's clock: the signal would look fresh until then.
            hub.publish(
                    obsTopic,
                    weightJson(
                            outbox,
                            4,
                            TIME_PATIENT,
                            now.plus(Duration.ofDays(3)).toString(),
                            now.toString()));

            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(rejected(hubId)).hasSize(4));
            assertThat(rejected(hubId))
                    .extracting(r -> r.get("problem").asText())
                    .filteredOn(p -> p.contains("outside the times Nära keeps"))
                    .hasSize(2);
            assertThat(rejected(hubId))
                    .extracting(r -> r.get("problem").asText())
                    .anySatisfy(p -> assertThat(p).contains("patientId holds the control character U+0000"))
                    .anySatisfy(p -> assertThat(p).contains("lies in the future"));
            assertThat(ingest.service().health().healthy()).isTrue();
            assertThat(hub.received()).isEmpty();

            // Within the tolerance (a device clock an hour ahead) the reading is kept, but the newest reading the
            // silence rules see is never later than now.
            Instant ahead = now.plus(Duration.ofHours(1));
            hub.publish(obsTopic, weightJson(outbox, 5, TIME_PATIENT, ahead.toString(), now.toString()));
            await().atMost(DEADLINE)
                    .until(() -> hub.received().stream()
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)
                                    && a.ranges().get(0).contains(5)));
            assertThat(Alerting.rows(
                            ingest,
                            "SELECT at <= now() FROM latest_reading WHERE patient_id = '" + TIME_PATIENT
                                    + "' AND device_id = 'scale-time'"))
                    .containsExactly(List.of(true));
            assertThat(ingest.service().health().healthy()).isTrue();
        }
    }

    @Test
    void aFloodOfJunkIsCountedNotKeptOneByOneAndABigPayloadIsKeptAsItsPrefix() throws Exception {
        String hubId = FLOOD_HUB;
        String outbox = UUID.randomUUID().toString();
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId)) {
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            String obsTopic = HubTopic.of(hubId, Kind.OBS).name();
            byte[] big = new byte[200 * 1024];
            Arrays.fill(big, (byte) 'x');
            hub.publish(obsTopic, big);
            for (int i = 0; i < 300; i++) {
                hub.publish(obsTopic, ("junk " + i).getBytes(StandardCharsets.UTF_8));
            }
            // The hub's next valid batch is still stored and acknowledged.
            Observation weight = new Observation(
                    1,
                    FLOOD_PATIENT,
                    "scale-flood",
                    "29463-7",
                    80.9,
                    "kg",
                    Instant.now().minusSeconds(60),
                    Instant.now().minusSeconds(55),
                    Set.of());
            hub.publish(obsTopic, CODEC.encode(ObservationBatch.of(outbox, List.of(weight))));
            await().atMost(DEADLINE)
                    .until(() -> hub.received().stream()
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)));

            // 20 kept one by one in this minute (the rest are counted into one row once the minute has passed).
            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(rejected(hubId)).hasSize(20));
            JsonNode first = rejected(hubId).stream()
                    .filter(r -> r.get("payloadBytes").asInt() == big.length)
                    .findFirst()
                    .orElseThrow();
            assertThat(first.get("payload").asText()).hasSize(4096);
            assertThat(log.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.contains(hubId) && line.contains("rejected message"))
                    .hasSize(20);
            assertThat(ingest.service().health().healthy()).isTrue();
        }
    }

    @Test
    void aReSentReadingThatDiffersKeepsTheFirstAndRecordsTheConflict() throws Exception {
        String hubId = RESEND_HUB;
        String outbox = UUID.randomUUID().toString();
        Instant morning = Instant.now().minus(Duration.ofHours(2));
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId)) {
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            String obsTopic = HubTopic.of(hubId, Kind.OBS).name();
            hub.publish(
                    obsTopic,
                    CODEC.encode(ObservationBatch.of(
                            outbox, List.of(weight(1, 81.2, morning), weight(2, 81.4, morning.plusSeconds(60))))));
            awaitAcked(hub, outbox, 2);

            // The hub (a fault, or a forged message) sends seq 2 again with another weight, beside a new reading.
            hub.publish(
                    obsTopic,
                    CODEC.encode(ObservationBatch.of(
                            outbox,
                            List.of(
                                    weight(2, 95.0, morning.plusSeconds(60)),
                                    weight(3, 81.5, morning.plusSeconds(120))))));
            awaitAcked(hub, outbox, 3);
            // An identical re-send (the usual one: an acknowledgement lost) is no conflict.
            hub.publish(obsTopic, CODEC.encode(ObservationBatch.of(outbox, List.of(weight(1, 81.2, morning)))));
            await().atMost(DEADLINE)
                    .until(() -> hub.received().stream()
                                    .map(m -> CODEC.decode(m.payload(), Ack.class))
                                    .filter(a -> a.outbox().equals(outbox)
                                            && a.ranges().get(0).contains(1))
                                    .count()
                            == 2);

            CloudQueries cloud = new CloudQueries(stack, ingest);
            assertThat(cloud.pointsByPatient(hubId, "29463-7"))
                    .containsExactly(
                            RESEND_PATIENT + " 1 81.2", RESEND_PATIENT + " 2 81.4", RESEND_PATIENT + " 3 81.5");
            assertThat(rejected(hubId))
                    .singleElement()
                    .satisfies(r -> assertThat(r.get("problem").asText())
                            .contains("re-sent with other content")
                            .contains("seq 2 was stored as 29463-7 81.4 kg")
                            .contains("re-sent as 29463-7 95.0 kg")
                            .contains("the stored reading is kept"));
        }
    }

    private static Observation weight(long seq, double kg, Instant at) {
        return new Observation(
                seq, RESEND_PATIENT, "scale-resend", "29463-7", kg, "kg", at, at.plusSeconds(5), Set.of());
    }

    private static void awaitAcked(TestMqttClient hub, String outbox, long seq) {
        await().atMost(DEADLINE)
                .until(() -> hub.received().stream()
                        .map(m -> CODEC.decode(m.payload(), Ack.class))
                        .anyMatch(a ->
                                a.outbox().equals(outbox) && a.ranges().stream().anyMatch(r -> r.contains(seq))));
    }

    private static byte[] weightJson(String outbox, long seq, String patientJson, String effective, String received) {
        return ("{\"v\":1,\"outbox\":\"" + outbox + "\",\"seqFrom\":" + seq + ",\"seqTo\":" + seq
                        + ",\"observations\":[{\"seq\":" + seq + ",\"patientId\":\"" + patientJson
                        + "\",\"deviceId\":\"scale-time\",\"code\":\"29463-7\",\"value\":81.0,\"unit\":\"kg\","
                        + "\"effective\":\"" + effective + "\",\"received\":\"" + received + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<JsonNode> rejected() throws Exception {
        return rejected(HUB);
    }

    private static List<JsonNode> rejected(String hubId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/rejected"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).forEach(rows::add);
        return rows.stream().filter(r -> hubId.equals(r.path("hubId").asText())).toList();
    }
}
