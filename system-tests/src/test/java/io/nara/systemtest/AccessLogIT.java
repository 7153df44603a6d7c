package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access log against a real ingest node and PostgreSQL (issue 8): every API read of patient data among the
 * inbox's endpoints, the live stream and the relative's page writes exactly one entry naming who read which patient
 * and what; a refused read is logged too and shows nothing; the MAS and the operator can search the log, nobody else.
 */
class AccessLogIT {

    private static final String HUB = "hub-it-access-log-1";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String GRETA = Alerting.PATIENT;
    // Tuesday noon in Stockholm: Anna is on duty.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    /** Erik's home, in the other municipality. */
    private static TestMqttClient erikHub;

    private static final String ERIK_HUB = "hub-it-access-log-2";
    private static long gretaAlert;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.accessOrganisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        HomeEnrolment.enrol(ingest, ERIK_HUB, HomeEnrolment.household(Alerting.OTHER_PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        erikHub = new TestMqttClient(stack, ERIK_HUB, ERIK_HUB + "-pub");
        gretaAlert = Alerting.raise(ingest, hub, HUB, Alerting.alert(1, Severity.URGENT, null, null, clock.instant()));
        Alerting.raise(ingest, erikHub, ERIK_HUB, Alerting.alert(Alerting.OTHER_PATIENT, 3, clock.instant()));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, erikHub, ingest);
    }

    @Test
    void everyReadOfPatientDataWritesExactlyOneEntryNamingWhoAndWhat() throws Exception {
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        var mas = Alerting.Session.of(ingest.baseUrl(), "mas", "maria-secret-1");

        readLogsOnce("person:anna", "inbox.list", () -> anna.get("/api/inbox"), 200);
        readLogsOnce("person:anna", "inbox.list", () -> anna.get("/api/alerts"), 200);
        readLogsOnce("person:anna", "alerts.detail", () -> anna.get("/api/alerts/" + gretaAlert), 200);
        readLogsOnce("operator", "alerts.list", () -> operatorGet("/api/alerts"), 200);
        readLogsOnce("operator", "alerts.detail", () -> operatorGet("/api/alerts/" + gretaAlert), 200);
        readLogsOnce("relative:" + relativeId("lena"), "relative.view", () -> lena.get("/api/relative/patient"), 200);
        readLogsOnce("person:mas", "access-log.search", () -> mas.get("/api/access-log?patient=" + GRETA), 200);
        // Acting answers with the alert, so the change is a read too (the step itself is in the alert's trail).
        readLogsOnce(
                "person:anna",
                "alerts.change",
                () -> anna.post("/api/alerts/" + gretaAlert + "/snooze", new JsonObject().put("minutes", 5), true),
                200);

        // The live stream: one entry per alert it sends, when it sends it.
        try (EventStream stream =
                EventStream.withCookie(ingest.baseUrl() + "/api/alerts/stream", anna.cookie(), "alert")) {
            await().atMost(DEADLINE).until(stream::connected);
            long before = Alerting.lastAccessLogId(ingest);
            Alerting.publish(
                    hub,
                    HUB,
                    UUID.randomUUID().toString(),
                    Alerting.alert(2, Severity.WARNING, null, null, clock.instant()));
            await().atMost(DEADLINE).until(() -> stream.events().size() == 1);
            assertThat(stream.events().get(0)).contains("Greta Holm");
            List<List<Object>> entries = Alerting.accessLogAfter(ingest, before);
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).subList(1, 4)).containsExactly("person:anna", "alerts.stream", List.of(GRETA));
        }
    }

    @Test
    void aRefusedReadShowsNothingOfThePatientAndIsLoggedOnce() throws Exception {
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        var karin = Alerting.Session.of(ingest.baseUrl(), "karin", "karin-secret-1");

        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> detail = eva.get("/api/alerts/" + gretaAlert);
        assertThat(detail.statusCode()).isEqualTo(404);
        assertThat(detail.body()).doesNotContain("Greta", GRETA);
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.subList(1, 4)).containsExactly("person:eva", "alerts.refused", List.of(GRETA)));

        HttpResponse<String> inbox = eva.get("/api/inbox");
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.body()).doesNotContain("Greta", GRETA);
        assertThat(eva.post("/api/alerts/" + gretaAlert + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(404);

        // Karin may be told of alerts but not view: nothing, and the attempt is logged against Greta.
        before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> view = karin.get("/api/relative/patient");
        assertThat(view.statusCode()).isEqualTo(404);
        assertThat(view.body()).doesNotContain("Greta", GRETA);
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .containsExactly("relative:" + relativeId("karin"), "relative.refused", List.of(GRETA)));

        // A relative never gets into the staff's API, whatever the consent.
        var lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        for (String path : List.of(
                "/api/inbox",
                "/api/alerts",
                "/api/alerts/" + gretaAlert,
                "/api/alerts/stream",
                "/api/teams",
                "/api/access-log")) {
            HttpResponse<String> r = lena.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).doesNotContain("Greta");
        }
        assertThat(lena.post("/api/alerts/" + gretaAlert + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(403);
        // ... and the staff do not get the relative's page.
        assertThat(eva.get("/api/relative/patient").statusCode()).isEqualTo(403);
    }

    @Test
    void theMasOfTheCaringOrganisationAndTheOperatorSearchTheLogAndNobodyElse() throws Exception {
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        var mas = Alerting.Session.of(ingest.baseUrl(), "mas", "maria-secret-1");
        assertThat(anna.get("/api/inbox").statusCode()).isEqualTo(200);
        assertThat(eva.get("/api/inbox").statusCode()).isEqualTo(200);

        HttpResponse<String> found = mas.get("/api/access-log?patient=" + GRETA + "&actor=anna");
        assertThat(found.statusCode()).isEqualTo(200);
        JsonArray entries = new JsonArray(found.body());
        assertThat(entries).isNotEmpty();
        entries.forEach(o -> {
            JsonObject e = (JsonObject) o;
            assertThat(e.getString("actor")).isEqualTo("person:anna");
            assertThat(e.getString("actorName")).isEqualTo("Anna Sjöberg");
            assertThat(e.getJsonArray("patientIds").getList()).contains(GRETA);
        });
        // Eva's inbox shows Erik, whom Maria's municipality does not care for: Maria sees nothing of Erik in the log.
        HttpResponse<String> evas = mas.get("/api/access-log?actor=eva");
        assertThat(evas.statusCode()).isEqualTo(200);
        assertThat(evas.body()).doesNotContain(Alerting.OTHER_PATIENT);
        assertThat(mas.get("/api/access-log?patient=" + Alerting.OTHER_PATIENT).statusCode())
                .isEqualTo(404);

        HttpResponse<String> all = operatorGet("/api/access-log?actor=eva");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains(Alerting.OTHER_PATIENT);

        assertThat(anna.get("/api/access-log").statusCode()).isEqualTo(403);
        assertThat(eva.get("/api/access-log").statusCode()).isEqualTo(403);
        HttpResponse<String> bad = mas.get("/api/access-log?from=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from", "yesterday");
    }

    /** Runs one read and checks that it, and it alone, wrote one entry: who, what, and that it names Greta. */
    @SuppressWarnings("unchecked")
    private static void readLogsOnce(String actor, String action, Read read, int status) throws Exception {
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> response = read.run();
        assertThat(response.statusCode()).as(action + ": " + response.body()).isEqualTo(status);
        List<List<Object>> entries = Alerting.accessLogAfter(ingest, before);
        assertThat(entries).as(action).hasSize(1);
        assertThat(entries.get(0).get(1)).as(action).isEqualTo(actor);
        assertThat(entries.get(0).get(2)).as(action).isEqualTo(action);
        assertThat((List<Object>) entries.get(0).get(3)).as(action).contains(GRETA);
    }

    @FunctionalInterface
    private interface Read {
        HttpResponse<String> run() throws Exception;
    }

    private static long relativeId(String ref) throws Exception {
        return ((Number) Alerting.rows(ingest, "SELECT id FROM relative WHERE ref = '" + ref + "'")
                        .get(0)
                        .get(0))
                .longValue();
    }

    private static HttpResponse<String> operatorGet(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
