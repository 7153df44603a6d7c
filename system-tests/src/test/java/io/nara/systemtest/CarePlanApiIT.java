package io.nara.systemtest;

import static io.nara.systemtest.Services.hubStatus;
import static io.nara.systemtest.Services.result;
import static io.nara.systemtest.Services.simulate;
import static io.nara.systemtest.Services.storedAlert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clinic's care-plan API: the patient's doctor edits the plan over HTTP and the hub judges its next reading by
 * the new version; a nurse may read but not edit, a nurse of another municipality does not even learn the patient
 * exists, an invalid plan is refused with every problem named, and an edit based on an old version is refused.
 */
class CarePlanApiIT {

    private static final String HUB = "hub-it-planapi-1";
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN_URL = "/api/patients/" + Services.PATIENT + "/careplan";

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Path hubData;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        hubData = dir;
        stack = DevStack.ensureUp();
        // The hub's patient is cared for by the northern district (nurse Anna) and the region (doctor David); Eva of
        // another municipality cares for someone else.
        ingest = Alerting.startIngest(
                stack,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                Alerting.withPatientLike(Alerting.organisationWithNeighbour(), Services.PATIENT, "Gustav Holm"));
        // Version 1 of the plan exists before any test runs, so that no test depends on another's having saved it.
        var plans = ingest.service().carePlans();
        result(plans.bindDevices(
                HUB, List.of(new DeviceBinding(Services.CUFF, "sim-cuff", Services.PATIENT)), "installer-it"));
        result(plans.save(
                HUB,
                new CarePlan(
                        Services.PATIENT,
                        "draft",
                        List.of(new ThresholdRule(
                                "systolic-low",
                                "8480-6",
                                90.0,
                                null,
                                Severity.URGENT,
                                "Systoliskt under 90 / Systolic below 90",
                                null,
                                null))),
                "doctor-it",
                "start of monitoring"));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @Test
    void theDoctorEditsThePlanOverHttpAndTheHubJudgesTheNextReadingByIt() throws Exception {
        // The only test that saves a version: the others read the plan or are refused.
        var plans = ingest.service().carePlans();
        try (Services.Hub hub = Services.startHub(stack, HUB, hubData, Services.homeConfig(1))) {
            long first = result(plans.config(HUB)).orElseThrow().version();
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == first);

            var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
            JsonNode current = json(david.get(PLAN_URL), 200);
            assertThat(current.get("version").asInt()).isEqualTo(1);
            assertThat(current.get("changedBy").asText()).isEqualTo("doctor-it");
            assertThat(current.at("/plan/rules/0/below").asDouble()).isEqualTo(90.0);

            // The doctor raises the limit to 110 starting from version 1.
            JsonObject plan = new JsonObject(JSON.writeValueAsString(current.get("plan")));
            plan.getJsonArray("rules")
                    .getJsonObject(0)
                    .put("below", 110.0)
                    .put("message", "Systoliskt under 110 / Systolic below 110");
            JsonNode saved = json(
                    david.put(
                            PLAN_URL,
                            new JsonObject()
                                    .put("basedOnVersion", 1)
                                    .put("plan", plan)
                                    .put("reason", "still symptomatic")),
                    200);
            assertThat(saved.get("version").asInt()).isEqualTo(2);

            long second = result(plans.config(HUB)).orElseThrow().version();
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == second);
            JsonNode alert = storedAlert(simulate(hub, "/api/simulate/cuff?systolic=105&diastolic=60&pulse=70"));
            assertThat(alert.get("carePlanVersion").asText()).isEqualTo("2");
            assertThat(alert.get("ruleId").asText()).isEqualTo("systolic-low");

            // History, newest first, with who changed it.
            JsonNode history = json(david.get(PLAN_URL + "/history"), 200);
            assertThat(history)
                    .extracting(v ->
                            v.get("version").asInt() + " " + v.get("changedBy").asText())
                    .containsExactly("2 " + "person:david", "1 doctor-it");
            assertThat(history.get(0).at("/plan/rules/0/below").asDouble()).isEqualTo(110.0);

            // Someone saved meanwhile: an edit still based on version 1 is refused, version 2 stays.
            HttpResponse<String> stale = david.put(
                    PLAN_URL,
                    new JsonObject()
                            .put("basedOnVersion", 1)
                            .put("plan", plan.copy().put("rules", new JsonArray()))
                            .put("reason", "an edit started before version 2"));
            assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
            assertThat(json(david.get(PLAN_URL), 200).get("version").asInt()).isEqualTo(2);
        }
    }

    @Test
    void anInvalidPlanIsRefusedWithEveryProblemNamed() throws Exception {
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        JsonObject plan = new JsonObject("""
                {"rules": [
                  {"id": "systolic-low", "code": "8480-6", "below": 90, "severity": "URGENT", "message": "låg / low"},
                  {"id": "hr-high", "code": "8867-4", "above": "fast", "severity": "WARNING", "message": "hög / high"},
                  {"id": "bp", "code": "8480-6", "below": 120, "above": 100, "severity": "URGENT"}],
                 "zone": "Mars/Olympus"}""");
        int current = json(david.get(PLAN_URL), 200).get("version").asInt();
        HttpResponse<String> r = david.put(
                PLAN_URL, new JsonObject().put("basedOnVersion", current).put("plan", plan));
        JsonNode body = json(r, 400);
        assertThat(body.get("problems"))
                .extracting(p -> p.get("field").asText())
                .as("the plan's problems and the missing reason, all at once")
                .containsExactlyInAnyOrder("rules[1].above", "rules[2].above", "rules[2].message", "zone", "reason");
        assertThat(body.get("problems"))
                .allSatisfy(p -> assertThat(p.get("message").asText()).isNotBlank());
    }

    @Test
    void aNurseMayReadButNotEditAndANurseOfAnotherMunicipalitySeesNoSuchPatient() throws Exception {
        JsonObject edit =
                new JsonObject().put("basedOnVersion", 0).put("plan", new JsonObject().put("rules", new JsonArray()));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.put(PLAN_URL, edit).statusCode()).isEqualTo(403);
        assertThat(anna.get(PLAN_URL + "/history").statusCode()).isEqualTo(200);

        // The plan exists (Anna reads it on this very URL), so Eva's 404 is the care relation's refusal, not "no plan".
        JsonNode annasPlan = json(anna.get(PLAN_URL), 200);
        assertThat(annasPlan.get("version").asInt()).isGreaterThanOrEqualTo(1);
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        assertThat(eva.get(PLAN_URL).statusCode()).isEqualTo(404);
        assertThat(eva.get(PLAN_URL + "/history").statusCode()).isEqualTo(404);
        assertThat(eva.put(PLAN_URL, edit).statusCode()).isEqualTo(404);
        // Anna's one read of the history is in the access log, once.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT count(*) FROM access_log WHERE actor = 'person:anna' AND action = "
                                + "'careplan.history'"))
                .containsExactly(List.of(1L));
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
