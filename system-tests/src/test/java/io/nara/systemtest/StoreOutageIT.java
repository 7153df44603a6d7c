package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.ingest.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * InfluxDB or PostgreSQL down for a while: the ingest stops acknowledging and says so in its health, the hub keeps
 * every reading, and when the store is back acknowledgements resume by themselves and nothing is lost.
 */
class StoreOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private DevStack stack;
    private Services.Ingest ingest;
    private Services.Hub hub;
    private String hubId;

    @BeforeEach
    void start(@TempDir Path data) throws Exception {
        stack = DevStack.faultStack();
        hubId = "hub-it-store-" + UUID.randomUUID().toString().substring(0, 6);
        ingest = Services.startIngest(
                stack,
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(),
                stack.freshInflux());
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        HomeEnrolment.enrol(ingest, hubId, Services.homeConfig(1));
        hub = Services.startHub(
                stack,
                hubId,
                data,
                Services.homeConfig(1),
                new Uplink.Settings(100, 4, 3_000, 60_000, 0),
                StorageLimits.defaults(),
                stack.broker(hubId));
        HomeEnrolment.awaitApplied(ingest, hubId);
    }

    @AfterEach
    void stop() throws Exception {
        stack.start("influx");
        stack.start("postgres");
        for (AutoCloseable c : new AutoCloseable[] {hub, ingest}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0} down, then up")
    @ValueSource(strings = {"influx", "postgres"})
    void aStoreOutageDelaysAcknowledgementsButLosesNothing(String service) throws Exception {
        Predicate<Health> storeDown = "influx".equals(service) ? h -> !h.influxdb() : h -> !h.postgres();
        Set<Long> acknowledged;
        try (DeviceDriver cuff = new DeviceDriver(hub)) {
            await().atMost(DEADLINE).until(() -> cuff.readings() >= 30);
            stack.stop(service);
            await().atMost(DEADLINE)
                    .until(() -> cuff.readings() >= 60
                            && storeDown.test(ingest.service().health()));
            assertThat(healthStatusCode())
                    .as("/health while %s is down", service)
                    .isEqualTo(503);
            // Nothing is acknowledged while the store is down, so the outbox holds what the devices sent since.
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                                    .get("outboxPending")
                                    .asLong()
                            > 50);
            stack.start(service);
            int atStart = cuff.readings();
            await().atMost(DEADLINE).until(() -> cuff.readings() >= atStart + 30);
            cuff.close();
            acknowledged = cuff.acknowledged();
        }
        await().atMost(DEADLINE).until(() -> Services.outboxEmpty(hub.statusUrl()));
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        assertThat(healthStatusCode()).isEqualTo(200);

        List<Long> points = new CloudQueries(stack, ingest).observationSeqs(hubId);
        Set<Long> distinct = new HashSet<>(points);
        assertThat(points).as("duplicated points").hasSameSizeAs(distinct);
        assertThat(distinct).containsAll(acknowledged);
        System.out.printf(
                "StoreOutageIT[%s]: %d observations acknowledged to the device, %d stored, %d lost, "
                        + "%d duplicated%n",
                service,
                acknowledged.size(),
                distinct.size(),
                acknowledged.stream().filter(s -> !distinct.contains(s)).count(),
                points.size() - distinct.size());
    }

    private int healthStatusCode() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/health"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
