package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.HubMain;
import io.nara.protocol.codec.MessageCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub killed with SIGKILL in the middle of writes, again and again: after every restart the outbox is intact, and
 * every reading a device was told had been received reaches the cloud.
 */
class HubCrashIT {

    private static final String HUB = "hub-it-crash";
    private static final int ROUNDS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept after the run: what the hub said while it was being killed. */
    private static final Path LOG = Path.of("target", "hub-crash-it.log");

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static CloudQueries cloud;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.faultStack();
        ingest = Services.startIngest(
                stack,
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(),
                stack.freshInflux());
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        HomeEnrolment.enrol(ingest, HUB, Services.homeConfig(1));
        cloud = new CloudQueries(stack, ingest);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void everyReadingADeviceWasToldWasReceivedSurvivesRepeatedSigkill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("hub-data");
        Path config = dir.resolve("config.json");
        Files.write(config, new MessageCodec().encode(Services.homeConfig(1)));
        int port = freePort();
        Set<Long> acknowledgedToDevice = ConcurrentHashMap.newKeySet();
        Random random = new Random(20261123);

        for (int round = 1; round <= ROUNDS; round++) {
            try (JavaProcess hub = JavaProcess.start(HubMain.class, hubArgs(data, config, port), LOG)) {
                await().atMost(DEADLINE).until(() -> statusAnswers(port));
                int killAfter = 3 + random.nextInt(25);
                AtomicInteger acked = new AtomicInteger();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> devices = new ArrayList<>();
                for (int d = 0; d < 2; d++) {
                    Thread device = new Thread(() -> measure(port, data, running, acked, acknowledgedToDevice));
                    device.start();
                    devices.add(device);
                }
                await().atMost(DEADLINE).until(() -> acked.get() >= killAfter || !hub.alive());
                hub.kill();
                running.set(false);
                for (Thread device : devices) {
                    device.join(30_000);
                }
            }
            assertThat(integrityCheck(data)).as("round %d", round).isEqualTo("ok");
            Set<Long> inOutbox = outboxSeqs(data);
            Set<Long> inCloud = new HashSet<>(cloud.observationSeqs(HUB));
            inCloud.addAll(cloud.alertSeqs(HUB));
            Set<Long> lost = new HashSet<>(acknowledgedToDevice);
            lost.removeAll(inOutbox);
            lost.removeAll(inCloud);
            assertThat(lost)
                    .as("round %d: acknowledged to a device but neither in the outbox nor in the cloud", round)
                    .isEmpty();
        }

        // A last start drains the outbox: everything the devices were told arrives, each point once.
        try (JavaProcess ignored = JavaProcess.start(HubMain.class, hubArgs(data, config, port), LOG)) {
            await().atMost(DEADLINE)
                    .until(() -> statusAnswers(port)
                            && status(port).get("outboxPending").asLong() == 0);
        }
        List<Long> points = cloud.observationSeqs(HUB);
        Set<Long> stored = new HashSet<>(points);
        assertThat(points).as("no duplicated points").hasSameSizeAs(stored);
        stored.addAll(cloud.alertSeqs(HUB));
        assertThat(stored).containsAll(acknowledgedToDevice);
        assertThat(acknowledgedToDevice).hasSizeGreaterThan(ROUNDS * 3 * 4);
        System.out.printf(
                "HubCrashIT: %d SIGKILLs; %d records acknowledged to devices, %d stored in the cloud, 0 lost, "
                        + "%d duplicated; outbox integrity_check ok after every kill%n",
                ROUNDS, acknowledgedToDevice.size(), stored.size(), points.size() - new HashSet<>(points).size());
    }

    private static List<String> hubArgs(Path data, Path config, int port) {
        return List.of(
                "--hub-id",
                HUB,
                "--mqtt-url",
                stack.get("NARA_MQTT_URL"),
                "--keystore",
                stack.identity(HUB).keystore().toString(),
                "--truststore",
                stack.identity(HUB).truststore().toString(),
                "--password-file",
                stack.identity(HUB).passwordFile().toString(),
                "--data-dir",
                data.toString(),
                "--config",
                config.toString(),
                "--http-port",
                Integer.toString(port),
                "--simulate",
                "--ack-timeout",
                "5",
                "--replay-rate",
                "0",
                "--clock",
                "assume");
    }

    /** A device: measures again and again; a 201 is the hub telling it the record was received. */
    private static void measure(
            int port, Path data, AtomicBoolean running, AtomicInteger acked, Set<Long> acknowledged) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (running.get()) {
            try {
                HttpResponse<String> response = http.send(
                        Services.installerPost(
                                        URI.create("http://127.0.0.1:" + port + "/api/simulate/cuff?systolic=124"),
                                        data)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    for (JsonNode entry : JSON.readTree(response.body()).get("stored")) {
                        acknowledged.add(entry.get("seq").asLong());
                    }
                    acked.incrementAndGet();
                }
            } catch (IOException e) {
                // The hub was killed mid-request: the device was not told, so it keeps its record.
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean statusAnswers(int port) {
        try {
            status(port);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode status(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String integrityCheck(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery("PRAGMA integrity_check")) {
            row.next();
            return row.getString(1);
        }
    }

    private static Set<Long> outboxSeqs(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT seq FROM outbox")) {
            Set<Long> seqs = new HashSet<>();
            while (rows.next()) {
                seqs.add(rows.getLong(1));
            }
            return seqs;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
