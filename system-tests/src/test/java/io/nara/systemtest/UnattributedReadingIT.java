package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A couple shares a scale without user index, and their weight bands overlap: a reading in both bands is nobody's
 * until a nurse of the household says whose. Once assigned it is the patient's reading (InfluxDB), judged by her care
 * plan (a worrying weight raises an alert routed like any other), and no longer unattributed; a nurse of another
 * municipality sees none of it.
 */
class UnattributedReadingIT {

    private static final String HUB = "hub-it-couple-1";
    private static final String GRETA = CoupleHome.GRETA;
    private static final String GUSTAV = CoupleHome.GUSTAV;
    private static final Duration DEADLINE = CoupleHome.DEADLINE;

    private static CoupleHome home;
    private static Services.Ingest ingest;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        home = CoupleHome.start(HUB, dir, AlertingSettings.defaults());
        ingest = home.ingest;
    }

    @AfterAll
    static void stop() throws Exception {
        if (home != null) {
            home.close();
        }
    }

    @Test
    void aNurseAssignsTheCouplesUnattributedWeightAndItBecomesGretasReading() throws Exception {
        // 65 kg is in Greta's band only: hers at once, her history for the rules.
        home.weigh(65.0);
        await().atMost(DEADLINE)
                .until(() -> home.cloud.pointsByPatient(HUB, CoupleHome.WEIGHT).stream()
                        .anyMatch(p -> p.startsWith(GRETA + " ") && p.endsWith(" 65.0")));
        home.weigh(75.0);
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        JsonObject waiting = home.waitingWith(anna, 75.0);
        assertThat(waiting.getDouble("value")).isEqualTo(75.0);
        assertThat(waiting.getString("code")).isEqualTo(CoupleHome.WEIGHT);
        assertThat(waiting.getJsonObject("signal").getMap()).isEqualTo(Map.of("sv", "Kroppsvikt", "en", "Body weight"));
        assertThat(waiting.getJsonArray("candidates").stream().map(p -> ((JsonObject) p).getString("patientId")))
                .containsExactly(GRETA, GUSTAV);
        long id = waiting.getLong("id");
        long seq = home.seqOf(id);
        assertThat(home.points(seq)).containsExactly("unattributed " + seq + " 75.0");

        // A nurse of another municipality neither sees nor touches it.
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        assertThat(home.waiting(eva)).isEmpty();
        assertThat(eva.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GRETA), true)
                        .statusCode())
                .isEqualTo(404);
        // Only a patient of that home can be given the reading.
        HttpResponse<String> stranger = anna.post(
                "/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", "patient-west-1"), true);
        assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(400);
        // Like every POST, it needs the session's CSRF token.
        assertThat(anna.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GRETA), false)
                        .statusCode())
                .isEqualTo(403);

        HttpResponse<String> assigned =
                anna.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GRETA), true);
        assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(200);
        JsonArray alerts = new JsonObject(assigned.body()).getJsonArray("alerts");
        assertThat(alerts).hasSize(1);

        assertThat(home.points(seq)).containsExactly(GRETA + " " + seq + " 75.0");
        assertThat(home.waiting(anna)).noneMatch(r -> ((JsonObject) r).getLong("id") == id);
        assertThat(Alerting.rows(
                        ingest, "SELECT state, patient_id, decided_by FROM unattributed_reading WHERE id = " + id))
                .containsExactly(List.of("ASSIGNED", GRETA, "person:anna"));
        // 10 kg more than her 65 kg is judged by her plan over her history, and is an alert like any other:
        // stored, routed to her district, with who assigned the reading in its trail.
        long alertId = alerts.getLong(0);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT a.origin, a.rule_id, a.severity, a.value, s.team_id FROM alert a "
                                + "JOIN alert_state s ON s.alert_id = a.id WHERE a.id = " + alertId))
                .containsExactly(List.of("CLOUD", "weight-gain-3d", "WARNING", 75.0, "home-nursing-north"));
        assertThat((String) Alerting.rows(ingest, "SELECT message FROM alert WHERE id = " + alertId)
                        .get(0)
                        .get(0))
                .contains("65.0 → 75.0 kg");
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT kind, actor FROM alert_event WHERE alert_id = " + alertId
                                + " AND kind = 'reading.assigned'"))
                .containsExactly(List.of("reading.assigned", "person:anna"));

        // A retry (the answer was lost) changes nothing: the same point, no second alert.
        HttpResponse<String> again =
                anna.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GRETA), true);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(again.body()).getJsonArray("alerts")).isEqualTo(alerts);
        assertThat(home.points(seq)).containsExactly(GRETA + " " + seq + " 75.0");
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE rule_id = 'weight-gain-3d'"))
                .containsExactly(List.of(1L));
        // The hub replays the reading (its acknowledgement was lost): it stays Greta's, never unattributed again.
        replayAndAwaitAck(id);
        assertThat(home.points(seq)).containsExactly(GRETA + " " + seq + " 75.0");
        assertThat(home.waiting(anna)).noneMatch(r -> ((JsonObject) r).getLong("id") == id);
        // And nobody can give it to Gustav now.
        assertThat(anna.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GUSTAV), true)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void aGuestsWeightIsDismissedWithAReason() throws Exception {
        home.weigh(77.0);
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long id = home.waitingWith(anna, 77.0).getLong("id");
        HttpResponse<String> noReason = anna.post("/api/unattributed/" + id + "/dismiss", new JsonObject(), true);
        assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
        assertThat(anna.post(
                                "/api/unattributed/" + id + "/dismiss",
                                new JsonObject()
                                        .put("reason", "Barnbarnet vägde sig / a grandchild stood on the scale"),
                                true)
                        .statusCode())
                .isEqualTo(200);
        assertThat(home.waiting(anna)).noneMatch(r -> ((JsonObject) r).getLong("id") == id);
        assertThat(Alerting.rows(ingest, "SELECT state, decided_by, reason FROM unattributed_reading WHERE id = " + id))
                .containsExactly(
                        List.of("DISMISSED", "person:anna", "Barnbarnet vägde sig / a grandchild stood on the scale"));
        assertThat(anna.post("/api/unattributed/" + id + "/assign", new JsonObject().put("patientId", GRETA), true)
                        .statusCode())
                .isEqualTo(409);
    }

    /** Sends the kept reading again as the hub would, from a second connection with its certificate. */
    private static void replayAndAwaitAck(long id) throws Exception {
        List<Object> row = Alerting.rows(
                        ingest,
                        "SELECT outbox::text, seq, device_id, code, value, unit, effective, "
                                + "received, flags FROM unattributed_reading WHERE id = " + id)
                .get(0);
        String outbox = (String) row.get(0);
        long seq = ((Number) row.get(1)).longValue();
        @SuppressWarnings("unchecked")
        Set<ObservationFlag> flags = ((List<Object>) row.get(8))
                .stream().map(f -> ObservationFlag.valueOf((String) f)).collect(Collectors.toSet());
        Observation reading = new Observation(
                seq,
                null,
                (String) row.get(2),
                (String) row.get(3),
                ((Number) row.get(4)).doubleValue(),
                (String) row.get(5),
                ((Timestamp) row.get(6)).toInstant(),
                ((Timestamp) row.get(7)).toInstant(),
                flags);
        MessageCodec codec = new MessageCodec();
        try (TestMqttClient replay = new TestMqttClient(home.stack, HUB, HUB + "-replay")) {
            replay.subscribe(HubTopic.of(HUB, HubTopic.Kind.ACK).name());
            replay.publish(
                    HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                    codec.encode(ObservationBatch.of(outbox, List.of(reading))));
            await().atMost(DEADLINE)
                    .until(() -> replay.received().stream()
                            .map(m -> codec.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)
                                    && a.ranges().stream().anyMatch(r -> r.contains(seq))));
        }
    }
}
