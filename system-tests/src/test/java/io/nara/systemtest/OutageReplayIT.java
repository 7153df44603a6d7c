package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub cut off for a week of readings (time compressed), then reconnected: every reading arrives, in order per
 * series, and the replay keeps to the throttle.
 */
class OutageReplayIT {

    private static final String HUB = "hub-it-outage";
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final int RATE = 5_000;
    private static final int BATCH = 250;

    /** One message as an independent subscriber saw it arrive. */
    private record Arrival(long nanos, List<Observation> observations) {}

    @Test
    void aWeekOfReadingsArrivesInOrderAtTheThrottledRate(@TempDir Path data) throws Exception {
        Replay replay = weekOffline(data, new Uplink.Settings(BATCH, 4, 30_000, 60_000, RATE));
        assertThat(replay.busiestSecond()).as("records in the busiest second").isLessThanOrEqualTo(RATE + BATCH);
        System.out.printf(
                "OutageReplayIT: %d records from 7 days offline replayed in %.1f s (throttle %d/s, busiest "
                        + "second %d), all stored, 0 lost, 0 duplicated%n",
                replay.records(), replay.seconds(), RATE, replay.busiestSecond());
    }

    /**
     * The benchmark of issue 5: the same week with the throttle open, until fully acknowledged. Runs only with
     * {@code -Dnara.benchmark=true}; prints its result, asserts nothing about time.
     */
    @Test
    @EnabledIfSystemProperty(named = "nara.benchmark", matches = "true")
    void benchmarkWeekReplayWithTheThrottleOpen(@TempDir Path data) throws Exception {
        Replay replay = weekOffline(data, new Uplink.Settings(500, 8, 30_000, 60_000, 0));
        System.out.printf(
                "BENCHMARK replay: %d records (7 days, oximeter every 8 s at night) acknowledged in %.2f s, "
                        + "%.0f records/s, busiest second %d%n",
                replay.records(), replay.seconds(), replay.records() / replay.seconds(), replay.busiestSecond());
    }

    /** What a replay did. */
    private record Replay(long records, double seconds, int busiestSecond) {}

    /** Fills a hub's outbox with a week offline, reconnects it, and checks that everything arrived in order. */
    private static Replay weekOffline(Path data, Uplink.Settings uplink) throws Exception {
        DevStack stack = DevStack.faultStack();
        Services.Ingest ingest = HomeEnrolment.enrolled(
                Services.startIngest(
                        stack,
                        "it-" + UUID.randomUUID().toString().substring(0, 8),
                        stack.freshPostgres(),
                        stack.freshInflux()),
                HUB,
                Services.homeConfig(1));
        MessageCodec codec = new MessageCodec();
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        long stored;
        try (ingest;
                TestMqttClient observer = new TestMqttClient(stack, "nara-ingest", "it-outage-observer") {
                    @Override
                    void onMessage(String topic, byte[] payload) {
                        arrivals.add(new Arrival(
                                System.nanoTime(),
                                codec.decode(payload, ObservationBatch.class).observations()));
                    }
                }) {
            observer.subscribe(HubTopic.of(HUB, HubTopic.Kind.OBS).name());

            // Offline: the broker address leads nowhere, so everything stays in the outbox.
            BrokerConnection nowhere =
                    new BrokerConnection(URI.create("ssl://127.0.0.1:" + freePort()), stack.identity(HUB));
            try (Services.Hub offline = Services.startHub(
                    stack, HUB, data, Services.homeConfig(1), uplink, StorageLimits.defaults(), nowhere)) {
                stored = offline.service()
                        .simulatedHome()
                        .backfill(7, 8, Services.OXIMETER)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(120, TimeUnit.SECONDS);
                assertThat(Services.hubStatus(offline.statusUrl())
                                .get("outboxPending")
                                .asLong())
                        .isEqualTo(stored);
            }
            // Back online after a restart with the real broker.
            long started = System.nanoTime();
            try (Services.Hub online = Services.startHub(
                    stack, HUB, data, Services.homeConfig(1), uplink, StorageLimits.defaults(), stack.broker(HUB))) {
                await().atMost(DEADLINE).until(() -> Services.outboxEmpty(online.statusUrl()));
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            List<Long> points = new CloudQueries(stack, ingest).observationSeqs(HUB);
            Set<Long> distinct = new HashSet<>(points);
            assertThat(points).as("duplicated points").hasSameSizeAs(distinct);
            Set<Long> alerts = new CloudQueries(stack, ingest).alertSeqs(HUB);
            if (distinct.size() + alerts.size() != stored) {
                Set<Long> published = new HashSet<>();
                arrivals.forEach(a -> a.observations().forEach(o -> published.add(o.seq())));
                List<Long> missing = new ArrayList<>();
                for (long seq = 1; seq <= stored; seq++) {
                    if (!distinct.contains(seq) && !alerts.contains(seq)) {
                        missing.add(seq);
                    }
                }
                System.out.printf(
                        "MISSING %d: first %s, last %s, published by the hub: %d of them%n",
                        missing.size(),
                        missing.subList(0, Math.min(10, missing.size())),
                        missing.get(missing.size() - 1),
                        missing.stream().filter(published::contains).count());
            }
            assertThat((long) distinct.size() + alerts.size())
                    .as("every record of the week: %d points, %d alerts", distinct.size(), alerts.size())
                    .isEqualTo(stored);

            // In order per series: the first arrival of each reading comes after the earlier readings of its series.
            Map<String, Long> lastSeqPerSeries = new HashMap<>();
            Set<Long> seen = new HashSet<>();
            for (Arrival arrival : arrivals) {
                for (Observation o : arrival.observations()) {
                    if (seen.add(o.seq())) {
                        Long last = lastSeqPerSeries.put(o.code(), o.seq());
                        assertThat(last == null || last < o.seq())
                                .as("%s seq %d after %d", o.code(), o.seq(), last)
                                .isTrue();
                    }
                }
            }
            // Throttled: in no second did more arrive than the rate allows (plus one batch in flight).
            int worstSecond = 0;
            List<Arrival> ordered = new ArrayList<>(arrivals);
            for (int i = 0; i < ordered.size(); i++) {
                int inSecond = 0;
                for (int j = i;
                        j < ordered.size()
                                && ordered.get(j).nanos() - ordered.get(i).nanos() < 1_000_000_000L;
                        j++) {
                    inSecond += ordered.get(j).observations().size();
                }
                worstSecond = Math.max(worstSecond, inSecond);
            }
            return new Replay(stored, seconds, worstSecond);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
