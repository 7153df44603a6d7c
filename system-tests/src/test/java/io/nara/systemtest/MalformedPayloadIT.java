package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.IngestService;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final MessageCodec CODEC = new MessageCodec();

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        log.start();
        ((Logger) LoggerFactory.getLogger(IngestService.class)).addAppender(log);
        ingest = Services.startIngest(stack, "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(), stack.freshInflux());
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(IngestService.class)).detachAppender(log);
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
            hub.publish(obsTopic, ("{\"v\":1,\"outbox\":\"" + outbox + "\",\"seqFrom\":1,\"seqTo\":1,\"observations\":"
                    + "[{\"seq\":1,\"deviceId\":\"cuff\",\"code\":\"8480-6\",\"value\":null,\"unit\":\"mm[Hg]\","
                    + "\"received\":\"2026-11-23T08:00:00Z\"}]}").getBytes(StandardCharsets.UTF_8));

            await().atMost(DEADLINE).untilAsserted(() -> assertThat(rejected()).hasSize(2));
            assertThat(rejected()).extracting(r -> r.get("problem").asText()).anySatisfy(p ->
                    assertThat(p).startsWith("not valid JSON")).anySatisfy(p ->
                    assertThat(p).contains("has no value but is not flagged MEASUREMENT_FAILED"));
            assertThat(rejected()).allSatisfy(r -> {
                assertThat(r.get("hubId").asText()).isEqualTo(HUB);
                assertThat(r.get("topic").asText()).isEqualTo(obsTopic);
                assertThat(r.get("payload").asText()).isNotEmpty();
            });
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains(HUB).contains("not valid JSON"));
            assertThat(hub.received()).isEmpty();

            // The same hub's next valid batch is stored and acknowledged as if nothing had happened.
            Observation weight = new Observation(2, Services.PATIENT, "scale", "29463-7", 81.2, "kg",
                    Instant.parse("2026-11-23T07:00:00Z"), Instant.parse("2026-11-23T07:00:05Z"), Set.of());
            hub.publish(obsTopic, CODEC.encode(ObservationBatch.of(outbox, List.of(weight))));
            await().atMost(DEADLINE).until(() -> hub.received().stream()
                    .map(m -> CODEC.decode(m.payload(), Ack.class))
                    .anyMatch(a -> a.outbox().equals(outbox) && a.ranges().get(0).contains(2)));
            assertThat(ingest.service().health().healthy()).isTrue();
        }
    }

    private static List<JsonNode> rejected() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/rejected"))
                        .header("Authorization", "Bearer " + ingest.apiKey()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> rows = new java.util.ArrayList<>();
        new ObjectMapper().readTree(response.body()).forEach(rows::add);
        return rows.stream().filter(r -> HUB.equals(r.path("hubId").asText())).toList();
    }
}
