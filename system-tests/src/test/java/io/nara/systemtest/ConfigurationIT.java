package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.IngestMain;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged way of configuring a node (a properties file, the environment over it, the command line over both) and
 * what a node does with bad configuration at start: it names the problem and where, exits 78 for what no retry can
 * fix and 1 after waiting for a store that does not answer, and never runs half-configured.
 */
class ConfigurationIT {

    private static final Duration EXIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    private static DevStack stack;
    private static Database.Settings postgres;
    private static ObservationStore.Settings influx;
    private static Path apiKey;

    @BeforeAll
    static void stack() throws Exception {
        stack = DevStack.ensureUp();
        postgres = stack.freshPostgres();
        influx = stack.freshInflux();
        apiKey = Files.writeString(dir.resolve("api.key"), UUID.randomUUID() + "\n");
    }

    /** The node's settings as a properties file, with some replaced. */
    private static Path configFile(String name, Map<String, String> replaced) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node-id", "it-config-" + name);
        settings.put("share-group", Services.newShareGroup());
        settings.put("mqtt-url", stack.get("NARA_MQTT_URL"));
        settings.put("keystore", stack.identity("nara-ingest").keystore().toString());
        settings.put("truststore", stack.identity("nara-ingest").truststore().toString());
        settings.put(
                "password-file", stack.identity("nara-ingest").passwordFile().toString());
        settings.put("influx-url", influx.url());
        settings.put("influx-user", influx.user());
        settings.put("influx-password-file", stack.secret("influx.password").toString());
        settings.put("influx-db", influx.database());
        settings.put("pg-url", postgres.jdbcUrl());
        settings.put("pg-user", postgres.user());
        settings.put("pg-password-file", stack.secret("postgres.password").toString());
        settings.put("api-key-file", apiKey.toString());
        settings.put("http-port", "0");
        settings.putAll(replaced);
        List<String> lines = new ArrayList<>();
        settings.forEach((k, v) -> lines.add(k + " = " + v));
        return Files.write(dir.resolve(name + ".properties"), lines);
    }

    @Test
    void aNodeConfiguredByFileAndEnvironmentStartsAndTheCommandLineWins() throws Exception {
        int web = freePort();
        int metrics = freePort();
        // The file says port 1 (which would fail); the environment overrides it; the command line sets metrics.
        Path config = configFile("good", Map.of("http-port", "1"));
        Path log = dir.resolve("good.log");
        try (JavaProcess node = JavaProcess.start(
                IngestMain.class,
                List.of("--metrics-port", Integer.toString(metrics)),
                log,
                Map.of(
                        "NARA_INGEST_CONFIG",
                        config.toString(),
                        "NARA_INGEST_HTTP_PORT",
                        Integer.toString(web),
                        "NARA_INGEST_METRICS_PORT",
                        "1"))) {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120))
                    .ignoreExceptions()
                    .until(() -> http.send(
                                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.body()).contains("nara_messages_received_total").doesNotContain("password");
            assertThat(node.alive()).isTrue();
        }
    }

    @Test
    void aWrongDatabasePasswordExits78NamingDatabaseAndUser() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong.password"), "not-the-password\n");
        Path log = dir.resolve("wrong-pg.log");
        try (JavaProcess node = JavaProcess.start(
                IngestMain.class,
                List.of(
                        "--config",
                        configFile("wrong-pg", Map.of("pg-password-file", wrong.toString()))
                                .toString()),
                log)) {
            assertThat(node.exitCode(EXIT)).isEqualTo(78);
        }
        assertThat(Files.readString(log))
                .contains(
                        "configuration error: PostgreSQL at " + postgres.jdbcUrl() + " refuses user " + postgres.user())
                .contains("password authentication failed")
                .contains("--pg-password-file");
    }

    @Test
    void aMissingSecretFileExits78NamingOptionAndPath() throws Exception {
        Path missing = dir.resolve("no-such.password");
        Path log = dir.resolve("missing-secret.log");
        try (JavaProcess node = JavaProcess.start(
                IngestMain.class,
                List.of(),
                log,
                Map.of(
                        "NARA_INGEST_CONFIG",
                        configFile("missing-secret", Map.of()).toString(),
                        "NARA_INGEST_INFLUX_PASSWORD_FILE",
                        missing.toString()))) {
            assertThat(node.exitCode(EXIT)).isEqualTo(78);
        }
        assertThat(Files.readString(log)).contains("--influx-password-file: " + missing + " does not exist");
    }

    @Test
    void anUnreachableInfluxDbIsWaitedForThenTheNodeExits1() throws Exception {
        int nothing = freePort();
        Path log = dir.resolve("no-influx.log");
        try (JavaProcess node = JavaProcess.start(
                IngestMain.class,
                List.of(
                        "--start-wait",
                        "15",
                        "--config",
                        configFile("no-influx", Map.of("influx-url", "http://127.0.0.1:" + nothing))
                                .toString()),
                log)) {
            assertThat(node.exitCode(EXIT)).isEqualTo(1);
        }
        String output = Files.readString(log);
        assertThat(output)
                .contains("InfluxDB at http://127.0.0.1:" + nothing + " does not answer yet (attempt 1)")
                .contains("InfluxDB at http://127.0.0.1:" + nothing + " did not answer within 15 s (--start-wait)");
        // Never half-configured: it stopped before it connected to the broker or served anything.
        assertThat(output).doesNotContain("running; web app");
    }

    @Test
    void anUnknownSettingInTheFileIsRefused() throws Exception {
        Path log = dir.resolve("typo.log");
        Path config = configFile("typo", Map.of("pg-pasword-file", "/x"));
        try (JavaProcess node = JavaProcess.start(IngestMain.class, List.of("--config", config.toString()), log)) {
            assertThat(node.exitCode(EXIT)).isEqualTo(78);
        }
        assertThat(Files.readString(log)).contains("unknown setting 'pg-pasword-file' in " + config);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
