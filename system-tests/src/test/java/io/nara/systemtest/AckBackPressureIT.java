package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.consumer.HubMessageConsumer;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The ingest's acknowledgements are never lost to the MQTT client's own in-flight limit: Mosquitto lets a client have
 * 20 unacknowledged publishes, the ingest handles 32 hub messages at once, and under load (a reconnect storm, many hubs
 * replaying) it published acks faster than the broker confirmed them, so Paho refused the rest with "Too many publishes
 * in progress" after the data was stored; the hubs then waited out their timeout and sent everything again. Here 300
 * acks are published at once through the ingest's own consumer, against the real broker: every one must reach the hub.
 */
class AckBackPressureIT {

    private static final int ACKS = 300;

    @Test
    void acknowledgementsBeyondTheClientsInFlightLimitWaitTheirTurnAndAllArrive() throws Exception {
        DevStack stack = DevStack.ensureUp();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String hubId = "hub-it-acks-" + suffix;
        Vertx vertx = Vertx.vertx();
        HubMessageConsumer consumer = new HubMessageConsumer(
                vertx,
                stack.broker(stack.newIngestNode()),
                "it-acks-" + suffix,
                "it-acks-" + suffix,
                HubMessageConsumer.Lane.bulk(32),
                (topic, payload) -> Future.succeededFuture());
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId)) {
            String ackTopic = HubTopic.of(hubId, HubTopic.Kind.ACK).name();
            hub.subscribe(ackTopic);
            vertx.runOnContext(v -> consumer.start());
            await().atMost(Services.DEADLINE).until(consumer::ready);

            MessageCodec codec = new MessageCodec();
            String outbox = UUID.randomUUID().toString();
            List<Future<Void>> published = new ArrayList<>();
            for (long seq = 1; seq <= ACKS; seq++) {
                published.add(consumer.publish(ackTopic, codec.encode(Ack.of(outbox, List.of(seq)))));
            }
            List<String> failures = new ArrayList<>();
            for (Future<Void> f : published) {
                try {
                    f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                }
            }
            assertThat(failures).as("acks that failed to publish").isEmpty();
            await().atMost(Duration.ofSeconds(60)).until(() -> hub.received().size() >= ACKS);
            Set<Long> seqs = new HashSet<>();
            for (TestMqttClient.Received r : hub.received()) {
                seqs.addAll(codec.decode(r.payload(), Ack.class).ranges().stream()
                        .flatMap(range ->
                                LongStream.rangeClosed(range.from(), range.to()).boxed())
                        .toList());
            }
            assertThat(seqs).hasSize(ACKS);
        } finally {
            consumer.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
