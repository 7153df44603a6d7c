package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access rules of issue 8 across the whole web API, one table row per endpoint: every call is authenticated, a
 * nurse of another municipality learns nothing of a patient she has no care relation with (404 or only her own
 * patients, never the name), a signed-in relative gets 403 on every staff endpoint, every read of patient data writes
 * exactly one access-log entry naming who and which patients, and a state change without the CSRF token changes
 * nothing. The tables are checked against the routes the running web server has: an endpoint added without a row here
 * fails this test, so no future endpoint skips the rules.
 */
class ApiAccessIT {

    private static final String HUB = "hub-it-api-access-1";
    private static final String SCALE = "scale-api-access-1";
    private static final String GRETA = Alerting.PATIENT;
    private static final String ERIK = Alerting.OTHER_PATIENT;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    // Tuesday noon in Stockholm: the nurses are on duty; a fixed clock, so nothing escalates while the test reads.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    /** Who makes the read that must succeed. */
    enum Reader {
        /** Anna, nurse of the team that cares for Greta. */
        NURSE,
        /** Maria, the medically responsible nurse (MAS) of Anna's municipality: the access log is hers to search. */
        MAS,
        /** The operator key (Bearer): the operator's own endpoints. */
        OPERATOR,
        /** Lena, Greta's daughter with VIEW consent: the relative's own endpoint. */
        RELATIVE,
        /** Hanna, home-care staff of the team that serves Greta: her own phone page's endpoints. */
        HOME_CARE
    }

    /** What Eva, nurse of the other municipality with no care relation with Greta, gets. */
    enum Refusal {
        /** 404 as for a patient that does not exist; the refusal writes no entry (nothing was read). */
        NOT_FOUND,
        /** 404, and the attempt is logged naming her (it may name the patient, so that the patient's MAS sees it). */
        NOT_FOUND_LOGGED,
        /** 200 with her own patients only (or none); the one entry names her and not Greta. */
        OWN_ONLY,
        /** 403: the endpoint is not for her kind of user at all; nothing read, no entry. */
        FORBIDDEN,
        /** 200, the same as anyone: there is no patient data in it, and no entry. */
        NO_PATIENT_DATA,
        /** 200, a live stream: nothing is read at connecting; what it sends later is logged per alert. */
        STREAM
    }

    /**
     * One GET endpoint and its rule.
     *
     * @param route   the route as the web server has it ({@code GET /api/alerts/:id})
     * @param path    the path to call, ids filled in from this test's data
     * @param reader  who reads it successfully
     * @param logs    the patients the reader's one access-log entry must name exactly; null: the read writes no entry
     * @param eva     what the other municipality's nurse gets
     * @param why     why the rule is what it is, where it is not the plain one
     */
    record Read(String route, String path, Reader reader, Set<String> logs, Refusal eva, String why) {}

    /**
     * One state-changing endpoint: without credentials or with a journal system's token 401, a signed-in nurse without
     * the CSRF token 403 (a page of another site can make her browser send the cookie, not the token), a relative
     * 403 (except where {@link #FOR_RELATIVES_TOO} lets her); none of them changes {@code tables}.
     */
    record Change(String route, String path, JsonObject body, List<String> tables) {}

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    /** Erik's home, in the other municipality. */
    private static TestMqttClient erikHub;

    private static final String ERIK_HUB = "hub-it-api-access-2";
    private static long gretaAlert;
    private static long stay;
    private static long lenaId;
    private static String observationId;
    private static String deviceId;
    private static JsonObject carePlan;
    private static long unattributedId;
    private static String journalToken;
    /** A task Anna delegated to Hanna. */
    private static long delegation;

    /** Routes without a session by design: signing in is how one gets one (guarded by an Origin check instead). */
    private static final Set<String> PUBLIC = Set.of("POST /api/signin");

    /**
     * Handlers for any method under a prefix, which answer nothing themselves but guard every request: the body limit,
     * authentication ({@code Auth}), closing the staff's API to relatives, FHIR's answer for what it does not
     * support, and the failure handler that turns refusals into status codes. An endpoint mounted for any method
     * ({@code router.route(path)}) shows as {@code "* path"} too and so needs a rule of its own.
     */
    private static final Set<String> FOR_EVERY_REQUEST = Set.of("* /api/", "* /fhir/", "* (any path)");

    /** Not staff endpoints: a signed-in relative too may ask who she is, sign out and (with consent) raise the alarm. */
    private static final Set<String> FOR_RELATIVES_TOO =
            Set.of("GET /api/me", "POST /api/signout", "POST /api/relative/alarm");

    /**
     * Written by a journal system's token and nothing else (the hospital's Encounter): the journal's success, its care
     * relation and bad input are DischargeIT's; here the refusals of everyone else.
     */
    private static final Set<String> BY_JOURNALS = Set.of("POST /fhir/Encounter", "PUT /fhir/Encounter/:id");

    /** What home-care staff may call besides their own /api/homecare/ endpoints. */
    private static final Set<String> FOR_HOME_CARE_TOO =
            Set.of("GET /api/me", "POST /api/signout", "POST /api/me/password");

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.homeCareOrganisation());
        // Greta's home with her scale (a guest may step on it), and Erik's.
        HomeEnrolment.enrol(
                ingest, HUB, new HubConfig(1, 1, List.of(), List.of(new DeviceBinding(SCALE, "sim-scale", GRETA))));
        HomeEnrolment.enrol(ingest, ERIK_HUB, HomeEnrolment.household(ERIK));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        erikHub = new TestMqttClient(stack, ERIK_HUB, ERIK_HUB + "-pub");

        // Greta's readings and a guest's weight on the shared scale, as the hub sends them; her care plan makes the
        // hub her home, so the guest's reading waits for her nurses.
        Instant now = clock.instant();
        List<Observation> batch = List.of(
                new Observation(
                        1,
                        GRETA,
                        SCALE,
                        "29463-7",
                        71.2,
                        "kg",
                        now.minusSeconds(7200),
                        now.minusSeconds(7199),
                        Set.of()),
                new Observation(
                        2,
                        GRETA,
                        SCALE,
                        "29463-7",
                        71.4,
                        "kg",
                        now.minusSeconds(3600),
                        now.minusSeconds(3599),
                        Set.of()),
                new Observation(
                        3,
                        null,
                        SCALE,
                        "29463-7",
                        92.0,
                        "kg",
                        now.minusSeconds(1800),
                        now.minusSeconds(1799),
                        Set.of(ObservationFlag.UNATTRIBUTED)));
        hub.publish(
                HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                new MessageCodec().encode(ObservationBatch.of(UUID.randomUUID().toString(), batch)));
        CloudQueries cloud = new CloudQueries(stack, ingest);
        await().atMost(DEADLINE)
                .until(() -> cloud.observationSeqs(HUB).size() >= 2
                        && !Alerting.rows(ingest, "SELECT id FROM unattributed_reading")
                                .isEmpty());
        unattributedId = ((Number) Alerting.rows(ingest, "SELECT id FROM unattributed_reading")
                        .get(0)
                        .get(0))
                .longValue();
        ClinicData.dailyPlan(ingest, HUB, GRETA, "29463-7", now.minus(Duration.ofDays(3)));
        gretaAlert = Alerting.raise(ingest, hub, HUB, Alerting.alert(1, Severity.URGENT, null, null, now));
        // Eva's own patient has an alert too, so her lists are not empty merely because nothing happened.
        Alerting.raise(ingest, erikHub, ERIK_HUB, Alerting.alert(ERIK, 2, now));

        var anna = session("anna");
        HttpResponse<String> admitted = anna.post(
                "/api/patients/" + GRETA + "/admissions",
                new JsonObject()
                        .put("admittedAt", now.minus(Duration.ofDays(2)).toString())
                        .put("reason", "Hjärtsvikt"),
                true);
        assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(201);
        stay = new JsonObject(admitted.body()).getLong("id");
        observationId = firstEntryId(anna.get("/fhir/Observation?patient=" + GRETA));
        deviceId = firstEntryId(anna.get("/fhir/Device?patient=" + GRETA));
        carePlan =
                new JsonObject(anna.get("/api/patients/" + GRETA + "/careplan").body());
        lenaId = ((Number) Alerting.rows(ingest, "SELECT id FROM relative WHERE ref = 'lena'")
                        .get(0)
                        .get(0))
                .longValue();
        // Lena may also raise the alarm, so her own alarm state is hers to read (and nobody else's).
        HttpResponse<String> alarmConsent = anna.post(
                "/api/patients/" + GRETA + "/relatives/" + lenaId + "/consents",
                new JsonObject().put("scope", "ALARM").put("given", true),
                true);
        assertThat(alarmConsent.statusCode()).as(alarmConsent.body()).isEqualTo(200);
        // The journal system of Greta's own team: its token opens /fhir/ and nothing else.
        HttpResponse<String> client = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/admin/fhir-clients"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                        .put("id", "journal-north")
                                        .put("name", "Norrby journal")
                                        .put("teams", new JsonArray().add("home-nursing-north"))
                                        .encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(client.statusCode()).as(client.body()).isEqualTo(200);
        journalToken = new JsonObject(client.body()).getString("token");
        HttpResponse<String> delegated = anna.post(
                "/api/patients/" + GRETA + "/delegations",
                new JsonObject()
                        .put("task", "Väg patienten")
                        .put("toPersonId", "hanna")
                        .put("from", "2026-11-01")
                        .put("to", "2026-12-31"),
                true);
        assertThat(delegated.statusCode()).as(delegated.body()).isEqualTo(201);
        delegation = new JsonObject(delegated.body()).getLong("id");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, erikHub, ingest);
    }

    /** Every GET endpoint under /api/ and /fhir/: who reads it, what it logs, what Eva gets, and why. */
    private static List<Read> reads() {
        Set<String> greta = Set.of(GRETA);
        Set<String> none = Set.of();
        String p = "/api/patients/" + GRETA;
        return List.of(
                new Read(
                        "GET /api/me",
                        "/api/me",
                        Reader.NURSE,
                        null,
                        Refusal.NO_PATIENT_DATA,
                        "who I am and my CSRF token: no patient data"),
                new Read(
                        "GET /api/teams",
                        "/api/teams",
                        Reader.NURSE,
                        null,
                        Refusal.NO_PATIENT_DATA,
                        "the organisation's teams, for handing over: no patient data"),
                new Read("GET /api/inbox", "/api/inbox", Reader.NURSE, greta, Refusal.OWN_ONLY, ""),
                new Read(
                        "GET /api/alerts",
                        "/api/alerts",
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "a person's /api/alerts is her inbox"),
                new Read(
                        "GET /api/alerts/stream",
                        "/api/alerts/stream",
                        Reader.NURSE,
                        null,
                        Refusal.STREAM,
                        "open: nothing read at connecting; each alert sent is one entry (checked apart)"),
                new Read(
                        "GET /api/alerts/:id",
                        "/api/alerts/" + gretaAlert,
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND_LOGGED,
                        "the refused attempt names Greta, so her MAS sees who tried"),
                new Read(
                        "GET /api/alerts/:id/handover-targets",
                        "/api/alerts/" + gretaAlert + "/handover-targets",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND_LOGGED,
                        "the teams caring for Greta are patient data: seen like the alert itself"),
                new Read(
                        "GET /api/rejected",
                        "/api/rejected",
                        Reader.OPERATOR,
                        none,
                        Refusal.FORBIDDEN,
                        "operator only; refused payloads may carry readings, so the read is logged"),
                new Read(
                        "GET /api/fleet/releases",
                        "/api/fleet/releases",
                        Reader.OPERATOR,
                        null,
                        Refusal.FORBIDDEN,
                        "operator only; hub software versions and their rollout: no patient data"),
                new Read(
                        "GET /api/notifications/dead",
                        "/api/notifications/dead",
                        Reader.OPERATOR,
                        null,
                        Refusal.FORBIDDEN,
                        "operator only; alert id, channel, address and error: no patient data"),
                new Read("GET /api/patients/:id/careplan", p + "/careplan", Reader.NURSE, greta, Refusal.NOT_FOUND, ""),
                new Read(
                        "GET /api/patients/:id/careplan/history",
                        p + "/careplan/history",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        ""),
                new Read(
                        "GET /api/enrolment/hubs/:hubId",
                        "/api/enrolment/hubs/" + HUB,
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        "a home's hub, bindings and config: its patients are logged; a hub of no "
                                + "patient of hers does not exist for Eva"),
                new Read(
                        "GET /api/unattributed",
                        "/api/unattributed",
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "the guest's reading names the household's patients as candidates"),
                new Read("GET /api/worklist", "/api/worklist", Reader.NURSE, greta, Refusal.OWN_ONLY, ""),
                new Read(
                        "GET /api/evaluation",
                        "/api/evaluation",
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "figures of my teams, computed from their patients' data: those patients are logged"),
                new Read(
                        "GET /api/evaluation.csv",
                        "/api/evaluation.csv",
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "as /api/evaluation"),
                new Read(
                        "GET /api/patients/:id/admissions",
                        p + "/admissions",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        ""),
                new Read("GET /api/patients/:id/overview", p + "/overview", Reader.NURSE, greta, Refusal.NOT_FOUND, ""),
                new Read(
                        "GET /api/patients/:id/trends",
                        p + "/trends?range=7d",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        ""),
                new Read(
                        "GET /api/patients/:id/contact",
                        p + "/contact",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        "phone, address and named care contact"),
                new Read(
                        "GET /api/patients/:id/relatives",
                        p + "/relatives",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        ""),
                new Read(
                        "GET /api/patients/:id/delegations",
                        p + "/delegations",
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND,
                        "the tasks delegated to home-care staff and whom they may go to"),
                new Read(
                        "GET /api/homecare/patients",
                        "/api/homecare/patients",
                        Reader.HOME_CARE,
                        greta,
                        Refusal.FORBIDDEN,
                        "home-care staff's own: names, addresses and tasks of the patients their teams serve; a nurse"
                                + " has the patient page"),
                new Read(
                        "GET /api/homecare/patients/:id/reports",
                        "/api/homecare/patients/" + GRETA + "/reports",
                        Reader.HOME_CARE,
                        greta,
                        Refusal.FORBIDDEN,
                        "what the staff member reported and whether a nurse saw it; staff of another team get 404"),
                new Read(
                        "GET /api/relative/patient",
                        "/api/relative/patient",
                        Reader.RELATIVE,
                        greta,
                        Refusal.FORBIDDEN,
                        "the relative's own view; staff get 403 (they have the patient page)"),
                new Read(
                        "GET /api/relative/alarm",
                        "/api/relative/alarm",
                        Reader.RELATIVE,
                        greta,
                        Refusal.FORBIDDEN,
                        "the relative's own alarm and whether it was seen; ALARM consent; staff get 403"),
                new Read(
                        "GET /api/access-log",
                        "/api/access-log?patient=" + GRETA,
                        Reader.MAS,
                        greta,
                        Refusal.FORBIDDEN,
                        "MAS and operator only; the search names the patients it shows"),
                new Read(
                        "GET /api/patients/:id/extract",
                        p + "/extract",
                        Reader.MAS,
                        greta,
                        Refusal.FORBIDDEN,
                        "the register extract: the MAS of an organisation that cares or cared for her only, not the "
                                + "nurses and not the operator; logged"),
                new Read(
                        "GET /api/admin/fhir-push",
                        "/api/admin/fhir-push",
                        Reader.OPERATOR,
                        none,
                        Refusal.FORBIDDEN,
                        "operator only; dead-lettered readings name their patients, so the read is logged"),
                new Read(
                        "GET /api/fleet/hubs",
                        "/api/fleet/hubs",
                        Reader.NURSE,
                        none,
                        Refusal.OWN_ONLY,
                        "the hubs of my patients (an operator: of the organisation); no patient data in the rows, "
                                + "the read is logged naming nobody"),
                new Read(
                        "GET /api/fleet/permissions",
                        "/api/fleet/permissions",
                        Reader.NURSE,
                        null,
                        Refusal.NO_PATIENT_DATA,
                        "whether I may change the fleet register: no patient data"),
                new Read(
                        "GET /fhir/metadata",
                        "/fhir/metadata",
                        Reader.NURSE,
                        null,
                        Refusal.NO_PATIENT_DATA,
                        "the CapabilityStatement: no patient data"),
                new Read(
                        "GET /fhir/Patient/:id",
                        "/fhir/Patient/" + GRETA,
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND_LOGGED,
                        "FHIR logs a refused read, naming nobody"),
                new Read(
                        "GET /fhir/Patient",
                        "/fhir/Patient?_id=" + GRETA + "," + ERIK,
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "Eva asks for both: she gets Erik, her own"),
                new Read(
                        "GET /fhir/Device/:id",
                        "/fhir/Device/" + deviceId,
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND_LOGGED,
                        ""),
                new Read(
                        "GET /fhir/Device",
                        "/fhir/Device?patient=" + GRETA,
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "an empty bundle for Eva"),
                new Read(
                        "GET /fhir/Observation/:id",
                        "/fhir/Observation/" + observationId,
                        Reader.NURSE,
                        greta,
                        Refusal.NOT_FOUND_LOGGED,
                        ""),
                new Read(
                        "GET /fhir/Observation",
                        "/fhir/Observation?patient=" + GRETA,
                        Reader.NURSE,
                        greta,
                        Refusal.OWN_ONLY,
                        "an empty bundle for Eva"));
    }

    /** Every state-changing endpoint under /api/ and /fhir/, with a body that would be acted on, and what it writes. */
    private static List<Change> changes() {
        String p = "/api/patients/" + GRETA;
        String a = "/api/alerts/" + gretaAlert;
        List<String> alert = List.of("alert_state", "snooze");
        List<String> discharge = List.of("admission", "care_plan_history", "alert");
        return List.of(
                new Change("POST /api/signout", "/api/signout", new JsonObject(), List.of("web_session")),
                new Change(
                        "POST /api/me/password",
                        "/api/me/password",
                        new JsonObject().put("current", "anna-secret-1").put("new", "a-much-longer-secret-2026"),
                        List.of("person", "web_session")),
                new Change("POST /api/alerts/:id/acknowledge", a + "/acknowledge", new JsonObject(), alert),
                new Change(
                        "POST /api/alerts/:id/handover",
                        a + "/handover",
                        new JsonObject().put("team", "region-oncall").put("note", "tar över"),
                        alert),
                new Change("POST /api/alerts/:id/escalate", a + "/escalate", new JsonObject(), alert),
                new Change(
                        "POST /api/alerts/:id/resolve",
                        a + "/resolve",
                        new JsonObject().put("outcome", "PHONE_CALL").put("note", "ringde"),
                        alert),
                new Change("POST /api/alerts/:id/snooze", a + "/snooze", new JsonObject().put("minutes", 30), alert),
                new Change(
                        "POST /api/alerts/:id/actions",
                        a + "/actions",
                        new JsonObject().put("kind", "PHONE_CALL").put("note", "ringde"),
                        List.of("alert_state", "alert_action")),
                new Change(
                        "POST /api/alerts/:id/actions/:action/outcome",
                        a + "/actions/1/outcome",
                        new JsonObject().put("outcome", "REACHED"),
                        List.of("alert_action")),
                new Change(
                        "POST /api/admin/organisation",
                        "/api/admin/organisation",
                        new JsonObject().put("teams", new JsonArray()),
                        List.of("organisation", "care_team", "person", "patient")),
                new Change(
                        "PUT /api/patients/:id/careplan",
                        p + "/careplan",
                        new JsonObject()
                                .put("basedOnVersion", carePlan.getInteger("version"))
                                .put("plan", carePlan.getJsonObject("plan"))
                                .put("reason", "ny vikt"),
                        List.of("care_plan", "care_plan_history")),
                // Reads readings but is a POST (the edited plan is the body): the same refusals as a change, and it
                // writes nothing but the access log (PatientPageIT shows the care relation and the entry).
                new Change(
                        "POST /api/patients/:id/careplan/what-if",
                        p + "/careplan/what-if",
                        new JsonObject().put("plan", carePlan.getJsonObject("plan")),
                        List.of("care_plan", "access_log")),
                new Change(
                        "POST /api/unattributed/:id/assign",
                        "/api/unattributed/" + unattributedId + "/assign",
                        new JsonObject().put("patientId", GRETA),
                        List.of("unattributed_reading")),
                new Change(
                        "POST /api/unattributed/:id/dismiss",
                        "/api/unattributed/" + unattributedId + "/dismiss",
                        new JsonObject().put("reason", "gäst"),
                        List.of("unattributed_reading")),
                new Change(
                        "POST /api/patients/:id/admissions",
                        p + "/admissions",
                        new JsonObject()
                                .put(
                                        "admittedAt",
                                        clock.instant()
                                                .minus(Duration.ofDays(1))
                                                .toString())
                                .put("reason", "Fall"),
                        List.of("admission")),
                new Change(
                        "PUT /api/patients/:id/admissions/:stayId",
                        p + "/admissions/" + stay,
                        new JsonObject().put("dischargedAt", clock.instant().toString()),
                        List.of("admission")),
                new Change(
                        "POST /api/patients/:id/contact",
                        p + "/contact",
                        new JsonObject().put("phone", "070-123 45 67"),
                        List.of("patient")),
                new Change(
                        "POST /api/relative/alarm",
                        "/api/relative/alarm",
                        new JsonObject(),
                        List.of("relative_alarm", "alert")),
                new Change(
                        "POST /api/patients/:id/relatives/:relativeId/consents",
                        p + "/relatives/" + lenaId + "/consents",
                        new JsonObject().put("scope", "VIEW").put("given", false),
                        List.of("relative_consent")),
                new Change(
                        "POST /api/patients/:id/delegations",
                        p + "/delegations",
                        new JsonObject()
                                .put("task", "Väg patienten")
                                .put("toTeamId", "homecare-north")
                                .put("from", "2026-11-01")
                                .put("to", "2026-12-31"),
                        List.of("delegation")),
                new Change(
                        "POST /api/patients/:id/delegations/:delegation/revoke",
                        p + "/delegations/" + delegation + "/revoke",
                        new JsonObject(),
                        List.of("delegation")),
                new Change(
                        "POST /api/homecare/patients/:id/reports",
                        "/api/homecare/patients/" + GRETA + "/reports",
                        new JsonObject().put("text", "Hon verkar sämre"),
                        List.of("home_care_report", "alert")),
                new Change(
                        "POST /api/homecare/tasks/:id/done",
                        "/api/homecare/tasks/" + delegation + "/done",
                        new JsonObject(),
                        List.of("delegation_done")),
                new Change(
                        "POST /api/admin/fhir-clients",
                        "/api/admin/fhir-clients",
                        new JsonObject()
                                .put("id", "journal-x")
                                .put("name", "X")
                                .put("teams", new JsonArray().add("home-nursing-north")),
                        List.of("fhir_client")),
                new Change(
                        "POST /api/fleet/hubs",
                        "/api/fleet/hubs",
                        new JsonObject().put("hubId", "hub-x"),
                        List.of("hub", "enrolment_code")),
                new Change(
                        "POST /api/fleet/hubs/:id/code",
                        "/api/fleet/hubs/" + HUB + "/code",
                        new JsonObject(),
                        List.of("hub", "enrolment_code")),
                new Change(
                        "POST /api/fleet/hubs/:id/revoke",
                        "/api/fleet/hubs/" + HUB + "/revoke",
                        new JsonObject().put("reason", "stolen"),
                        List.of("hub", "hub_certificate", "enrolment_code")),
                new Change(
                        "POST /api/fleet/hubs/:id/return",
                        "/api/fleet/hubs/" + HUB + "/return",
                        new JsonObject(),
                        List.of("hub", "hub_certificate", "enrolment_code")),
                new Change(
                        "POST /api/fleet/releases",
                        "/api/fleet/releases",
                        new JsonObject().put("version", "0.2.0").put("percentage", 10),
                        List.of("hub_release")),
                new Change(
                        "POST /api/admin/fhir-clients/:id/revoke",
                        "/api/admin/fhir-clients/journal-x/revoke",
                        new JsonObject(),
                        List.of("fhir_client")),
                new Change(
                        "POST /api/enrolment/patients",
                        "/api/enrolment/patients",
                        new JsonObject()
                                .put("name", "Ny Patient")
                                .put("nationalId", "19121212-1212")
                                .put("teams", new JsonArray().add("home-nursing-north"))
                                .put("hubId", "hub-it-api-new"),
                        List.of("patient", "household", "household_member", "care_relation", "care_plan")),
                new Change(
                        "POST /api/enrolment/hubs/:hubId/devices",
                        "/api/enrolment/hubs/" + HUB + "/devices",
                        new JsonObject().put("deviceId", "cuff-api-1").put("patientId", GRETA),
                        List.of("device_binding", "hub_config", "hub_config_history")),
                new Change(
                        "POST /api/enrolment/hubs/:hubId/devices/:deviceId/unbind",
                        "/api/enrolment/hubs/" + HUB + "/devices/" + SCALE + "/unbind",
                        new JsonObject(),
                        List.of("device_binding", "hub_config", "hub_config_history")),
                new Change(
                        "POST /api/enrolment/hubs/:hubId/devices/:deviceId/replace",
                        "/api/enrolment/hubs/" + HUB + "/devices/" + SCALE + "/replace",
                        new JsonObject().put("newDeviceId", "scale-api-2"),
                        List.of("device_binding", "hub_config", "hub_config_history")),
                new Change(
                        "POST /api/patients/:id/erase",
                        "/api/patients/" + GRETA + "/erase",
                        new JsonObject().put("reason", "the patient asked").put("ivoDecision", "IVO 3.5.1-1/2026"),
                        List.of("patient", "alert", "care_plan_history", "relative", "patient_erasure")),
                new Change(
                        "POST /api/enrolment/patients/:id/end",
                        "/api/enrolment/patients/" + GRETA + "/end",
                        new JsonObject(),
                        List.of("household_member", "patient", "care_plan", "device_binding")),
                new Change(
                        "POST /api/enrolment/hubs/:hubId/pairing",
                        "/api/enrolment/hubs/" + HUB + "/pairing",
                        new JsonObject().put("minutes", 5),
                        List.of("hub_pairing", "hub_config", "hub_config_history")),
                new Change("POST /fhir/Encounter", "/fhir/Encounter", encounter(null), discharge),
                new Change("PUT /fhir/Encounter/:id", "/fhir/Encounter/vt-api-1", encounter("vt-api-1"), discharge));
    }

    /** A hospital's finished Encounter of Greta, as a journal system would send it. */
    private static JsonObject encounter(String id) {
        JsonObject e = new JsonObject()
                .put("resourceType", "Encounter")
                .put("status", "finished")
                .put(
                        "identifier",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("system", "urn:example:hospital")
                                        .put("value", "api-1")))
                .put("subject", new JsonObject().put("reference", "Patient/" + GRETA))
                .put(
                        "period",
                        new JsonObject()
                                .put("start", "2026-11-01T10:00:00+01:00")
                                .put("end", "2026-11-05T10:00:00+01:00"));
        return id == null ? e : e.put("id", id);
    }

    @Test
    void everyEndpointOfTheRunningServerHasAnAccessRuleHere() {
        Set<String> served = new TreeSet<>();
        for (String route : ingest.service().webRoutes()) {
            String path = route.substring(route.indexOf(' ') + 1);
            // A regex route cannot be matched to a rule: it counts as an endpoint without one.
            if (path.startsWith("/api/") || path.startsWith("/fhir/") || !path.startsWith("/")) {
                served.add(route);
            }
        }
        Set<String> ruled = new TreeSet<>(PUBLIC);
        ruled.addAll(FOR_EVERY_REQUEST);
        reads().forEach(r -> ruled.add(r.route()));
        changes().forEach(c -> ruled.add(c.route()));
        assertThat(served)
                .as("a new endpoint needs an access rule in ApiAccessIT")
                .isSubsetOf(ruled);
        assertThat(ruled).as("rules for endpoints the server no longer has").isSubsetOf(served);
    }

    @Test
    void everyReadNeedsCredentialsACareRelationAndWritesOneEntry() throws Exception {
        var anna = session("anna");
        var eva = session("eva");
        var lena = session("lena");
        var mas = Alerting.Session.of(ingest.baseUrl(), "mas", "maria-secret-1");
        SoftAssertions soft = new SoftAssertions();
        for (Read read : reads()) {
            String what = read.route() + " (" + read.why() + ")";

            // (1) No credentials: 401, whatever the endpoint; a journal system's token is none outside /fhir/.
            HttpResponse<String> anonymous = anonymous("GET", read.path(), null);
            soft.assertThat(anonymous.statusCode())
                    .as(what + ": no credentials")
                    .isEqualTo(401);
            if (read.path().startsWith("/api/")) {
                soft.assertThat(journal("GET", read.path(), null).statusCode())
                        .as(what + ": a journal's token")
                        .isEqualTo(401);
            }

            if (read.eva() == Refusal.STREAM) {
                streamSendsEachOnlyTheirOwn(soft, what, anna, eva);
            } else {
                theReaderGetsItAndOneEntry(
                        soft,
                        what,
                        read,
                        switch (read.reader()) {
                            case NURSE -> anna;
                            case MAS -> mas;
                            case OPERATOR -> null;
                            case RELATIVE -> lena;
                            case HOME_CARE -> session("hanna");
                        });
                theOtherNurseGetsNothingOfGreta(soft, what, read, eva);
            }

            // (4) A signed-in relative: 403 on every staff endpoint; on her own, the staff get 403.
            if (read.reader() == Reader.RELATIVE || read.reader() == Reader.HOME_CARE) {
                soft.assertThat(anna.get(read.path()).statusCode())
                        .as(what + ": the nurse")
                        .isEqualTo(403);
            } else {
                HttpResponse<String> relative = lena.get(read.path());
                soft.assertThat(relative.statusCode())
                        .as(what + ": the relative")
                        .isEqualTo(FOR_RELATIVES_TOO.contains(read.route()) ? 200 : 403);
                soft.assertThat(relative.body()).as(what + ": the relative").doesNotContain("Greta");
            }
        }
        soft.assertAll();
    }

    @Test
    void noStateChangesWithoutCredentialsOrTheCsrfTokenAndNoneByARelative() throws Exception {
        var anna = session("anna");
        var lena = session("lena");
        SoftAssertions soft = new SoftAssertions();
        for (Change change : changes()) {
            String method = change.route().substring(0, change.route().indexOf(' '));
            List<String> state = fingerprint(change.tables());

            HttpResponse<String> anonymous = anonymous(method, change.path(), change.body());
            soft.assertThat(anonymous.statusCode())
                    .as(change.route() + ": no credentials")
                    .isEqualTo(401);
            if (!BY_JOURNALS.contains(change.route())) {
                soft.assertThat(journal(method, change.path(), change.body()).statusCode())
                        .as(change.route() + ": a journal's token")
                        .isEqualTo(401);
            }

            // A page of another site can send the cookie but cannot read the token.
            HttpResponse<String> forged = send(anna, method, change.path(), change.body(), false);
            soft.assertThat(forged.statusCode())
                    .as(change.route() + ": no CSRF token")
                    .isEqualTo(403);
            soft.assertThat(forged.body())
                    .as(change.route() + ": refused for the token")
                    .contains("CSRF");

            if (!FOR_RELATIVES_TOO.contains(change.route())) {
                HttpResponse<String> relative = send(lena, method, change.path(), change.body(), true);
                soft.assertThat(relative.statusCode())
                        .as(change.route() + ": the relative")
                        .isEqualTo(403);
            }

            soft.assertThat(fingerprint(change.tables()))
                    .as(change.route() + ": nothing changed")
                    .isEqualTo(state);
        }
        soft.assertAll();
        // The refused sign-out did not end Anna's session.
        assertThat(anna.get("/api/me").statusCode()).isEqualTo(200);
    }

    /**
     * Home-care staff see what is theirs and nothing clinical: every other read (readings, trends, alerts, care plans,
     * FHIR) is 403 and writes no entry; every change but their own is 403 and changes nothing; a patient their team
     * does not serve is 404 like no patient, the attempt logged, nothing stored.
     */
    @Test
    void homeCareStaffAreRefusedEverythingButTheirOwn() throws Exception {
        var hanna = session("hanna");
        var stina = session("stina");
        SoftAssertions soft = new SoftAssertions();
        for (Read read : reads()) {
            if (read.reader() == Reader.HOME_CARE || FOR_HOME_CARE_TOO.contains(read.route())) {
                continue;
            }
            long before = Alerting.lastAccessLogId(ingest);
            HttpResponse<String> refused = hanna.get(read.path());
            soft.assertThat(refused.statusCode())
                    .as(read.route() + ": home-care staff")
                    .isEqualTo(403);
            soft.assertThat(refused.body()).as(read.route()).contains("inte för hemtjänsten");
            soft.assertThat(Alerting.accessLogAfter(ingest, before))
                    .as(read.route() + ": no entry")
                    .isEmpty();
        }
        for (Change change : changes()) {
            if (change.route().startsWith("POST /api/homecare/") || FOR_HOME_CARE_TOO.contains(change.route())) {
                continue;
            }
            String method = change.route().substring(0, change.route().indexOf(' '));
            List<String> state = fingerprint(change.tables());
            soft.assertThat(send(hanna, method, change.path(), change.body(), true)
                            .statusCode())
                    .as(change.route() + ": home-care staff")
                    .isEqualTo(403);
            soft.assertThat(fingerprint(change.tables()))
                    .as(change.route() + ": nothing changed")
                    .isEqualTo(state);
        }
        // Stina's team serves Erik, not Greta: Greta does not exist for her, and she cannot report about her.
        List<String> reports = fingerprint(List.of("home_care_report", "alert", "delegation_done"));
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> read = stina.get("/api/homecare/patients/" + GRETA + "/reports");
        HttpResponse<String> report = send(
                stina,
                "POST",
                "/api/homecare/patients/" + GRETA + "/reports",
                new JsonObject().put("symptoms", new JsonArray().add("29857009")),
                true);
        HttpResponse<String> done =
                send(stina, "POST", "/api/homecare/tasks/" + delegation + "/done", new JsonObject(), true);
        soft.assertThat(List.of(read.statusCode(), report.statusCode(), done.statusCode()))
                .as("another team's staff")
                .containsExactly(404, 404, 404);
        soft.assertThat(read.body() + report.body() + done.body()).doesNotContain("Greta");
        soft.assertThat(fingerprint(List.of("home_care_report", "alert", "delegation_done")))
                .as("nothing stored")
                .isEqualTo(reports);
        soft.assertThat(Alerting.accessLogAfter(ingest, before))
                .as("each refusal logged, naming Stina")
                .extracting(e -> e.subList(1, 3))
                .containsExactly(
                        List.of("person:stina", "homecare.refused"),
                        List.of("person:stina", "homecare.refused"),
                        List.of("person:stina", "homecare.refused"));
        HttpResponse<String> own = stina.get("/api/homecare/patients");
        soft.assertThat(own.statusCode()).isEqualTo(200);
        soft.assertThat(own.body()).contains("Erik Ek").doesNotContain("Greta");
        soft.assertAll();
    }

    @Test
    void recordingAConsentAnswersTheRelativesRecordAndIsLoggedLikeReadingIt() throws Exception {
        // Giving Lena the VIEW consent she has changes nothing, yet answers her contact details and consents: without
        // an entry it would be a way to read GET .../relatives unlogged.
        var anna = session("anna");
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> answer = anna.post(
                "/api/patients/" + GRETA + "/relatives/" + lenaId + "/consents",
                new JsonObject().put("scope", "VIEW").put("given", true),
                true);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("Lena Holm", "lena@example.test");
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .isEqualTo(List.of("person:anna", "relatives.consent", List.of(GRETA))));
    }

    /** (2) The one who may read it: 200 and exactly one entry naming the reader and the patients in the answer. */
    private static void theReaderGetsItAndOneEntry(SoftAssertions soft, String what, Read read, Alerting.Session reader)
            throws Exception {
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> response = reader == null ? operator(read.path()) : reader.get(read.path());
        soft.assertThat(response.statusCode())
                .as(what + ": the " + read.reader() + " " + response.body())
                .isEqualTo(200);
        List<List<Object>> entries = Alerting.accessLogAfter(ingest, before);
        if (read.logs() == null) {
            soft.assertThat(entries).as(what + ": no patient data, no entry").isEmpty();
            return;
        }
        soft.assertThat(entries).as(what + ": one entry").hasSize(1);
        if (entries.size() == 1) {
            soft.assertThat(entries.get(0).get(1)).as(what + ": who").isEqualTo(actor(read.reader()));
            soft.assertThat(new TreeSet<>(patients(entries.get(0))))
                    .as(what + ": which patients")
                    .isEqualTo(new TreeSet<>(read.logs()));
        }
    }

    /** (3) The nurse of the other municipality: nothing of Greta, not even her name. */
    private static void theOtherNurseGetsNothingOfGreta(
            SoftAssertions soft, String what, Read read, Alerting.Session eva) throws Exception {
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> refused = eva.get(read.path());
        soft.assertThat(refused.body()).as(what + ": Eva sees no name").doesNotContain("Greta");
        List<List<Object>> entries = Alerting.accessLogAfter(ingest, before);
        switch (read.eva()) {
            case NOT_FOUND, FORBIDDEN, NO_PATIENT_DATA -> {
                soft.assertThat(refused.statusCode())
                        .as(what + ": Eva")
                        .isEqualTo(read.eva() == Refusal.NOT_FOUND ? 404 : read.eva() == Refusal.FORBIDDEN ? 403 : 200);
                soft.assertThat(entries).as(what + ": Eva's entries").isEmpty();
            }
            case NOT_FOUND_LOGGED, OWN_ONLY -> {
                soft.assertThat(refused.statusCode())
                        .as(what + ": Eva")
                        .isEqualTo(read.eva() == Refusal.NOT_FOUND_LOGGED ? 404 : 200);
                soft.assertThat(entries).as(what + ": Eva's one entry").hasSize(1);
                if (entries.size() == 1) {
                    soft.assertThat(entries.get(0).get(1))
                            .as(what + ": names Eva")
                            .isEqualTo("person:eva");
                }
                if (read.eva() == Refusal.OWN_ONLY && entries.size() == 1) {
                    soft.assertThat(patients(entries.get(0)))
                            .as(what + ": Eva read her own only")
                            .doesNotContain(GRETA);
                }
                if (read.eva() == Refusal.OWN_ONLY && !read.path().contains(GRETA)) {
                    // (A FHIR bundle's self link repeats the query she sent; that is no leak.)
                    soft.assertThat(refused.body()).as(what + ": Eva's answer").doesNotContain(GRETA);
                }
            }
            default -> throw new IllegalStateException(read.eva().name());
        }
    }

    /**
     * (2) and (3) for the live stream, which stays open: connecting reads nothing; then Greta's new alert reaches
     * Anna alone, Erik's reaches Eva alone, and each alert sent is one entry naming its reader and its patient. A
     * stream sends in arrival order, so once Eva has Erik's alert, Greta's (published first) was weighed and withheld.
     */
    private static void streamSendsEachOnlyTheirOwn(
            SoftAssertions soft, String what, Alerting.Session anna, Alerting.Session eva) throws Exception {
        String url = ingest.baseUrl() + "/api/alerts/stream";
        long before = Alerting.lastAccessLogId(ingest);
        try (EventStream annas = EventStream.withCookie(url, anna.cookie(), "alert");
                EventStream evas = EventStream.withCookie(url, eva.cookie(), "alert")) {
            await().atMost(DEADLINE).until(() -> annas.connected() && evas.connected());
            soft.assertThat(Alerting.accessLogAfter(ingest, before))
                    .as(what + ": connecting")
                    .isEmpty();
            Alerting.publish(
                    hub,
                    HUB,
                    UUID.randomUUID().toString(),
                    Alerting.alert(101, Severity.WARNING, null, null, clock.instant()));
            await().atMost(DEADLINE).until(() -> annas.events().size() == 1);
            // Greta's alert went to both streams before Erik's exists: Eva's stream weighs it first.
            Alerting.publish(
                    erikHub, ERIK_HUB, UUID.randomUUID().toString(), Alerting.alert(ERIK, 102, clock.instant()));
            await().atMost(DEADLINE).until(() -> evas.events().size() == 1);
            soft.assertThat(annas.events().get(0)).as(what + ": Anna").contains("Greta Holm");
            soft.assertThat(evas.events().get(0))
                    .as(what + ": Eva")
                    .contains("Erik Ek")
                    .doesNotContain("Greta");
            await().atMost(DEADLINE)
                    .until(() -> Alerting.accessLogAfter(ingest, before).size() >= 2);
            soft.assertThat(Alerting.accessLogAfter(ingest, before))
                    .as(what + ": one entry per alert sent")
                    .extracting(e -> e.subList(1, 4))
                    .containsExactlyInAnyOrder(
                            List.of("person:anna", "alerts.stream", List.of(GRETA)),
                            List.of("person:eva", "alerts.stream", List.of(ERIK)));
        }
    }

    private static Alerting.Session session(String user) throws Exception {
        return Alerting.Session.of(ingest.baseUrl(), user, user + "-secret-1");
    }

    private static String actor(Reader reader) {
        return switch (reader) {
            case NURSE -> "person:anna";
            case MAS -> "person:mas";
            case OPERATOR -> "operator";
            case RELATIVE -> "relative:" + lenaId;
            case HOME_CARE -> "person:hanna";
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> patients(List<Object> entry) {
        return (List<String>) (List<?>) entry.get(3);
    }

    private static HttpResponse<String> send(
            Alerting.Session who, String method, String path, JsonObject body, boolean withCsrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("Cookie", who.cookie())
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
        if (withCsrf) {
            request.header("X-CSRF-Token", who.csrf());
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> anonymous(String method, String path, JsonObject body) throws Exception {
        return HttpClient.newHttpClient()
                .send(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> journal(String method, String path, JsonObject body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        request(method, path, body)
                                .header("Authorization", "Bearer " + journalToken)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String method, String path, JsonObject body) {
        return HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> operator(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Each table's whole content, hashed: equal before and after means the request changed nothing there. */
    private static List<String> fingerprint(List<String> tables) throws Exception {
        List<String> hashes = new ArrayList<>();
        for (String table : tables) {
            hashes.add(table + "="
                    + Alerting.rows(
                                    ingest,
                                    "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY " + "t::text), '')) FROM "
                                            + table + " t")
                            .get(0)
                            .get(0));
        }
        return hashes;
    }

    private static String firstEntryId(HttpResponse<String> bundle) {
        assertThat(bundle.statusCode()).as(bundle.body()).isEqualTo(200);
        JsonArray entry = new JsonObject(bundle.body()).getJsonArray("entry");
        assertThat(entry).as(bundle.body()).isNotEmpty();
        return entry.getJsonObject(0).getJsonObject("resource").getString("id");
    }
}
