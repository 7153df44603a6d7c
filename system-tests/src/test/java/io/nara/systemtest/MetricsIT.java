package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.IngestService;
import io.nara.ingest.IngestSettings;
import io.nara.ingest.NodeFeature;
import io.nara.ingest.NodeOptions;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest node's {@code /metrics}, scraped by Debian's real Prometheus: after a hub's batch is stored and a
 * malformed one refused, Prometheus has the target up and holds the named series with the counts the node saw; the
 * alerting rules load into it and pass promtool's check and unit tests. The exposition names no patient and no hub.
 */
class MetricsIT {

    private static final String HUB = "hub-it-metrics";
    private static final String PATIENT = "patient-it-metrics";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private static DevStack stack;
    private static Vertx vertx;
    private static IngestService service;
    private static Process prometheus;
    private static int prometheusPort;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        IngestSettings settings = new IngestSettings(
                "it-metrics-" + UUID.randomUUID().toString().substring(0, 6),
                Services.newShareGroup(),
                stack.broker(stack.newIngestNode()),
                stack.freshInflux(),
                stack.freshPostgres(),
                "127.0.0.1",
                0,
                UUID.randomUUID().toString());
        vertx = Vertx.vertx();
        service = new IngestService(
                settings,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                NodeFeature.installed(),
                NodeOptions.defaults().withMetrics(new NodeMetrics.Settings("127.0.0.1", 0)));
        vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> service.health().healthy());
        HomeEnrolment.enrol(
                new HomeEnrolment.Cloud(
                        "http://127.0.0.1:" + service.httpPort(), settings.apiKey(), settings.postgres()),
                HUB,
                new HubConfig(
                        1,
                        1,
                        List.of(),
                        List.of(
                                new DeviceBinding("scale", "sim-scale", PATIENT),
                                new DeviceBinding("cuff", "sim-cuff", PATIENT))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void prometheusScrapesTheNodeAndSeesWhatItCounted() throws Exception {
        String outbox = UUID.randomUUID().toString();
        Instant taken = Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.SECONDS);
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB)) {
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            String obs = HubTopic.of(HUB, Kind.OBS).name();
            hub.publish(
                    obs,
                    CODEC.encode(ObservationBatch.of(
                            outbox,
                            List.of(
                                    new Observation(
                                            1,
                                            PATIENT,
                                            "scale",
                                            "29463-7",
                                            81.2,
                                            "kg",
                                            taken,
                                            taken.plusSeconds(5),
                                            Set.of()),
                                    new Observation(
                                            2,
                                            PATIENT,
                                            "cuff",
                                            "8867-4",
                                            64.0,
                                            "/min",
                                            taken,
                                            taken.plusSeconds(6),
                                            Set.of())))));
            hub.publish(obs, "{\"v\":1,\"seqFrom\":".getBytes(StandardCharsets.UTF_8));
            await().atMost(DEADLINE)
                    .until(() -> hub.received().stream()
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)));
        }
        await().atMost(DEADLINE)
                .until(() -> Pattern.compile("(?m)^nara_messages_refused_total\\{kind=\"obs\",[^}]*} 1\\.0$")
                        .matcher(scrape())
                        .find());

        String exposition = scrape();
        assertThat(exposition).doesNotContain(PATIENT).doesNotContain(HUB);

        prometheusPort = freePort();
        Path config = Files.writeString(
                dir.resolve("prometheus.yml"),
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  evaluation_interval: 1s",
                        "rule_files:",
                        "  - " + stack.repoRoot().resolve("deploy/prometheus/nara-rules.yml"),
                        "scrape_configs:",
                        "  - job_name: nara-ingest",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + service.metricsPort() + "']",
                        ""));
        prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();

        await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode targets = api("/api/v1/targets").path("data").path("activeTargets");
                    assertThat(targets).hasSize(1);
                    assertThat(targets.get(0).path("health").asText()).isEqualTo("up");
                });
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(value("nara_messages_received_total{job=\"nara-ingest\",kind=\"obs\"}"))
                            .isEqualTo(2);
                    assertThat(value("nara_messages_stored_total{kind=\"obs\"}"))
                            .isEqualTo(1);
                    assertThat(value("nara_messages_refused_total{kind=\"obs\"}"))
                            .isEqualTo(1);
                    assertThat(value("nara_ack_latency_seconds_count")).isEqualTo(1);
                    assertThat(value("nara_influx_write_seconds_count")).isEqualTo(1);
                    assertThat(value("nara_postgres_transaction_seconds_count")).isGreaterThan(0);
                    assertThat(value("nara_ingest_lag_seconds_sum")).isGreaterThanOrEqualTo(100);
                    // The hub is known from its batch once the node has read the deployment's figures (every 15 s). The
                    // broker is shared with the other test classes: their hubs' retained status messages reach this
                    // node
                    // too, so it may know more hubs than this one, some of them offline.
                    assertThat(value("nara_hubs")).isGreaterThanOrEqualTo(1);
                    assertThat(value("nara_hubs_offline_share")).isBetween(0.0, 1.0);
                });
        for (String series : List.of(
                "nara_notifications_pending",
                "nara_notifications_dead",
                "nara_fhir_push_pending",
                "nara_fhir_push_dead",
                "nara_escalations",
                "nara_sse_clients",
                "nara_hubs_offline_share",
                "nara_alert_routing_seconds_count",
                "nara_influx_write_errors_total",
                "nara_postgres_errors_total",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "process_uptime_seconds")) {
            assertThat(api("/api/v1/query?query=" + URLEncoder.encode(series, StandardCharsets.UTF_8))
                            .path("data")
                            .path("result"))
                    .as(series)
                    .isNotEmpty();
        }
        assertThat(value("min(nara_certificate_expiry_timestamp_seconds{use=\"mqtt-client\"})"))
                .isGreaterThan(Instant.now().getEpochSecond());
        // Every query of the operations dashboard is accepted by this Prometheus and, but for rates that need two
        // scrapes of a histogram, returns series from this node.
        JsonNode dashboard = JSON.readTree(stack.repoRoot()
                .resolve("deploy/grafana/dashboards/nara-operations.json")
                .toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("nara-prometheus");
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
                assertThat(answer.path("status").asText())
                        .as(expr + ": " + answer)
                        .isEqualTo("success");
                if (!expr.contains("rate(") && !expr.contains("increase(")) {
                    assertThat(answer.path("data").path("result")).as(expr).isNotEmpty();
                }
            }
        }
        JsonNode groups = api("/api/v1/rules").path("data").path("groups");
        assertThat(groups)
                .extracting(g -> g.path("name").asText())
                .contains("nara-fleet", "nara-ingest", "nara-notifications", "nara-certificates");
        assertThat(groups)
                .allSatisfy(g -> g.path("rules")
                        .forEach(r -> assertThat(r.path("health").asText())
                                .as(r.path("name").asText())
                                .isNotEqualTo("err")));
    }

    @Test
    void theAlertingRulesPassPromtoolsCheckAndUnitTests() {
        Path rules = stack.repoRoot().resolve("deploy/prometheus");
        DevStack.Result check = DevStack.run(rules, List.of("promtool", "check", "rules", "nara-rules.yml"), 60);
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
        DevStack.Result test = DevStack.run(rules, List.of("promtool", "test", "rules", "nara-rules.test.yml"), 60);
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @Test
    void theMetricsPortServesMetricsOnlyAndTheWebAppServesNoMetrics() throws Exception {
        HttpResponse<String> other = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort() + "/api/alerts"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        HttpResponse<String> web = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(web.body()).doesNotContain("nara_messages_received_total");
    }

    private static String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    private static JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** The single value of an instant query. */
    private static double value(String query) throws IOException, InterruptedException {
        JsonNode result = api("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
                .path("data")
                .path("result");
        assertThat(result).as(query).hasSize(1);
        return result.get(0).path("value").get(1).asDouble();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
