package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.ingest.IngestMain;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.TlsIdentity;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest nodes share the load through the shared subscription; one is killed with SIGKILL mid-stream. The
 * survivor takes over, and what the dead node had not acknowledged the hub sends again: nothing is lost.
 */
class IngestFailoverIT {

    private static final String HUB = "hub-it-failover";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void killingOneOfTwoIngestNodesMidStreamLosesNothing(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.faultStack();
        Database.Settings postgres = stack.freshPostgres();
        ObservationStore.Settings influx = stack.freshInflux();
        String group = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Path apiKey = dir.resolve("api-key");
        Files.writeString(apiKey, UUID.randomUUID().toString());
        int portA = freePort();
        int portB = freePort();
        Path log = Path.of("target", "ingest-failover-it.log");
        try (JavaProcess nodeA = JavaProcess.start(
                        IngestMain.class, ingestArgs(stack, "node-a", group, postgres, influx, apiKey, portA), log);
                JavaProcess nodeB = JavaProcess.start( // NOPMD - the resource is held open for the block
                        IngestMain.class, ingestArgs(stack, "node-b", group, postgres, influx, apiKey, portB), log)) {
            await().atMost(DEADLINE).until(() -> healthy(portA) && healthy(portB));
            HomeEnrolment.Cloud cloud =
                    new HomeEnrolment.Cloud("http://127.0.0.1:" + portA, Files.readString(apiKey), postgres);
            HomeEnrolment.enrol(cloud, HUB, Services.homeConfig(1));
            Set<Long> acknowledged;
            try (Services.Hub hub = Services.startHub(
                            stack,
                            HUB,
                            dir.resolve("hub"),
                            Services.homeConfig(1),
                            new Uplink.Settings(20, 4, 3_000, 60_000, 0),
                            StorageLimits.defaults(),
                            stack.broker(HUB));
                    DeviceDriver cuff = new DeviceDriver(hub)) {
                HomeEnrolment.awaitApplied(cloud, HUB);
                await().atMost(DEADLINE).until(() -> cuff.readings() >= 80);
                nodeA.kill();
                int atKill = cuff.readings();
                await().atMost(DEADLINE).until(() -> cuff.readings() >= atKill + 80);
                cuff.close();
                acknowledged = cuff.acknowledged();
                await().atMost(DEADLINE).until(() -> Services.outboxEmpty(hub.statusUrl()));
            }
            List<Long> points = new CloudQueries(stack, new Services.Ingest(null, null, postgres, influx, null))
                    .observationSeqs(HUB);
            Set<Long> distinct = new HashSet<>(points);
            assertThat(points).as("duplicated points").hasSameSizeAs(distinct);
            assertThat(distinct).containsAll(acknowledged);
            System.out.printf(
                    "IngestFailoverIT: %d observations acknowledged to the device, %d stored, %d lost, "
                            + "%d duplicated%n",
                    acknowledged.size(),
                    distinct.size(),
                    acknowledged.stream().filter(s -> !distinct.contains(s)).count(),
                    points.size() - distinct.size());
        }
    }

    private static List<String> ingestArgs(
            DevStack stack,
            String node,
            String group,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            Path apiKey,
            int port) {
        // One certificate per node: the broker makes its name the node's client id.
        TlsIdentity identity = stack.identity("nara-ingest-failover-" + node);
        return List.of(
                "--node-id",
                node + "-" + group,
                "--share-group",
                group,
                "--mqtt-url",
                stack.get("NARA_MQTT_URL"),
                "--keystore",
                identity.keystore().toString(),
                "--alert-keystore",
                stack.identity("nara-ingest-failover-" + node + "-alerts")
                        .keystore()
                        .toString(),
                "--truststore",
                identity.truststore().toString(),
                "--password-file",
                identity.passwordFile().toString(),
                "--influx-url",
                influx.url(),
                "--influx-user",
                influx.user(),
                "--influx-password-file",
                stack.secret("influx.password").toString(),
                "--influx-db",
                influx.database(),
                "--pg-url",
                postgres.jdbcUrl(),
                "--pg-user",
                postgres.user(),
                "--pg-password-file",
                stack.secret("postgres.password").toString(),
                "--http-port",
                Integer.toString(port),
                "--api-key-file",
                apiKey.toString());
    }

    private static boolean healthy(int port) {
        try {
            return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
