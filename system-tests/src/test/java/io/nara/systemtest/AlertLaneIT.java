package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.Severity;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An urgent alert never waits behind observation batches at the ingest. With InfluxDB hung (frozen: connections
 * accepted, requests unanswered) the node's bulk lane fills with batches it cannot store; an alert the same hub sends
 * after them is stored and acknowledged at once through the alerts' own lane, before any of those batches has
 * finished (stored or failed). In one shared lane the alert sat behind the full window until InfluxDB answered or the
 * client timed out. When InfluxDB runs again every batch is stored: nothing is lost. And the alerts' lane has a thread
 * of its own: an alert is stored and acknowledged while every event loop of the node is busy.
 */
class AlertLaneIT {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final String HUB =
            "hub-it-lane-" + UUID.randomUUID().toString().substring(0, 6);
    /** More than the bulk lane's receive maximum (32), so the broker holds some back too. */
    private static final int BATCHES = 40;

    @Test
    void anAlertOvertakesTheBatchesAheadOfItWhileInfluxDbHangs() throws Exception {
        DevStack stack = DevStack.faultStack();
        Services.Ingest ingest =
                Alerting.startIngest(stack, Clock.systemUTC(), AlertingSettings.defaults(), Alerting.organisation());
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB)) {
            bindCuff(ingest, HUB);
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            List<String> batchOutboxes = new ArrayList<>();
            String alertOutbox = UUID.randomUUID().toString();
            stack.freeze("influx");
            try {
                Instant taken = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
                for (int b = 0; b < BATCHES; b++) {
                    String outbox = UUID.randomUUID().toString();
                    batchOutboxes.add(outbox);
                    hub.publish(
                            HubTopic.of(HUB, Kind.OBS).name(),
                            CODEC.encode(ObservationBatch.of(outbox, batch(b, taken))));
                }
                // The bulk lane is full: the broker has given the node as many batches as it may hold.
                await().atMost(Services.DEADLINE)
                        .until(() -> counter(ingest, "nara_messages_received_total", "obs") >= 32);
                Alerting.publish(hub, HUB, alertOutbox, Alerting.alert(1, Severity.URGENT, null, null, Instant.now()));

                await().atMost(Services.DEADLINE).until(() -> acked(hub, alertOutbox));
                assertThat(Alerting.alertId(ingest, HUB, 1))
                        .as("the alert is stored")
                        .isPositive();
                assertThat(counter(ingest, "nara_messages_received_total", "obs"))
                        .as("batches the node holds: its bulk lane's window, no more")
                        .isEqualTo(32);
                assertThat(counter(ingest, "nara_messages_stored_total", "obs")
                                + counter(ingest, "nara_messages_failed_total", "obs"))
                        .as("batches finished (stored or failed) before the alert was acknowledged")
                        .isZero();
                assertThat(batchOutboxes.stream().filter(o -> acked(hub, o)))
                        .as("batches acknowledged while InfluxDB hangs")
                        .isEmpty();
            } finally {
                stack.thaw("influx");
            }
            // Nothing lost: the batches the node held are stored once InfluxDB answers; those it failed on are the
            // hub's to send again (a real hub re-sends after its ack timeout), so this client re-sends until each is
            // acknowledged.
            Instant taken = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(5))
                    .until(() -> {
                        for (int b = 0; b < BATCHES; b++) {
                            if (!acked(hub, batchOutboxes.get(b))) {
                                hub.publish(
                                        HubTopic.of(HUB, Kind.OBS).name(),
                                        CODEC.encode(ObservationBatch.of(batchOutboxes.get(b), batch(b, taken))));
                            }
                        }
                        return batchOutboxes.stream().allMatch(o -> acked(hub, o));
                    });
        } finally {
            Services.closeAll(ingest);
            stack.start("influx");
        }
    }

    @Test
    void anAlertIsStoredAndAcknowledgedWhileEveryEventLoopOfTheNodeIsBusy() throws Exception {
        String hubId = HUB + "-busy";
        DevStack stack = DevStack.ensureUp();
        Services.Ingest ingest =
                Alerting.startIngest(stack, Clock.systemUTC(), AlertingSettings.defaults(), Alerting.organisation());
        CountDownLatch release = new CountDownLatch(1);
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId)) {
            bindCuff(ingest, hubId);
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            // As in a freshly started node in a reconnect storm, where decoding the batches kept its event loop busy
            // for seconds: here this test holds every event loop of the node (Vert.x's default count). A thread
            // outside Vert.x gets a new context on the next event loop in turn, so enough threads reach each one.
            Set<String> held = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 4 * VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE; i++) {
                Thread asking =
                        new Thread(() -> ingest.vertx().getOrCreateContext().runOnContext(v -> {
                            held.add(Thread.currentThread().getName());
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }));
                asking.start();
                asking.join();
            }
            await().atMost(Services.DEADLINE).until(() -> held.size() == VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);

            String outbox = UUID.randomUUID().toString();
            Alerting.publish(hub, hubId, outbox, Alerting.alert(1, Severity.URGENT, null, null, Instant.now()));
            await().atMost(Services.DEADLINE).until(() -> acked(hub, outbox));
            assertThat(Alerting.alertId(ingest, hubId, 1))
                    .as("the alert is stored")
                    .isPositive();
        } finally {
            release.countDown();
            Services.closeAll(ingest);
        }
    }

    /** The hub's cuff, bound to the patient as an installer would. */
    private static void bindCuff(Services.Ingest ingest, String hubId) throws Exception {
        ingest.service()
                .carePlans()
                .bindDevices(
                        hubId, List.of(new DeviceBinding(Services.CUFF, "sim-cuff", Alerting.PATIENT)), "installer-it")
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /** Five cuff readings; seqs unique per batch. */
    private static List<Observation> batch(int b, Instant taken) {
        List<Observation> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Instant at = taken.plusSeconds(b * 5L + i);
            batch.add(new Observation(
                    1_000 + b * 5L + i,
                    Alerting.PATIENT,
                    Services.CUFF,
                    "8480-6",
                    120.0 + i,
                    "mm[Hg]",
                    at,
                    at.plusSeconds(3),
                    Set.of()));
        }
        return batch;
    }

    private static boolean acked(TestMqttClient hub, String outbox) {
        return hub.received().stream()
                .filter(m -> m.topic().endsWith("/ack"))
                .map(m -> CODEC.decode(m.payload(), Ack.class))
                .anyMatch(a -> a.outbox().equals(outbox));
    }

    /** A counter of the node's metrics for one message kind, from its Prometheus exposition. */
    private static long counter(Services.Ingest ingest, String name, String kind) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*kind=\"" + kind + "\"[^}]*\\} ([0-9.E+]+)$")
                .matcher(ingest.service().metrics().scrape());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
