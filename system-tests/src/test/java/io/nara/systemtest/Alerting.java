package io.nara.systemtest;

import io.nara.ingest.IngestService;
import io.nara.ingest.IngestSettings;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.db.Database;
import io.nara.ingest.fhir.FhirFeature;
import io.nara.ingest.fhir.FhirPush;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.Severity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Helpers for the issue-7 tests: ingest nodes with alerting settings, the organisation, alerts, people's sessions. */
final class Alerting {

    static final String PATIENT = "patient-route-1";
    /**
     * Tuesday 24 November 2026, noon in Stockholm: in {@link #organisation()} Anna and Agnes (home-nursing-north) are
     * on duty, and in {@link #accessOrganisation()} Eva of the other municipality too.
     */
    static final Instant TUESDAY_NOON = LocalDateTime.of(2026, 11, 24, 12, 0)
            .atZone(ZoneId.of("Europe/Stockholm"))
            .toInstant();

    static final String OTHER_PATIENT = "patient-east-1";

    private Alerting() {}

    static Services.Ingest startIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            Clock clock,
            AlertingSettings alerting)
            throws Exception {
        return startIngest(stack, shareGroup, postgres, influx, clock, alerting, FhirPush.Settings.none());
    }

    /**
     * ... and pushing new readings to a FHIR server (issue 8). Like every ingest, it authorises every hub message
     * against the hub's bindings in the cloud: a test's home is enrolled with {@link HomeEnrolment}.
     */
    static Services.Ingest startIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            Clock clock,
            AlertingSettings alerting,
            FhirPush.Settings fhirPush)
            throws Exception {
        String apiKey = UUID.randomUUID().toString();
        String node = stack.newIngestNode();
        IngestSettings settings = new IngestSettings(
                        "it-ingest-" + UUID.randomUUID().toString().substring(0, 8),
                        shareGroup,
                        stack.broker(node),
                        influx,
                        postgres,
                        "127.0.0.1",
                        0,
                        apiKey)
                .withAlertBroker(stack.broker(node + "-alerts"));
        Vertx vertx = Vertx.vertx();
        IngestService service = new IngestService(settings, clock, alerting, List.of(new FhirFeature(fhirPush)));
        vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return new Services.Ingest(vertx, service, postgres, influx, apiKey);
    }

    /**
     * How most tests of issues 7 and 8 begin: an ingest node on fresh databases and a share group of its own, healthy,
     * with {@code organisation} imported. Closed again if it does not get that far, since the caller gets no node to
     * close.
     */
    static Services.Ingest startIngest(DevStack stack, Clock clock, AlertingSettings alerting, JsonObject organisation)
            throws Exception {
        return startIngest(stack, clock, alerting, FhirPush.Settings.none(), organisation);
    }

    /** ... and pushing new readings to a FHIR server. */
    static Services.Ingest startIngest(
            DevStack stack, Clock clock, AlertingSettings alerting, FhirPush.Settings fhirPush, JsonObject organisation)
            throws Exception {
        Services.Ingest ingest = startIngest(
                stack, Services.newShareGroup(), stack.freshPostgres(), stack.freshInflux(), clock, alerting, fhirPush);
        try {
            Services.awaitHealthy(ingest);
            importOrganisation(ingest, organisation);
            return ingest;
        } catch (Exception | Error e) {
            Services.closeAll(ingest);
            throw e;
        }
    }

    /** The default settings for a browser test: plain HTTP on loopback, so the session cookie cannot be Secure. */
    static AlertingSettings plainHttp() {
        return AlertingSettings.defaults().withWeb("http://127.0.0.1/", false);
    }

    /** Publishes the alert as the hub would (an outbox of its own) and waits until it is stored; its id. */
    static long raise(Services.Ingest ingest, TestMqttClient hub, String hubId, Alert alert) throws Exception {
        publish(hub, hubId, UUID.randomUUID().toString(), alert);
        Awaitility.await().atMost(Services.DEADLINE).until(() -> alertId(ingest, hubId, alert.seq()) > 0);
        return alertId(ingest, hubId, alert.seq());
    }

    /**
     * A municipality's home-nursing district (day nurse Anna 07–16, evening nurse Bertil 16–24, night nurse Cecilia
     * 00–07, every day) whose next tier is the region's on-call doctor David (around the clock), then the mobile team
     * (nobody on duty). A second district has nobody on duty at all. The patient is cared for by the first district,
     * which responds first, and by the region.
     */
    static JsonObject organisation() {
        String all = "[1,2,3,4,5,6,7]";
        return new JsonObject("""
                {"organisations": [
                   {"id": "kommun", "name": "Norrby kommun", "kind": "MUNICIPALITY"},
                   {"id": "region", "name": "Region Norr", "kind": "REGION"}],
                 "teams": [
                   {"id": "home-nursing-north", "organisationId": "kommun", "name": "Hemsjukvård Norr",
                    "escalatesTo": "region-oncall", "slots": [
                      {"person": "anna", "days": %1$s, "starts": "07:00", "ends": "16:00"},
                      {"person": "anna2", "days": %1$s, "starts": "07:00", "ends": "16:00"},
                      {"person": "bertil", "days": %1$s, "starts": "16:00", "ends": "00:00"},
                      {"person": "cecilia", "days": %1$s, "starts": "00:00", "ends": "07:00"}]},
                   {"id": "home-nursing-south", "organisationId": "kommun", "name": "Hemsjukvård Syd",
                    "escalatesTo": "region-oncall", "slots": []},
                   {"id": "region-oncall", "organisationId": "region", "name": "Jourläkare",
                    "escalatesTo": "mobile-team", "slots": [
                      {"person": "david", "days": %1$s, "starts": "08:00", "ends": "08:00"}]},
                   {"id": "mobile-team", "organisationId": "region", "name": "Mobil närvård", "slots": []}],
                 "people": [
                   {"id": "anna", "organisationId": "kommun", "name": "Anna Sjöberg", "username": "anna",
                    "password": "anna-secret-1", "email": "anna@kommun.test", "phone": "+46700000001",
                    "teams": [{"team": "home-nursing-north", "role": "NURSE"}]},
                   {"id": "anna2", "organisationId": "kommun", "name": "Agnes Lund", "username": "agnes",
                    "password": "agnes-secret-1", "email": "agnes@kommun.test",
                    "teams": [{"team": "home-nursing-north", "role": "NURSE"}]},
                   {"id": "bertil", "organisationId": "kommun", "name": "Bertil Ek", "username": "bertil",
                    "password": "bertil-secret-1", "teams": [{"team": "home-nursing-north", "role": "NURSE"}]},
                   {"id": "cecilia", "organisationId": "kommun", "name": "Cecilia Berg", "username": "cecilia",
                    "password": "cecilia-secret-1", "teams": [{"team": "home-nursing-north", "role": "NURSE"}]},
                   {"id": "mas", "organisationId": "kommun", "name": "Maria MAS", "username": "mas",
                    "password": "maria-secret-1", "teams": [{"team": "home-nursing-north", "role": "MAS"}]},
                   {"id": "david", "organisationId": "region", "name": "David Dahl", "username": "david",
                    "password": "david-secret-1", "email": "david@region.test",
                    "teams": [{"team": "region-oncall", "role": "DOCTOR"}]}],
                 "patients": [
                   {"id": "%2$s", "name": "Greta Holm", "careRelations": [
                      {"team": "home-nursing-north", "from": "2020-01-01T00:00:00Z", "respondsFirst": true},
                      {"team": "region-oncall", "from": "2020-01-01T00:00:00Z"}],
                    "relatives": [{"name": "Lars Holm", "phone": "+46700000009", "consent": "NOTIFY",
                                   "consentGiven": "2026-01-10T10:00:00Z"}]}]}
                """.formatted(all, PATIENT));
    }

    /**
     * {@link #organisation()} with a second municipality (Söderby) whose nurse Eva ({@code eva}/{@code eva-secret-1})
     * cares only for a patient of her own, {@code patient-west-1}: the person who must see nothing of the first
     * municipality's patients.
     */
    static JsonObject organisationWithNeighbour() {
        JsonObject org = organisation();
        org.getJsonArray("organisations")
                .add(new JsonObject()
                        .put("id", "annan-kommun")
                        .put("name", "Söderby kommun")
                        .put("kind", "MUNICIPALITY"));
        org.getJsonArray("teams")
                .add(new JsonObject()
                        .put("id", "home-nursing-west")
                        .put("organisationId", "annan-kommun")
                        .put("name", "Hemsjukvård Söderby")
                        .put("slots", new JsonArray()));
        org.getJsonArray("people")
                .add(new JsonObject()
                        .put("id", "eva")
                        .put("organisationId", "annan-kommun")
                        .put("name", "Eva Ström")
                        .put("username", "eva")
                        .put("password", "eva-secret-1")
                        .put(
                                "teams",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("team", "home-nursing-west")
                                                .put("role", "NURSE"))));
        org.getJsonArray("patients")
                .add(new JsonObject()
                        .put("id", "patient-west-1")
                        .put("name", "Sven Ström")
                        .put(
                                "careRelations",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("team", "home-nursing-west")
                                                .put("from", "2020-01-01T00:00:00Z")
                                                .put("respondsFirst", true))));
        return org;
    }

    /** The organisation with one more patient cared for as {@link #PATIENT} is (a spouse, a second household). */
    static JsonObject withPatientLike(JsonObject org, String patientId, String name) {
        var patients = org.getJsonArray("patients");
        patients.add(patients.getJsonObject(0).copy().put("id", patientId).put("name", name));
        return org;
    }

    /**
     * {@link #organisation()} and the access rules around it (issue 8): a second municipality whose nurse Eva, on
     * duty around the clock, cares for Erik Ek only, and no relation with Greta Holm; Greta's relatives Lena (may view,
     * {@code lena} / {@code lena-secret-1}) and Karin (to be told only, never to view, {@code karin} /
     * {@code karin-secret-1}).
     */
    static JsonObject accessOrganisation() {
        JsonObject doc = organisation();
        doc.getJsonArray("organisations")
                .add(new JsonObject()
                        .put("id", "kommun-b")
                        .put("name", "Östby kommun")
                        .put("kind", "MUNICIPALITY"));
        doc.getJsonArray("teams").add(new JsonObject("""
                {"id": "home-nursing-east", "organisationId": "kommun-b", "name": "Hemsjukvård Östby", "slots": [
                   {"person": "eva", "days": [1,2,3,4,5,6,7], "starts": "00:00", "ends": "00:00"}]}"""));
        doc.getJsonArray("people").add(new JsonObject("""
                {"id": "eva", "organisationId": "kommun-b", "name": "Eva Öst", "username": "eva",
                 "password": "eva-secret-1", "teams": [{"team": "home-nursing-east", "role": "NURSE"}]}"""));
        JsonObject greta = doc.getJsonArray("patients").getJsonObject(0);
        greta.getJsonArray("relatives")
                .add(relative("lena", "Lena Holm", "VIEW"))
                .add(relative("karin", "Karin Holm", "NOTIFY"));
        doc.getJsonArray("patients").add(new JsonObject("""
                {"id": "%s", "name": "Erik Ek", "careRelations": [
                   {"team": "home-nursing-east", "from": "2020-01-01T00:00:00Z", "respondsFirst": true}]}""".formatted(OTHER_PATIENT)));
        return doc;
    }

    /**
     * {@link #accessOrganisation()} with home-care staff (hemtjänst): Hanna ({@code hanna}/{@code hanna-secret-1}) and
     * Olle ({@code olle}) of Norrby's home-care team, which serves Greta (not first to respond: her nurses are), and
     * Stina ({@code stina}) of Östby's, which serves Erik only.
     */
    static JsonObject homeCareOrganisation() {
        JsonObject doc = accessOrganisation();
        doc.getJsonArray("teams").add(new JsonObject("""
                        {"id": "homecare-north", "organisationId": "kommun", "name": "Hemtjänst Norr", "slots": []}""")).add(new JsonObject("""
                        {"id": "homecare-east", "organisationId": "kommun-b", "name": "Hemtjänst Östby", "slots": []}"""));
        doc.getJsonArray("people")
                .add(homeCareStaff("hanna", "Hanna Lind", "kommun", "homecare-north"))
                .add(homeCareStaff("olle", "Olle Berg", "kommun", "homecare-north"))
                .add(homeCareStaff("stina", "Stina Öst", "kommun-b", "homecare-east"));
        JsonArray patients = doc.getJsonArray("patients");
        for (int i = 0; i < patients.size(); i++) {
            JsonObject patient = patients.getJsonObject(i);
            String team = patient.getString("id").equals(PATIENT) ? "homecare-north" : "homecare-east";
            patient.getJsonArray("careRelations")
                    .add(new JsonObject().put("team", team).put("from", "2020-01-01T00:00:00Z"));
        }
        return doc;
    }

    private static JsonObject homeCareStaff(String id, String name, String organisation, String team) {
        return new JsonObject()
                .put("id", id)
                .put("organisationId", organisation)
                .put("name", name)
                .put("username", id)
                .put("password", id + "-secret-1")
                .put(
                        "teams",
                        new JsonArray().add(new JsonObject().put("team", team).put("role", "HOME_CARE_STAFF")));
    }

    /** A relative of Greta who signs in as {@code id} with {@code <id>-secret-1}, with the consents given. */
    static JsonObject relative(String id, String name, String... consents) {
        return new JsonObject()
                .put("id", id)
                .put("name", name)
                .put("username", id)
                .put("password", id + "-secret-1")
                .put("email", id + "@example.test")
                .put("consents", new JsonArray(List.of(consents)))
                .put("consentGiven", "2026-01-10T10:00:00Z");
    }

    /** The access log's entries after {@code afterId}: id, actor, action, patient ids, detail. */
    static List<List<Object>> accessLogAfter(Services.Ingest ingest, long afterId) throws SQLException {
        return rows(
                ingest,
                "SELECT id, actor, action, patient_ids, detail FROM access_log WHERE id > " + afterId + " ORDER BY id");
    }

    static long lastAccessLogId(Services.Ingest ingest) throws SQLException {
        return ((Number) rows(ingest, "SELECT coalesce(max(id), 0) FROM access_log")
                        .get(0)
                        .get(0))
                .longValue();
    }

    static void importOrganisation(Services.Ingest ingest, JsonObject doc) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/admin/organisation"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(doc.encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("import failed: " + r.statusCode() + " " + r.body());
        }
    }

    static Alert alert(long seq, Severity severity, String respondFirst, Duration escalateAfter, Instant raisedAt) {
        return new Alert(
                seq,
                PATIENT,
                severity == Severity.URGENT ? "systolic-low" : "systolic-high",
                severity,
                "8480-6",
                severity == Severity.URGENT ? 85.0 : 170.0,
                "mm[Hg]",
                "Systoliskt blodtryck / Systolic blood pressure",
                raisedAt,
                0,
                "v1",
                respondFirst,
                escalateAfter);
    }

    /** An URGENT low systolic pressure of another patient. */
    static Alert alert(String patientId, long seq, Instant raisedAt) {
        return new Alert(
                seq,
                patientId,
                "systolic-low",
                Severity.URGENT,
                "8480-6",
                85.0,
                "mm[Hg]",
                "Systoliskt blodtryck / Systolic blood pressure",
                raisedAt,
                0,
                "v1",
                null,
                null);
    }

    static void publish(TestMqttClient hub, String hubId, String outbox, Alert alert) throws Exception {
        hub.publish(
                HubTopic.of(hubId, HubTopic.Kind.ALERT).name(),
                new MessageCodec().encode(AlertMessage.of(outbox, alert)));
    }

    static Connection db(Services.Ingest ingest) throws SQLException {
        return DriverManager.getConnection(
                ingest.postgres().jdbcUrl(),
                ingest.postgres().user(),
                ingest.postgres().password());
    }

    static List<List<Object>> rows(Services.Ingest ingest, String sql) throws SQLException {
        try (Connection c = db(ingest);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = r.getObject(i);
                    row.add(v instanceof Array a ? List.of((Object[]) a.getArray()) : v);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static long alertId(Services.Ingest ingest, String hubId, long seq) throws SQLException {
        List<List<Object>> r = rows(ingest, "SELECT id FROM alert WHERE hub_id = '" + hubId + "' AND seq = " + seq);
        return r.isEmpty() ? -1 : ((Number) r.get(0).get(0)).longValue();
    }

    /** A person's browser-less session: the cookie and the CSRF token, as the page keeps them. */
    record Session(String baseUrl, String cookie, String csrf) {
        static HttpResponse<String> signIn(String baseUrl, String user, String password) throws Exception {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/api/signin"))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                            .put("username", user)
                                            .put("password", password)
                                            .encode()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        }

        static Session of(String baseUrl, String user, String password) throws Exception {
            HttpResponse<String> r = signIn(baseUrl, user, password);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("sign-in of " + user + ": " + r.statusCode() + " " + r.body());
            }
            String cookie = r.headers().allValues("set-cookie").stream()
                    .filter(c -> c.startsWith("nara_session="))
                    .findFirst()
                    .orElseThrow()
                    .split(";")[0];
            return new Session(baseUrl, cookie, new JsonObject(r.body()).getString("csrfToken"));
        }

        HttpResponse<String> get(String path) throws Exception {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(baseUrl + path))
                                    .header("Cookie", cookie)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, JsonObject body, boolean withCsrf) throws Exception {
            return send("POST", path, body, withCsrf);
        }

        HttpResponse<String> put(String path, JsonObject body) throws Exception {
            return send("PUT", path, body, true);
        }

        private HttpResponse<String> send(String method, String path, JsonObject body, boolean withCsrf)
                throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Cookie", cookie)
                    .header("content-type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
            if (withCsrf) {
                b.header("X-CSRF-Token", csrf);
            }
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
