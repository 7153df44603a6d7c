package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's {@code GET /metrics} (Prometheus text, what a Pi's node exporter or an installer's Prometheus scrapes)
 * against the real broker and an ingest: outbox pending and the age of its oldest record while the cloud is out of
 * reach, device connections per transport, MQTT reconnects after the broker took the hub's session away, the SQLite
 * commit time of each stored reading, rule evaluations and the JVM's memory.
 */
class HubMetricsIT {

    private static final Duration DEADLINE = Services.DEADLINE;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aConnectedHubCountsCommitsEvaluationsAndReconnects(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        String hubId = "hub-it-hubmetrics";
        try (Services.Ingest ingest = Services.startIngest(stack); // NOPMD - the resource is held open for the block
                Services.Hub hub = Services.startHub(stack, hubId, dir.resolve("hub"), Services.homeConfig(1))) {
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
            HttpResponse<String> first = HTTP.send(
                    HttpRequest.newBuilder(URI.create(hub.statusUrl() + "/metrics"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
            Map<String, Double> before = parse(first.body());
            assertThat(before).containsEntry("nara_mqtt_reconnects", 0.0);
            for (String transport : new String[] {"ble", "coap", "astm-tcp", "astm-serial", "poct1-tcp"}) {
                assertThat(before)
                        .containsKey("nara_device_connections{transport=\"" + transport + "\"}")
                        .containsKey("nara_device_failures{transport=\"" + transport + "\"}");
            }
            assertThat(before.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("jvm_memory_used_bytes{area=\"heap\"")))
                    .as("the JVM's heap in use")
                    .isNotEmpty()
                    .allMatch(e -> e.getValue() >= 0)
                    .anyMatch(e -> e.getValue() > 0);
            double commits = before.getOrDefault("nara_sqlite_commit_seconds_count", 0.0);
            double evaluated = before.getOrDefault("nara_rule_evaluations_total", 0.0);

            Services.simulate(hub, "/api/simulate/cuff?systolic=121&diastolic=79&pulse=66");
            await().atMost(DEADLINE).until(() -> Services.outboxEmpty(hub.statusUrl()));
            Map<String, Double> after = scrape(hub.statusUrl());
            assertThat(after.get("nara_sqlite_commit_seconds_count"))
                    .as("a commit per stored reading")
                    .isGreaterThan(commits);
            assertThat(after.get("nara_sqlite_commit_seconds_sum")).isPositive();
            // The cuff's reading is systolic, diastolic and pulse: each evaluated against the care plan.
            assertThat(after.get("nara_rule_evaluations_total")).isGreaterThanOrEqualTo(evaluated + 3);
            assertThat(after)
                    .containsEntry("nara_outbox_pending", 0.0)
                    .containsEntry("nara_outbox_oldest_age_seconds", 0.0);

            // Another client with the hub's identity takes its session over (the broker binds id to certificate):
            // the hub is cut off, connects again, and counts it.
            new TestMqttClient(stack, hubId, hubId).close();
            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(scrape(hub.statusUrl()).get("nara_mqtt_reconnects"))
                            .isGreaterThanOrEqualTo(1.0));
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
        }
    }

    @Test
    void aHubOutOfReachOfTheCloudShowsWhatWaitsAndForHowLong(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        String hubId = "hub-it-hubmetrics-offline";
        BrokerConnection nowhere =
                new BrokerConnection(URI.create("ssl://127.0.0.1:" + freePort()), stack.identity(hubId));
        try (Services.Hub hub = Services.startHub(
                stack,
                hubId,
                dir.resolve("hub"),
                Services.homeConfig(1),
                Uplink.Settings.defaults(),
                StorageLimits.defaults(),
                nowhere)) {
            Services.simulate(hub, "/api/simulate/cuff?systolic=122&diastolic=80&pulse=64");
            Services.simulate(hub, "/api/simulate/scale?kg=80.4");
            long pending =
                    Services.hubStatus(hub.statusUrl()).get("outboxPending").asLong();
            assertThat(pending).isGreaterThanOrEqualTo(4);
            // The counts are refreshed each second on the outbox thread: wait for the oldest record to age.
            await().atMost(DEADLINE).untilAsserted(() -> {
                Map<String, Double> metrics = scrape(hub.statusUrl());
                assertThat(metrics.get("nara_outbox_pending")).isEqualTo((double) pending);
                assertThat(metrics.get("nara_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(1.0);
            });
            assertThat(scrape(hub.statusUrl())).containsEntry("nara_mqtt_reconnects", 0.0);
        }
    }

    private static Map<String, Double> scrape(String statusUrl) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(statusUrl + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return parse(r.body());
    }

    /** Prometheus text exposition: {@code name{labels} value} per sample line, comments skipped. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");
        for (String l : text.split("\n")) {
            Matcher m = line.matcher(l);
            if (!l.startsWith("#") && m.matches()) {
                samples.put(m.group(1).replace(",}", "}"), Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
