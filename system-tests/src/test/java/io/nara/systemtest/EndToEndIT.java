package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated home raises a nurse's alert: raw GATT bytes from the simulated cuff travel through the hub's decoder,
 * rules and outbox, over MQTT with TLS client certificates, into InfluxDB and PostgreSQL, and onto the live stream.
 */
class EndToEndIT {

    private static final String HUB = "hub-it-e2e";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Services.Hub hub;
    private static Path hubDataDir;
    private static EventStream alerts;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(@TempDir Path hubData) throws Exception {
        stack = DevStack.ensureUp();
        ingest = Services.startIngest(stack);
        hubDataDir = hubData;
        HomeEnrolment.enrol(ingest, HUB, Services.homeConfig(1));
        hub = Services.startHub(stack, HUB, hubData, Services.homeConfig(1));
        HomeEnrolment.awaitApplied(ingest, HUB);
        alerts = new EventStream(ingest.baseUrl() + "/api/alerts/stream", ingest.apiKey(), "alert");
        await().atMost(DEADLINE).until(alerts::connected);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(alerts, hub, ingest);
    }

    @Test
    void aNormalReadingBecomesAPointInInfluxAndRaisesNoAlert() throws Exception {
        JsonNode stored = simulate("/api/simulate/cuff?systolic=121&diastolic=79&pulse=66");
        long seq = stored.get("stored").get(0).get("seq").asLong();

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(points("8480-6", seq))
                        .singleElement()
                        .satisfies(p -> {
                            assertThat(p.get("value")).isEqualTo(121.0);
                            assertThat(p.get("unit")).isEqualTo("mm[Hg]");
                            assertThat(p.get("patient")).isEqualTo(Services.PATIENT);
                            assertThat(p.get("device")).isEqualTo(Services.CUFF);
                        }));
        assertThat(points("8462-4", seq + 1))
                .singleElement()
                .satisfies(p -> assertThat(p.get("value")).isEqualTo(79.0));
        assertThat(points("8867-4", seq + 3))
                .singleElement()
                .satisfies(p -> assertThat(p.get("unit")).isEqualTo("/min"));
        assertThat(stored.get("stored")).noneMatch(EndToEndIT::raises);
    }

    @Test
    void aLowSystolicRaisesExactlyOneAlertRowAndOneLiveEventAndEmptiesTheOutbox() throws Exception {
        int eventsBefore = alerts.events().size();
        JsonNode stored = simulate("/api/simulate/cuff?systolic=85&diastolic=55&pulse=92");
        JsonNode alertEntry = findAlert(stored);
        long alertSeq = alertEntry.get("seq").asLong();
        assertThat(alertEntry.get("ruleId").asText()).isEqualTo("systolic-low");

        await().atMost(DEADLINE).until(() -> alerts.events().size() > eventsBefore);
        JsonNode event = JSON.readTree(alerts.events().get(eventsBefore));
        assertThat(event.get("hubId").asText()).isEqualTo(HUB);
        assertThat(event.get("seq").asLong()).isEqualTo(alertSeq);
        assertThat(event.get("value").asDouble()).isEqualTo(85.0);
        assertThat(event.get("severity").asText()).isEqualTo("URGENT");
        assertThat(alertRows(alertSeq)).isEqualTo(1);

        // The hub prunes once the cloud acknowledged both the alert and the observations.
        await().atMost(DEADLINE).until(() -> hubStatus().get("outboxPending").asLong() == 0);
        assertThat(hubStatus().get("lastAck").isNull()).isFalse();

        // The same alert again, as a hub replays it after a lost ack: acknowledged, but no second row, no second event.
        Alert alert = new MessageCodec().decode(JSON.writeValueAsBytes(alertEntry), Alert.class);
        String outbox = replayAndAwaitAck(alert);
        assertThat(alertRows(alertSeq)).isEqualTo(1);
        // A high reading next: the low episode resolves and a high one opens. Those events arriving prove the stream
        // is live, so the list below is not luck: the replayed alert never became a second event.
        List<Long> expected = new ArrayList<>(List.of(alertSeq));
        for (JsonNode entry : simulate("/api/simulate/cuff?systolic=172&diastolic=90&pulse=80")
                .get("stored")) {
            if (entry.has("ruleId")) {
                expected.add(entry.get("seq").asLong());
            }
        }
        assertThat(expected).hasSize(3);
        await().atMost(DEADLINE).until(() -> alerts.events().size() >= eventsBefore + expected.size());
        // The two alerts of the high reading travel as two messages, which the ingest may store in either order.
        assertThat(alerts.events().subList(eventsBefore, alerts.events().size()))
                .extracting(e -> JSON.readTree(e).get("seq").asLong())
                .startsWith(alertSeq)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(outbox).isNotBlank();
    }

    @Test
    void aFailedMeasurementIsStoredAsFailedAndNeverAsANumber() throws Exception {
        JsonNode stored = simulate("/api/simulate/cuff?systolic=nan&diastolic=70&pulse=70");
        JsonNode systolic = stored.get("stored").get(0);
        assertThat(systolic.get("value").isNull()).isTrue();
        assertThat(stored.get("stored")).noneMatch(EndToEndIT::raises);
        long seq = systolic.get("seq").asLong();
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(points("8480-6", seq))
                        .singleElement()
                        .satisfies(p -> {
                            assertThat(p.get("value")).isNull();
                            assertThat(p.get("failed")).isEqualTo(true);
                            assertThat((String) p.get("flags")).contains("MEASUREMENT_FAILED");
                        }));
    }

    @Test
    void theApiNeedsTheKeyAndEveryReadIsInTheAccessLog() throws Exception {
        HttpResponse<String> anonymous = http.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/alerts"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        long before = count("SELECT count(*) FROM access_log WHERE action = 'alerts.list'");
        HttpResponse<String> list = http.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/alerts"))
                        .header("Authorization", "Bearer " + ingest.apiKey())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM access_log WHERE action = 'alerts.list'"))
                .isEqualTo(before + 1);
        assertThat(count("SELECT count(*) FROM access_log WHERE actor = 'operator'"))
                .isPositive();
    }

    @Test
    void anAlertWithoutAValueShowsNoValueNotZero() throws Exception {
        // A coded alert with no value (its measurement failed, say), stored as the cloud stores its own alerts.
        String hubId = HUB + "-no-value";
        execute("INSERT INTO alert (hub_id, patient_id, rule_id, severity, code, value, unit, message, raised_at, "
                + "observation_seq, care_plan_version, origin) VALUES ('" + hubId + "', '" + Services.PATIENT
                + "', 'systolic-missing', 'WARNING', '8480-6', NULL, 'mm[Hg]', 'Inget värde / No value', now(), 0, "
                + "'v1', 'CLOUD')");
        HttpResponse<String> list = http.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/alerts?limit=200"))
                        .header("Authorization", "Bearer " + ingest.apiKey())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode alert = null;
        for (JsonNode a : JSON.readTree(list.body())) {
            if (a.get("hubId").asText().equals(hubId)) {
                alert = a;
            }
        }
        assertThat(alert).as(list.body()).isNotNull();
        assertThat(alert.get("code").asText()).isEqualTo("8480-6");
        assertThat(alert.path("value").isNumber()).as(alert.toString()).isFalse();
    }

    /** An outbox entry that raises an alert (not one that resolves an earlier one). */
    private static boolean raises(JsonNode entry) {
        return entry.has("ruleId") && "RAISED".equals(entry.path("status").asText("RAISED"));
    }

    private static JsonNode findAlert(JsonNode stored) {
        for (JsonNode entry : stored.get("stored")) {
            if (entry.has("ruleId")) {
                return entry;
            }
        }
        throw new AssertionError("no alert among " + stored);
    }

    /**
     * Publishes an alert as the hub would, from another connection with the hub's certificate; returns its outbox. The
     * broker gives a certificate one session (its name is the client id), so the hub steps aside meanwhile and comes
     * back on its own outbox.
     */
    private static String replayAndAwaitAck(Alert alert) throws Exception {
        MessageCodec codec = new MessageCodec();
        String outbox = outboxIdOfHub();
        hub.close();
        try (TestMqttClient replay = new TestMqttClient(stack, HUB, HUB + "-replay")) {
            replay.subscribe(HubTopic.of(HUB, HubTopic.Kind.ACK).name());
            replay.publish(HubTopic.of(HUB, HubTopic.Kind.ALERT).name(), codec.encode(AlertMessage.of(outbox, alert)));
            await().atMost(DEADLINE)
                    .until(() -> replay.received().stream()
                            .map(m -> codec.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)
                                    && a.ranges().stream().anyMatch(r -> r.contains(alert.seq()))));
        } finally {
            hub = Services.startHub(stack, HUB, hubDataDir, Services.homeConfig(1));
        }
        return outbox;
    }

    private static String outboxIdOfHub() throws Exception {
        try (Connection c = DriverManager.getConnection(
                        ingest.postgres().jdbcUrl(),
                        ingest.postgres().user(),
                        ingest.postgres().password());
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SELECT outbox::text FROM alert WHERE hub_id = '" + HUB + "' LIMIT 1")) {
            row.next();
            return row.getString(1);
        }
    }

    private static long alertRows(long seq) throws Exception {
        return count("SELECT count(*) FROM alert WHERE hub_id = '" + HUB + "' AND seq = " + seq);
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        ingest.postgres().jdbcUrl(),
                        ingest.postgres().user(),
                        ingest.postgres().password());
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        ingest.postgres().jdbcUrl(),
                        ingest.postgres().user(),
                        ingest.postgres().password());
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Points of one code with one seq, each as column name to value. */
    private static List<Map<String, Object>> points(String code, long seq) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(
                    "SELECT * FROM " + ObservationStore.EVERY_POLICY + " WHERE hub = '" + HUB + "' AND code = '" + code
                            + "' AND seq = " + seq,
                    ingest.influx().database()));
            if (result.hasError()) {
                throw new AssertionError(result.getError());
            }
            var series = result.getResults().get(0).getSeries();
            if (series == null) {
                return List.of();
            }
            List<String> columns = series.get(0).getColumns();
            return series.get(0).getValues().stream()
                    .map(values -> {
                        Map<String, Object> point = new HashMap<>();
                        for (int i = 0; i < columns.size(); i++) {
                            point.put(columns.get(i), values.get(i));
                        }
                        return point;
                    })
                    .toList();
        }
    }

    private static JsonNode simulate(String pathAndQuery) throws Exception {
        return Services.simulate(hub, pathAndQuery);
    }

    private static JsonNode hubStatus() throws Exception {
        return Services.hubStatus(hub.statusUrl());
    }
}
