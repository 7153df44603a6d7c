package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.HubTopic;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hospital's discharge as a FHIR R4 Encounter, with the real ingest, broker and PostgreSQL: the hospital's system
 * posts it with HAPI's generic client; the stay and its discharge are on the patient page's API, the care plan's
 * post-discharge period starts on the discharge day in a new version the hub receives, the care team is told in its
 * inbox without anybody being paged, and a second admission within 30 days is counted. Bad input changes nothing.
 */
class DischargeIT {

    private static final String HUB = "hub-it-discharge-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String HOSPITAL_SYSTEM = "urn:oid:1.2.752.29.4.5.1";
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final MessageCodec CODEC = new MessageCodec();
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static String hospitalToken;
    private static String southToken;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        // A paging webhook is configured (nobody listens): an alert that pages would leave rows in the outbox.
        AlertingSettings alerting = AlertingSettings.defaults()
                .withWebhook(
                        URI.create("http://127.0.0.1:9/page"),
                        "discharge-it-webhook-secret",
                        Duration.ofMillis(200),
                        1,
                        Duration.ofMillis(100),
                        Duration.ofMillis(100));
        ingest = Alerting.startIngest(stack, Clock.systemUTC(), alerting, Alerting.organisation());
        // Greta's home, with the heart-failure plan the doctor prepared: its post-discharge rules wait for a discharge.
        HomeEnrolment.enrol(
                ingest,
                HUB,
                new HubConfig(
                        1,
                        1,
                        List.of(CarePlanTemplate.heartFailure(CODEC, PATIENT)),
                        List.of(new DeviceBinding("sim-scale-discharge", "sim-scale", PATIENT))));
        // The region's hospital acts for the region's team, which cares for Greta; the southern district does not.
        hospitalToken = createClient("hospital-north", "Norrby sjukhus", "region-oncall");
        southToken = createClient("journal-south", "Hemsjukvård Syd journal", "home-nursing-south");
        hub = new TestMqttClient(stack, HUB, HUB + "-it");
        hub.subscribe(HubTopic.of(HUB, HubTopic.Kind.CONFIG).name());
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @Test
    void theHospitalsDischargeStartsThePostDischargePeriodTellsTheCareTeamAndCountsAReadmission() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant admitted = now.minus(Duration.ofDays(9));
        Instant discharged = now.minus(Duration.ofDays(2));
        LocalDate day = discharged.atZone(STOCKHOLM).toLocalDate();
        int versionBefore = planVersion();

        IGenericClient hospital = FHIR.newRestfulGenericClient(ingest.baseUrl() + "/fhir");
        hospital.registerInterceptor(new BearerTokenAuthInterceptor(hospitalToken));
        Encounter stay = encounter("VT-2026-0042", admitted, discharged, new Reference("Patient/" + PATIENT));
        MethodOutcome created = hospital.create().resource(stay).execute();
        assertThat(created.getCreated()).isTrue();
        String id = created.getId().getIdPart();
        // The hospital's system sends it again (it did not see the answer): the same stay, nothing new.
        MethodOutcome again = hospital.create().resource(stay).execute();
        assertThat(again.getId().getIdPart()).isEqualTo(id);

        // The stay and its discharge on the patient page's API, entered by the hospital's system.
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        JsonArray stays = array(anna.get("/api/patients/" + PATIENT + "/admissions"));
        assertThat(stays).hasSize(1);
        JsonObject entered = stays.getJsonObject(0);
        assertThat(Instant.parse(entered.getString("admittedAt"))).isEqualTo(admitted);
        assertThat(Instant.parse(entered.getString("dischargedAt"))).isEqualTo(discharged);
        assertThat(entered.getString("reason")).isEqualTo("Hjärtsvikt, försämring");
        assertThat(entered.getString("recordedBy")).isEqualTo("fhir-client:hospital-north");
        assertThat(entered.getString("recordedByName")).isEqualTo("Norrby sjukhus");

        // One new version of the plan: the period the doctor prepared starts on the discharge day.
        JsonObject plan = object(anna.get("/api/patients/" + PATIENT + "/careplan"));
        assertThat(plan.getInteger("version")).isEqualTo(versionBefore + 1);
        assertThat(plan.getJsonObject("plan").getJsonObject("postDischarge").getString("start"))
                .isEqualTo(day.toString());
        assertThat(plan.getJsonObject("plan").getJsonObject("postDischarge").getInteger("days"))
                .isEqualTo(30);
        assertThat(plan.getString("changedBy")).isEqualTo("fhir-client:hospital-north");
        assertThat(plan.getString("reason")).contains("Utskriven från sjukhus " + day, "VT-2026-0042");
        JsonObject overview = object(anna.get("/api/patients/" + PATIENT + "/overview"));
        assertThat(overview.getString("dischargedOn")).isEqualTo(day.toString());

        // The hub receives it as its config, retained, like any plan change.
        await().atMost(Services.DEADLINE)
                .until(() -> hubPlan()
                        .map(p -> p.postDischarge().start().equals(day))
                        .orElse(false));
        assertThat(hubPlan().orElseThrow().version()).isEqualTo(Integer.toString(versionBefore + 1));

        // The care team is told in its inbox, with the day and where the patient went, and nobody is paged.
        JsonObject notice = array(anna.get("/api/inbox")).stream()
                .map(JsonObject.class::cast)
                .filter(a -> "notice.hospital-discharge".equals(a.getString("ruleId")))
                .findFirst()
                .orElseThrow();
        assertThat(notice.getString("severity")).isEqualTo("INFO");
        assertThat(notice.getString("teamId")).isEqualTo("home-nursing-north");
        assertThat(notice.getString("message"))
                .startsWith("Utskriven från sjukhus " + day + " till hem. Reglerna efter utskrivning gäller i 30"
                        + " dagar (vårdplan version " + (versionBefore + 1) + ").");
        long noticeId = notice.getLong("id");
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM notification WHERE alert_id = " + noticeId))
                .containsExactly(List.of(0L));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + noticeId + " ORDER BY id"))
                .contains(List.of("notify.quiet"));
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE rule_id = 'notice.hospital-discharge'"))
                .as("the repeat told nobody again")
                .containsExactly(List.of(1L));

        // Readmitted the next day. Her nurse hears it by phone and enters the stay by hand, two hours off.
        Instant readmitted = now.minus(Duration.ofDays(1));
        HttpResponse<String> byHand = anna.post(
                "/api/patients/" + PATIENT + "/admissions",
                new JsonObject()
                        .put("admittedAt", readmitted.plus(Duration.ofHours(2)).toString())
                        .put("reason", "Inlagd igen, andfådd"),
                true);
        assertThat(byHand.statusCode()).as(byHand.body()).isEqualTo(201);
        // Then the hospital's system sends it, naming her by personnummer, under an id of its own (PUT): the same
        // stay, which takes the hospital's identity and time instead of being entered twice.
        Encounter readmission = encounter(
                "VT-2026-0057",
                readmitted,
                null,
                new Reference()
                        .setIdentifier(new Identifier()
                                .setSystem("http://electronichealth.se/identifier/personnummer")
                                .setValue(HomeEnrolment.personnummer(PATIENT))));
        readmission.setId("vt-2026-0057");
        MethodOutcome put = hospital.update().resource(readmission).execute();
        assertThat(put.getCreated()).isTrue();
        assertThat(put.getId().getIdPart()).isEqualTo("vt-2026-0057");
        stays = array(anna.get("/api/patients/" + PATIENT + "/admissions"));
        assertThat(stays).hasSize(2);
        assertThat(stays.getJsonObject(0).getString("dischargedAt")).isNull();
        assertThat(stays.getJsonObject(0).getString("reason")).isEqualTo("Inlagd igen, andfådd");
        assertThat(stays.getJsonObject(0).getString("recordedByName")).isEqualTo("Anna Sjöberg");
        assertThat(Instant.parse(stays.getJsonObject(0).getString("admittedAt")))
                .isEqualTo(readmitted);
        assertThat(stays.getJsonObject(0).getJsonObject("readmission").getInteger("days"))
                .isEqualTo(1);
        // ... and in the evaluation figures of the team that cares for her, in the month of the discharge.
        YearMonth month = YearMonth.from(discharged.atZone(STOCKHOLM));
        JsonObject figures = array(
                        operatorGet("/api/evaluation?from=" + month + "&to=" + month + "&team=home-nursing-north"))
                .getJsonObject(0);
        assertThat(figures.getInteger("discharges")).isEqualTo(1);
        assertThat(figures.getInteger("readmissions30d")).isEqualTo(1);
        // The team's notices of the discharges told it something; they are no alerts about the patient.
        assertThat(figures.getInteger("alerts")).isZero();

        assertThat(Alerting.rows(
                        ingest,
                        "SELECT action, patient_ids FROM access_log WHERE actor = 'fhir-client:hospital-north'"
                                + " AND action LIKE 'fhir.Encounter.%' AND detail LIKE '%VT-2026-%' ORDER BY id"))
                .containsExactly(
                        List.of("fhir.Encounter.create", List.of(PATIENT)),
                        List.of("fhir.Encounter.create", List.of(PATIENT)),
                        List.of("fhir.Encounter.update", List.of(PATIENT)));

        // The readmission ends: the finished Encounter under the same id completes the stay the in-progress one began.
        Instant home = now.minus(Duration.ofHours(1));
        Encounter finished = encounter("VT-2026-0057", readmitted, home, readmission.getSubject());
        finished.setId("vt-2026-0057");
        MethodOutcome done = hospital.update().resource(finished).execute();
        assertThat(done.getId().getIdPart()).isEqualTo("vt-2026-0057");
        assertThat(done.getCreated()).isNotEqualTo(Boolean.TRUE);
        JsonObject completed =
                array(anna.get("/api/patients/" + PATIENT + "/admissions")).getJsonObject(0);
        assertThat(Instant.parse(completed.getString("dischargedAt"))).isEqualTo(home);
        assertThat(completed.getString("dischargeRecordedBy")).isEqualTo("fhir-client:hospital-north");
        await().atMost(Services.DEADLINE)
                .until(() -> hubPlan()
                        .map(p -> p.postDischarge()
                                .start()
                                .equals(home.atZone(STOCKHOLM).toLocalDate()))
                        .orElse(false));
        // Another discharge time for the same stay is no rewrite: 409, and nothing changes.
        List<List<Object>> before = state();
        finished.getPeriod().setEnd(Date.from(home.minus(Duration.ofMinutes(10))));
        assertThatThrownBy(() -> hospital.update().resource(finished).execute())
                .isInstanceOf(ResourceVersionConflictException.class)
                .hasMessageContaining("is not rewritten");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void badInputIsRefusedWithAnOperationOutcomeNamingTheProblemAndChangesNothing() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Encounter good = encounter(
                "VT-BAD-1",
                now.minus(Duration.ofDays(5)),
                now.minus(Duration.ofDays(1)),
                new Reference("Patient/" + PATIENT));
        String goodJson = FHIR.newJsonParser().encodeResourceToString(good);
        List<List<Object>> before = state();

        assertRefused(post(hospitalToken, "this is not JSON"), 400, "not a JSON object");
        assertRefused(post(hospitalToken, "{\"resourceType\": \"Patient\"}"), 400, "resourceType must be Encounter");
        Encounter noEnd = good.copy();
        noEnd.getPeriod().setEndElement(null);
        assertRefused(
                post(hospitalToken, FHIR.newJsonParser().encodeResourceToString(noEnd)), 400, "period.end is missing");
        Encounter backwards = good.copy();
        backwards.getPeriod().setEnd(Date.from(now.minus(Duration.ofDays(6))));
        assertRefused(
                post(hospitalToken, FHIR.newJsonParser().encodeResourceToString(backwards)),
                400,
                "is not after period.start");
        assertRefused(
                post(hospitalToken, goodJson.replace("\"finished\"", "\"discharged\"")),
                400,
                "'discharged' is not an Encounter status");
        // An unknown patient and one the credential's teams do not care for: the same answer, so nothing leaks.
        String unknown = FHIR.newJsonParser()
                .encodeResourceToString(good.copy().setSubject(new Reference("Patient/patient-nobody")));
        HttpResponse<String> nobody = post(hospitalToken, unknown);
        HttpResponse<String> notTheirs = post(southToken, goodJson);
        assertRefused(nobody, 404, "the patient is not known");
        assertRefused(notTheirs, 404, "the patient is not known");
        assertThat(nobody.body()).isEqualTo(notTheirs.body());
        assertRefused(post(null, goodJson), 401, "");
        assertRefused(post("not-a-token", goodJson), 401, "");

        assertThat(state()).as("no stay, plan version or alert came of it").isEqualTo(before);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT actor, patient_ids FROM access_log WHERE action = 'fhir.Encounter.create'"
                                + " AND detail LIKE '%VT-BAD-1%' ORDER BY id"))
                .containsExactly(
                        List.of("fhir-client:hospital-north", List.of()),
                        List.of("fhir-client:journal-south", List.of()));
    }

    private static Encounter encounter(String value, Instant start, Instant end, Reference subject) {
        Encounter e = new Encounter();
        e.addIdentifier().setSystem(HOSPITAL_SYSTEM).setValue(value);
        e.setStatus(end == null ? Encounter.EncounterStatus.INPROGRESS : Encounter.EncounterStatus.FINISHED);
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"));
        e.setSubject(subject);
        Period period = new Period().setStart(Date.from(start));
        if (end != null) {
            period.setEnd(Date.from(end));
            e.getHospitalization()
                    .setDischargeDisposition(new CodeableConcept(
                            new Coding("http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home")));
        }
        e.setPeriod(period);
        e.addReasonCode().setText("Hjärtsvikt, försämring");
        return e;
    }

    /** The stays, plan versions and discharge notices, and the config version of the hub. */
    private static List<List<Object>> state() throws Exception {
        return Alerting.rows(
                ingest,
                "SELECT (SELECT count(*) FROM admission), (SELECT max(version) FROM care_plan_history WHERE patient_id = '"
                        + PATIENT
                        + "'), (SELECT count(*) FROM alert WHERE rule_id = 'notice.hospital-discharge'), (SELECT version FROM hub_config WHERE hub_id = '"
                        + HUB + "')");
    }

    private static int planVersion() throws Exception {
        return ((Number) Alerting.rows(ingest, "SELECT version FROM care_plan WHERE patient_id = '" + PATIENT + "'")
                        .get(0)
                        .get(0))
                .intValue();
    }

    /** Greta's plan in the newest config the hub received. */
    private static Optional<CarePlan> hubPlan() {
        List<TestMqttClient.Received> received = hub.received();
        if (received.isEmpty()) {
            return Optional.empty();
        }
        return CODEC.decode(received.get(received.size() - 1).payload(), HubConfig.class)
                .carePlanFor(PATIENT);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String problem) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/fhir+json");
        OperationOutcome oo = (OperationOutcome) FHIR.newJsonParser().parseResource(r.body());
        assertThat(oo.getIssueFirstRep().getDiagnostics()).contains(problem);
    }

    private static HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/fhir/Encounter"))
                .header("content-type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
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

    private static JsonArray array(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonArray(r.body());
    }

    private static JsonObject object(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static String createClient(String id, String name, String team) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/admin/fhir-clients"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                        .put("id", id)
                                        .put("name", name)
                                        .put("teams", new JsonArray().add(team))
                                        .encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }
}
