package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarted in the middle of a stream of readings: nothing lost, nothing duplicated in InfluxDB. A plan a
 * doctor saves while the broker is away is saved, and reaches the hub when the broker is back.
 */
class BrokerRestartIT {

    private static final String HUB = "hub-it-broker-restart";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Services.Hub hub;

    @BeforeAll
    static void start(@TempDir Path data) throws Exception {
        stack = DevStack.faultStack();
        ingest = Services.startIngest(
                stack,
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(),
                stack.freshInflux());
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        HomeEnrolment.enrol(ingest, HUB, Services.homeConfig(1));
        hub = Services.startHub(
                stack,
                HUB,
                data,
                Services.homeConfig(1),
                new Uplink.Settings(100, 4, 5_000, 60_000, 0),
                StorageLimits.defaults(),
                stack.broker(HUB));
        HomeEnrolment.awaitApplied(ingest, HUB);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.start("broker");
        for (AutoCloseable c : new AutoCloseable[] {hub, ingest}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aPlanSavedWhileTheBrokerIsAwayIsKeptAndReachesTheHubWhenTheBrokerIsBack() throws Exception {
        String planUrl = "/api/patients/" + Services.PATIENT + "/careplan";
        Alerting.Session doctor = HomeEnrolment.doctor(ingest);
        HttpResponse<String> read = doctor.get(planUrl);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonObject current = new JsonObject(read.body());
        JsonObject plan = current.getJsonObject("plan");
        plan.getJsonArray("rules")
                .getJsonObject(0)
                .put("below", 95.0)
                .put("message", "Systoliskt under 95 / Systolic below 95");
        stack.stop("broker");
        try {
            await().atMost(DEADLINE).until(() -> !ingest.service().health().healthy());
            HttpResponse<String> saved = doctor.put(
                    planUrl,
                    new JsonObject()
                            .put("basedOnVersion", current.getInteger("version"))
                            .put("plan", plan)
                            .put("reason", "saved while the broker was away"));
            // The change is committed; publishing it waits for the broker, which is not the doctor's problem.
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(HomeEnrolment.hubPage(HomeEnrolment.Cloud.of(ingest), HUB)
                            .getJsonObject("config")
                            .getString("state"))
                    .isNotEqualTo("APPLIED");
        } finally {
            stack.start("broker");
        }
        // The next housekeeping round publishes the pending config; the hub applies it.
        HomeEnrolment.awaitApplied(ingest, HUB);
        JsonObject now = new JsonObject(doctor.get(planUrl).body());
        assertThat(now.getInteger("version")).isEqualTo(current.getInteger("version") + 1);
        assertThat(now.getJsonObject("plan")
                        .getJsonArray("rules")
                        .getJsonObject(0)
                        .getDouble("below"))
                .isEqualTo(95.0);
    }

    @Test
    void aBrokerRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
        Set<Long> acknowledged;
        try (DeviceDriver cuff = new DeviceDriver(hub)) {
            await().atMost(DEADLINE).until(() -> cuff.readings() >= 60);
            stack.stop("broker");
            int atStop = cuff.readings();
            // The hub keeps taking readings while the broker is away.
            await().atMost(DEADLINE).until(() -> cuff.readings() >= atStop + 60);
            stack.start("broker");
            int atStart = cuff.readings();
            await().atMost(DEADLINE).until(() -> cuff.readings() >= atStart + 60);
            cuff.close();
            acknowledged = cuff.acknowledged();
        }
        await().atMost(DEADLINE).until(() -> Services.outboxEmpty(hub.statusUrl()));

        CloudQueries cloud = new CloudQueries(stack, ingest);
        List<Long> points = cloud.observationSeqs(HUB);
        Set<Long> distinct = new HashSet<>(points);
        assertThat(points).as("duplicated points").hasSameSizeAs(distinct);
        assertThat(distinct).as("every acknowledged reading is in InfluxDB").containsAll(acknowledged);
        assertThat(points).hasSize(acknowledged.size());
        System.out.printf(
                "BrokerRestartIT: %d observations acknowledged to the device, %d points stored, %d lost, "
                        + "%d duplicated%n",
                acknowledged.size(),
                distinct.size(),
                acknowledged.size() - distinct.size(),
                points.size() - distinct.size());
    }
}
