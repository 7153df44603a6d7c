package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.HubMain;
import io.nara.ingest.IngestMain;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An URGENT alert raised on the hub during a fault reaches the nurse's live stream within 5 s of the fault ending,
 * although the hub was sending observations as fast as a device gives them all along (so its observation window was
 * full of messages the cloud never acknowledged). One fault per run, each a crash (SIGKILL): the ingest node; InfluxDB;
 * PostgreSQL; or broker, ingest and hub together. The hub runs with its default uplink settings (30 s acknowledgement
 * timeout), so a message that waits for that timeout fails the deadline. The alert is a weight of 160 kg, so the
 * cuff's normal pressures do not close its episode and it stays in the nurse's inbox. Measured figures go to
 * docs/reliability.md.
 */
class UrgentAlertAfterFaultIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** From the end of the fault to the alert on the nurse's stream. */
    private static final Duration TARGET = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One client for the polling: a new one per poll is a selector thread per poll on a machine already busy. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A JVM starting on a 2-core machine shared with other builds may take minutes to answer. */
    private static final Duration STARTUP = Duration.ofMinutes(5);

    private DevStack stack;
    private Path dir;
    private String ingestNode;
    private Path log;
    private Database.Settings postgres;
    private ObservationStore.Settings influx;
    private String group;
    private String hubId;
    private Path apiKey;
    private int ingestPort;
    private int hubPort;
    private Path hubConfig;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ingest", "influx", "postgres", "broker+ingest+hub"})
    void anUrgentAlertRaisedDuringAFaultReachesTheNurseSoonAfterIt(String fault, @TempDir Path tmp) throws Exception {
        // -Dnara.faults=ingest,postgres runs only those (each case takes minutes on a busy machine).
        String only = System.getProperty("nara.faults");
        Assumptions.assumeTrue(only == null || List.of(only.split(",")).contains(fault));
        stack = DevStack.faultStack();
        dir = tmp;
        log = Path.of("target", "urgent-alert-after-fault-it.log");
        postgres = stack.freshPostgres();
        influx = stack.freshInflux();
        group = "it-" + UUID.randomUUID().toString().substring(0, 8);
        hubId = "hub-it-fault-" + UUID.randomUUID().toString().substring(0, 6);
        apiKey = dir.resolve("api-key");
        Files.writeString(apiKey, UUID.randomUUID().toString());
        ingestPort = freePort();
        hubPort = freePort();
        hubConfig = dir.resolve("config.json");
        Files.write(hubConfig, new MessageCodec().encode(config()));

        List<AutoCloseable> open = new ArrayList<>();
        try {
            JavaProcess ingest = startIngest();
            open.add(ingest);
            await().atMost(STARTUP).until(() -> health() == 200);
            importOrganisation();
            HomeEnrolment.Cloud cloud =
                    new HomeEnrolment.Cloud(baseUrl(), Files.readString(apiKey).trim(), postgres);
            HomeEnrolment.enrol(cloud, hubId, config());
            Alerting.Session nurse = Alerting.Session.of(baseUrl(), "anna", "anna-secret-1");
            EventStream first = EventStream.withCookie(baseUrl() + "/api/alerts/stream", nurse.cookie(), "alert");
            open.add(first);
            await().atMost(DEADLINE).until(first::connected);
            EventStream[] stream = {first};
            JavaProcess hub = startHub();
            open.add(hub);
            await().atMost(STARTUP).until(() -> hubAnswers());
            HomeEnrolment.awaitApplied(cloud, hubId);
            DeviceDriver cuff = new DeviceDriver(hubUrl(), dir.resolve("hub-data"));
            open.add(cuff);
            await().atMost(DEADLINE).until(() -> cuff.readings() >= 40);

            long seq;
            long faultEnded;
            long healthAfterPostgres = -1;
            switch (fault) {
                case "ingest" -> {
                    ingest.kill();
                    seq = raiseUrgent();
                    awaitObservationsDuringFault(cuff);
                    open.add(startIngest());
                    // The page reconnects as soon as the server answers, before the node is subscribed.
                    await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> health() > 0);
                    stream[0] = reconnect(nurse, open);
                    await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> health() == 200);
                    faultEnded = System.nanoTime();
                }
                case "influx", "postgres" -> {
                    stack.kill(fault);
                    try {
                        seq = raiseUrgent();
                        awaitObservationsDuringFault(cuff);
                    } finally {
                        stack.start(fault);
                    }
                    faultEnded = System.nanoTime();
                    if (fault.equals("postgres")) {
                        await().atMost(STARTUP)
                                .pollInterval(Duration.ofMillis(50))
                                .until(() -> health() == 200);
                        healthAfterPostgres = System.nanoTime() - faultEnded;
                    }
                }
                case "broker+ingest+hub" -> {
                    cuff.close();
                    hub.kill();
                    stack.kill("broker");
                    ingest.kill();
                    try {
                        // The power comes back in the home first: the hub starts with no broker to talk to.
                        open.add(startHub());
                        await().atMost(STARTUP).until(() -> hubAnswers());
                        DeviceDriver again = new DeviceDriver(hubUrl(), dir.resolve("hub-data"));
                        open.add(again);
                        seq = raiseUrgent();
                        awaitObservationsDuringFault(again);
                    } finally {
                        stack.start("broker");
                    }
                    open.add(startIngest());
                    // The page reconnects as soon as the server answers, before the node is subscribed.
                    await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> health() > 0);
                    stream[0] = reconnect(nurse, open);
                    await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> health() == 200);
                    faultEnded = System.nanoTime();
                }
                default -> throw new IllegalArgumentException(fault);
            }
            System.out.printf("UrgentAlertAfterFaultIT[%s]: the fault ended at %s%n", fault, Instant.now());
            long alertSeq = seq;
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> seen(stream[0], nurse, alertSeq)
                            || System.nanoTime() - faultEnded > DEADLINE.toNanos() / 2);
            long took = System.nanoTime() - faultEnded;
            System.out.printf(
                    "UrgentAlertAfterFaultIT[%s]: alert seq %d on the nurse's stream %.2f s after the fault "
                            + "ended%s%n",
                    fault,
                    seq,
                    took / 1e9,
                    healthAfterPostgres < 0
                            ? ""
                            : String.format(
                                    "; /health 200 again %.2f s after PostgreSQL was back", healthAfterPostgres / 1e9));
            assertThat(seen(stream[0], nurse, alertSeq))
                    .as("the alert reached the nurse")
                    .isTrue();
            assertThat(Duration.ofNanos(took))
                    .as("from the end of the fault to the nurse's stream")
                    .isLessThan(TARGET);
            if (healthAfterPostgres >= 0) {
                assertThat(Duration.ofNanos(healthAfterPostgres))
                        .as("/health after PostgreSQL returned")
                        .isLessThan(Duration.ofSeconds(3));
            }
        } finally {
            stack.start("broker");
            stack.start("influx");
            stack.start("postgres");
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    /** The fault lasts while the device keeps measuring: observations pile up in the hub's window and outbox. */
    private void awaitObservationsDuringFault(DeviceDriver cuff) {
        int at = cuff.readings();
        await().atMost(DEADLINE).until(() -> cuff.readings() >= at + 40);
    }

    /**
     * A nurse's page whose server was restarted connects its stream again and reloads the inbox (EventSource does
     * the first by itself): the same here, with the session she had.
     */
    private EventStream reconnect(Alerting.Session nurse, List<AutoCloseable> open) throws Exception {
        EventStream again = EventStream.withCookie(baseUrl() + "/api/alerts/stream", nurse.cookie(), "alert");
        open.add(again);
        await().atMost(DEADLINE).until(again::connected);
        return again;
    }

    /** On the live stream, or (after a reconnect, for what came before it) in the inbox the page reloads. */
    private boolean seen(EventStream stream, Alerting.Session nurse, long seq) throws Exception {
        if (stream.events().stream()
                .map(JsonObject::new)
                .anyMatch(a -> hubId.equals(a.getString("hubId")) && a.getLong("seq") == seq)) {
            return true;
        }
        HttpResponse<String> inbox = nurse.get("/api/alerts");
        if (inbox.statusCode() != 200) {
            return false;
        }
        JsonArray items = new JsonArray(inbox.body());
        return items.stream()
                .map(o -> (JsonObject) o)
                .anyMatch(a -> hubId.equals(a.getString("hubId")) && a.getLong("seq") == seq);
    }

    /**
     * The test home, with an URGENT rule on weight as well: the cuff's stream of normal pressures would close a
     * pressure episode at once, while the weight alert stays open in the nurse's inbox until she acts.
     */
    private static HubConfig config() {
        HubConfig home = Services.homeConfig(1);
        CarePlan plan = home.carePlans().get(0);
        List<Rule> rules = new ArrayList<>(plan.rules());
        rules.add(new ThresholdRule(
                "weight-very-high",
                "29463-7",
                null,
                150.0,
                Severity.URGENT,
                "Vikt över 150 kg / Weight above 150 kg",
                null,
                null));
        return new HubConfig(1, 1, List.of(new CarePlan(plan.patientId(), plan.version(), rules)), home.devices());
    }

    /** A weight of 160 kg on the hub: an URGENT alert; its sequence number. */
    private long raiseUrgent() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        Services.installerPost(
                                        URI.create(hubUrl() + "/api/simulate/scale?kg=160"), dir.resolve("hub-data"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        for (JsonNode entry : JSON.readTree(r.body()).get("stored")) {
            if ("weight-very-high".equals(entry.path("ruleId").asText())) {
                return entry.get("seq").asLong();
            }
        }
        throw new AssertionError("no alert among " + r.body());
    }

    private JavaProcess startIngest() throws Exception {
        // Every restart is the same node: one certificate of its own (the broker binds a client id to it).
        if (ingestNode == null) {
            ingestNode = stack.newIngestNode();
        }
        return JavaProcess.start(
                IngestMain.class,
                List.of(
                        "--node-id",
                        "node-" + group,
                        "--share-group",
                        group,
                        "--mqtt-url",
                        stack.get("NARA_MQTT_URL"),
                        "--keystore",
                        stack.identity(ingestNode).keystore().toString(),
                        "--alert-keystore",
                        stack.identity(ingestNode + "-alerts").keystore().toString(),
                        "--truststore",
                        stack.identity(ingestNode).truststore().toString(),
                        "--password-file",
                        stack.identity(ingestNode).passwordFile().toString(),
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
                        Integer.toString(ingestPort),
                        "--api-key-file",
                        apiKey.toString(),
                        "--insecure-cookies"),
                log);
    }

    /** The hub as it runs in a home: its own process, default uplink settings (a 30 s acknowledgement timeout). */
    private JavaProcess startHub() throws Exception {
        return JavaProcess.start(
                HubMain.class,
                List.of(
                        "--hub-id",
                        hubId,
                        "--mqtt-url",
                        stack.get("NARA_MQTT_URL"),
                        "--keystore",
                        stack.identity(hubId).keystore().toString(),
                        "--truststore",
                        stack.identity(hubId).truststore().toString(),
                        "--password-file",
                        stack.identity(hubId).passwordFile().toString(),
                        "--data-dir",
                        dir.resolve("hub-data").toString(),
                        "--config",
                        hubConfig.toString(),
                        "--http-port",
                        Integer.toString(hubPort),
                        "--simulate",
                        "--clock",
                        "assume"),
                log);
    }

    private void importOrganisation() throws Exception {
        JsonObject doc = Alerting.organisation();
        doc.getJsonArray("patients").getJsonObject(0).put("id", Services.PATIENT);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/api/admin/organisation"))
                                .header(
                                        "Authorization",
                                        "Bearer " + Files.readString(apiKey).trim())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(doc.encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + ingestPort;
    }

    private String hubUrl() {
        return "http://127.0.0.1:" + hubPort;
    }

    private int health() {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private boolean hubAnswers() {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(hubUrl() + "/api/status"))
                                            .timeout(Duration.ofSeconds(5))
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
