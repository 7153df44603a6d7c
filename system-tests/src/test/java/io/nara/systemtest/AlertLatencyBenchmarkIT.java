package io.nara.systemtest;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.sim.SimulatedCuff;
import io.nara.ingest.alerting.AlertingSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.LoggerFactory;

/**
 * Benchmark, not a test: from a reading on the hub to the alert on the nurse's live stream. A real hub (simulated cuff,
 * raw GATT bytes through decoder, care-plan engine, SQLite outbox, uplink) and a real ingest node, through Mosquitto
 * with TLS and client certificates, PostgreSQL (store, route, access log) and InfluxDB, to a signed-in nurse's
 * server-sent-event stream. One alert at a time, so each latency is that of an idle system: a systolic of 85 raises an
 * episode (measured), a systolic of 126 ends it (not measured). Everything on loopback; it ends by itself. Runs only
 * with {@code -Dnara.benchmark=true} (see docs/benchmarks.md); it asserts no timing.
 */
@EnabledIfSystemProperty(named = "nara.benchmark", matches = "true")
class AlertLatencyBenchmarkIT {

    private static final String HUB = "hub-bench-latency-1";
    private static final Duration PER_ALERT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Long, CompletableFuture<long[]>> arrivals = new ConcurrentHashMap<>();
    private LocalDateTime clockTick;

    @Test
    void readingOnTheHubToAlertOnTheNursesStream() throws Exception {
        int alerts = Integer.getInteger("nara.benchmark.alerts", 1000);
        int warmUp = Integer.getInteger("nara.benchmark.warmup", 50);
        DevStack stack = DevStack.ensureUp();
        AlertingSettings settings = AlertingSettings.defaults().withWeb("http://127.0.0.1/", false);
        Path hubData = Files.createTempDirectory("nara-bench-hub");
        try (Services.Ingest ingest = Alerting.startIngest(
                        stack,
                        "bench-" + UUID.randomUUID().toString().substring(0, 8),
                        stack.freshPostgres(),
                        stack.freshInflux(),
                        Clock.systemUTC(),
                        settings);
                Services.Hub hub = Services.startHub(stack, HUB, hubData, Services.homeConfig(1))) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> ingest.service().health().healthy());
            Alerting.importOrganisation(ingest, organisationFor(Services.PATIENT));
            HomeEnrolment.enrolRunning(ingest, HUB, Services.homeConfig(1));
            Alerting.Session nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
            InputStream stream = openStream(ingest.baseUrl(), nurse.cookie());
            try {
                HttpClient http = HttpClient.newHttpClient();
                // One INFO line per alert and reading from both services would be 4,000 lines on the test's console.
                Logger nara = (Logger) LoggerFactory.getLogger("io.nara");
                nara.setLevel(Level.WARN);
                long[] nanos = new long[alerts];
                long[] onHub = new long[alerts];
                long[] toStore = new long[alerts];
                // Each reading has a time of its own (a device's re-sent record changes nothing), all in the past.
                clockTick = LocalDateTime.now(ZoneId.of("Europe/Stockholm"))
                        .withNano(0)
                        .minusSeconds(2L * (alerts + warmUp) + 60);
                for (int i = -warmUp; i < alerts; i++) {
                    Instant wall = Instant.now();
                    long startMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
                    long start = System.nanoTime();
                    long seq = reading(http, hub, 85);
                    long stored = System.nanoTime();
                    long[] arrival = arrivals.computeIfAbsent(seq, s -> new CompletableFuture<>())
                            .get(PER_ALERT.toMillis(), TimeUnit.MILLISECONDS);
                    if (i >= 0) {
                        nanos[i] = arrival[0] - start;
                        toStore[i] = (arrival[1] - startMicros) * 1000;
                        onHub[i] = stored - start;
                    }
                    reading(http, hub, 126);
                }
                report(nanos, onHub, toStore, alerts, warmUp);
            } finally {
                ((Logger) LoggerFactory.getLogger("io.nara")).setLevel(null);
                stream.close();
            }
        } finally {
            try (var paths = Files.walk(hubData)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Posts one cuff reading to the hub; the sequence number of the alert it raised, or -1 if none. */
    private long reading(HttpClient http, Services.Hub hub, int systolic) throws Exception {
        clockTick = clockTick.plusSeconds(1);
        String hex = HexFormat.of().formatHex(SimulatedCuff.measurement((double) systolic, 60, 70, clockTick));
        HttpResponse<String> r = http.send(
                hub.installerPost("/api/simulate/raw?device="
                                + Services.CUFF + "&characteristic="
                                + Integer.toHexString(SimulatedCuff.characteristic())
                                + "&hex=" + hex)
                        .timeout(PER_ALERT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("hub answered " + r.statusCode() + ": " + r.body());
        }
        for (JsonNode entry : JSON.readTree(r.body()).get("stored")) {
            if ("systolic-low".equals(entry.path("ruleId").asText()) && systolic < 90) {
                return entry.get("seq").asLong();
            }
        }
        if (systolic < 90) {
            throw new IllegalStateException("the reading raised no alert: " + r.body());
        }
        return -1;
    }

    private InputStream openStream(String baseUrl, String cookie) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/api/alerts/stream"))
                                .header("Cookie", cookie)
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("stream answered " + response.statusCode());
        }
        InputStream body = response.body();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines =
                            new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                        String type = null;
                        for (String line; (line = lines.readLine()) != null; ) {
                            long now = System.nanoTime();
                            if (line.equals(": connected")) {
                                connected.complete(null);
                            } else if (line.startsWith("event: ")) {
                                type = line.substring(7);
                            } else if (line.startsWith("data: ") && "alert".equals(type)) {
                                JsonObject alert = new JsonObject(line.substring(6));
                                if (HUB.equals(alert.getString("hubId"))) {
                                    Instant received = Instant.parse(alert.getString("receivedAt"));
                                    arrivals.computeIfAbsent(alert.getLong("seq"), s -> new CompletableFuture<>())
                                            .complete(new long[] {
                                                now, received.getEpochSecond() * 1_000_000 + received.getNano() / 1000
                                            });
                                }
                            } else if (line.isEmpty()) {
                                type = null;
                            }
                        }
                    } catch (IOException e) {
                        // closed at the end
                    }
                },
                "bench-sse");
        reader.setDaemon(true);
        reader.start();
        connected.get(10, TimeUnit.SECONDS);
        return body;
    }

    /** The test organisation with its patient replaced by the hub's. */
    private static JsonObject organisationFor(String patientId) {
        JsonObject doc = Alerting.organisation();
        JsonArray patients = doc.getJsonArray("patients");
        patients.getJsonObject(0).put("id", patientId);
        return doc;
    }

    private static void report(long[] nanos, long[] onHub, long[] toStore, int alerts, int warmUp) throws Exception {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long[] hub = onHub.clone();
        Arrays.sort(hub);
        long[] store = toStore.clone();
        Arrays.sort(store);
        String text = String.format(
                Locale.ROOT,
                "alert latency, reading on the hub -> alert on the nurse's stream, %d alerts (after %d warm-up), %s%n"
                        + "p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms  mean %.1f ms%n"
                        + "of which on the hub (decode, rules, outbox commit, until the device is told): "
                        + "p50 %.1f ms  p99 %.1f ms%n"
                        + "until the ingest's store transaction began (alert.received_at, PostgreSQL's clock, "
                        + "millisecond-exact at best): p50 %.1f ms  p99 %.1f ms%n",
                alerts,
                warmUp,
                Instant.now(),
                ms(rank(sorted, 0.50)),
                ms(rank(sorted, 0.90)),
                ms(rank(sorted, 0.99)),
                ms(sorted[sorted.length - 1]),
                Arrays.stream(sorted).average().orElse(0) / 1e6,
                ms(rank(hub, 0.50)),
                ms(rank(hub, 0.99)),
                ms(rank(store, 0.50)),
                ms(rank(store, 0.99)));
        System.out.print(text);
        Path out = Path.of("target", "benchmark", "alert-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
