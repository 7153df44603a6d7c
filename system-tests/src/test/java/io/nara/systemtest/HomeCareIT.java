package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * Home-care staff (hemtjänst) against a real ingest node, PostgreSQL and InfluxDB, in headless Chromium where a person
 * uses it: Hanna signs in on her phone, sees only the patient her team serves, reports what she sees; each symptom is
 * an observation judged by the patient's care plan into an alert routed to the nurse on duty, naming Hanna; her page
 * shows "sedd" once a nurse acknowledged it. The nurse delegates a task on the patient page, Hanna marks it done, the
 * nurse sees it done and revokes it, and Hanna no longer sees it. A chest-pain report reaches the on-call nurse's live
 * stream as URGENT and escalates to the region's doctor when nobody acknowledges it.
 */
class HomeCareIT {

    private static final String HUB = "hub-it-homecare-1";
    private static final String GRETA = Alerting.PATIENT;
    private static final String ERIK = Alerting.OTHER_PATIENT;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String DYSPNOEA = "267036007";
    private static final String FALL = "161898004";
    private static final String CHEST_PAIN = "29857009";
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private Browser hanna;
    private Browser anna;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.homeCareOrganisation());
        Services.awaitHealthy(ingest);
        // Greta's plan is the heart-failure template, with its symptom rules (chest pain URGENT, breathless WARNING).
        ingest.service()
                .carePlans()
                .save(HUB, CarePlanTemplate.heartFailure(new MessageCodec(), GRETA), "david", "monitoring starts")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        var nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> address =
                nurse.post("/api/patients/" + GRETA + "/contact", new JsonObject().put("address", "Storgatan 1"), true);
        assertThat(address.statusCode()).as(address.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @AfterEach
    void closeBrowsers() throws Exception {
        Services.closeAll(hanna, anna);
    }

    @Test
    void staffReportWhatTheySeeOnTheirPhoneAndSeeWhenANurseHasSeenIt() throws Exception {
        hanna = Browser.start("homecare-report");
        hanna.phone();
        hanna.signIn(ingest.baseUrl(), "hanna", "hanna-secret-1");
        hanna.await(
                "her phone page after sign-in",
                d -> d.getCurrentUrl().endsWith("/homecare.html")
                        && hanna.find("#list").isDisplayed());
        hanna.await("her team's patient", d -> hanna.findAll("[data-patient]").size() == 1);
        assertThat(hanna.find("#patients").getText())
                .contains("Greta Holm", "Storgatan 1")
                .doesNotContain("Erik");
        // Nothing of the staff's pages: no inbox link, and the inbox itself sends her back.
        assertThat(hanna.findAll("nav.nara a")).isEmpty();

        hanna.find("[data-patient='" + GRETA + "']").click();
        hanna.await("Greta's page", d -> hanna.find("#one").isDisplayed());
        hanna.find("#symptoms [data-code='" + DYSPNOEA + "']").click();
        hanna.find("#symptoms [data-code='" + FALL + "']").click();
        hanna.find("#send").click();
        // (Other tests may have reported about Greta too: these two are looked up by their codes.)
        String breathless = "#reports li[data-code='" + DYSPNOEA + "']";
        String fallen = "#reports li[data-code='" + FALL + "']";
        hanna.await(
                "both reports listed as sent",
                d -> hanna.findAll(breathless + " .state.sent").size() == 1
                        && hanna.findAll(fallen + " .state.sent").size() == 1);
        assertThat(hanna.find(breathless).getText()).contains("Mer andfådd", "Skickad, inte sedd än");
        assertThat(hanna.find(fallen).getText()).contains("Har fallit");
        hanna.screenshot("reported");

        // Two alerts by the plan's rules, each naming Hanna, with the nurses of Greta's first team.
        List<List<Object>> alerts = Alerting.rows(
                ingest,
                "SELECT a.rule_id, a.severity, s.team_id, a.message FROM alert a JOIN alert_state s ON s.alert_id = a.id"
                        + " WHERE a.patient_id = '" + GRETA + "' AND a.rule_id IN ('symptom-dyspnoea', 'symptom-fall')"
                        + " ORDER BY a.rule_id");
        assertThat(alerts)
                .extracting(r -> r.subList(0, 3))
                .containsExactly(
                        List.of("symptom-dyspnoea", "WARNING", "home-nursing-north"),
                        List.of("symptom-fall", "WARNING", "home-nursing-north"));
        assertThat(alerts)
                .allSatisfy(r -> assertThat((String) r.get(3)).contains("Rapporterat av hemtjänst: Hanna Lind"));
        // Stored like any reading: the journal's FHIR shows the observation, its device naming the source.
        var nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        await().atMost(DEADLINE)
                .until(() ->
                        nurse.get("/fhir/Observation?patient=" + GRETA).body().contains(DYSPNOEA));

        for (List<Object> id : Alerting.rows(
                ingest,
                "SELECT id FROM alert WHERE patient_id = '" + GRETA
                        + "' AND rule_id IN ('symptom-dyspnoea', 'symptom-fall')")) {
            HttpResponse<String> ack = nurse.post("/api/alerts/" + id.get(0) + "/acknowledge", new JsonObject(), true);
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        }
        hanna.open(ingest.baseUrl() + "/homecare.html?patient=" + GRETA);
        hanna.await(
                "both seen by a nurse",
                d -> hanna.findAll(breathless + " .state.seen").size() == 1
                        && hanna.findAll(fallen + " .state.seen").size() == 1);
        assertThat(hanna.find(breathless).getText()).contains("Sedd av sjuksköterska");
        hanna.screenshot("seen");

        // The staff's pages send her to her own; their API refuses her.
        hanna.open(ingest.baseUrl() + "/patient.html?id=" + GRETA);
        hanna.await("sent back to her page", d -> d.getCurrentUrl().endsWith("/homecare.html"));
    }

    @Test
    void theNurseDelegatesATaskStaffMarkItDoneAndTheNurseRevokesIt() throws Exception {
        anna = Browser.start("homecare-delegate");
        anna.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        anna.open(ingest.baseUrl() + "/patient.html?id=" + GRETA);
        anna.await("the delegation form", d -> anna.find("#delegation-new").isDisplayed());
        anna.find("#delegation-new summary").click();
        anna.find("#delegation-task").sendKeys("Väg patienten tisdag och torsdag");
        anna.script("document.getElementById('delegation-to').value = 'person:hanna';");
        // The weighing is the scale's body weight, offered by name.
        new Select(anna.find("#delegation-code")).selectByVisibleText("Kroppsvikt");
        anna.find("#delegation-days input[value='2']").click();
        anna.find("#delegation-days input[value='4']").click();
        // Longer than a year: refused by name, nothing delegated.
        anna.script("document.getElementById('delegation-from').value = '2026-11-24';"
                + "document.getElementById('delegation-until').value = '2028-01-01';");
        anna.find("#delegation-save").click();
        anna.await(
                "refused for its length",
                d -> anna.find("#delegation-problem").getText().contains("högst ett år"));
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM delegation WHERE patient_id = '" + GRETA + "'"))
                .containsExactly(List.of(0L));
        anna.script("document.getElementById('delegation-until').value = '2026-12-24';");
        anna.find("#delegation-save").click();
        anna.await("the task listed", d -> anna.findAll("#delegation-rows tr").size() == 1);
        assertThat(anna.find("#delegation-rows").getText())
                .contains("Hanna Lind", "Inte utförd", "Anna Sjöberg", "Mätning: Kroppsvikt");
        assertThat(Alerting.rows(ingest, "SELECT code FROM delegation WHERE patient_id = '" + GRETA + "'"))
                .containsExactly(List.of(Vocabulary.BODY_WEIGHT.code()));

        hanna = Browser.start("homecare-task");
        hanna.phone();
        hanna.signIn(ingest.baseUrl(), "hanna", "hanna-secret-1");
        hanna.open(ingest.baseUrl() + "/homecare.html?patient=" + GRETA);
        hanna.await("today's task", d -> hanna.find("#tasks").getText().contains("Väg patienten tisdag och torsdag"));
        assertThat(hanna.find("#tasks .measurement").getText()).isEqualTo("Mätning: Kroppsvikt");
        hanna.find("#tasks .mark-done").click();
        hanna.await("marked done", d -> hanna.find("#tasks .done").getText().contains("Gjord"));
        hanna.screenshot("task-done");

        anna.open(ingest.baseUrl() + "/patient.html?id=" + GRETA);
        anna.await(
                "done today",
                d -> anna.find("#delegation-rows td.done").getText().contains("Gjord i dag"));
        anna.find("#delegation-rows .revoke").click();
        anna.await(
                "revoked", d -> anna.find("#delegation-rows td.state").getText().contains("Återkallad"));

        hanna.open(ingest.baseUrl() + "/homecare.html?patient=" + GRETA);
        hanna.await("no task any more", d -> hanna.find("#no-tasks").isDisplayed());
        assertThat(hanna.findAll("#tasks li")).isEmpty();
    }

    @Test
    void aChestPainReportReachesTheNurseOnDutyAsUrgentAndEscalatesWhenNobodyAcknowledges() throws Exception {
        clock.set(Alerting.TUESDAY_NOON);
        var nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var staff = Alerting.Session.of(ingest.baseUrl(), "hanna", "hanna-secret-1");
        try (EventStream stream =
                EventStream.withCookie(ingest.baseUrl() + "/api/alerts/stream", nurse.cookie(), "alert")) {
            await().atMost(DEADLINE).until(stream::connected);
            HttpResponse<String> sent = staff.post(
                    "/api/homecare/patients/" + GRETA + "/reports",
                    new JsonObject().put("symptoms", new JsonArray().add(CHEST_PAIN)),
                    true);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
            await().atMost(DEADLINE)
                    .until(() -> stream.events().stream()
                            .anyMatch(e -> e.contains("Bröstsmärta") && e.contains("Hanna Lind")));
        }
        long id = ((Number) Alerting.rows(
                                ingest,
                                "SELECT id FROM alert WHERE rule_id = 'symptom-chest-pain' AND patient_id = '" + GRETA
                                        + "'")
                        .get(0)
                        .get(0))
                .longValue();
        assertThat(Alerting.rows(ingest, "SELECT severity, team_id, tier FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("URGENT", "home-nursing-north", 0));

        // Nobody acknowledges: after the rule's 15 minutes it goes to the region's on-call doctor.
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        ingest.service()
                .escalator()
                .escalateDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(ingest, "SELECT team_id, tier FROM alert_state WHERE alert_id = " + id)
                        .equals(List.of(List.of("region-oncall", 1))));
        assertThat(Alerting.rows(
                        ingest, "SELECT people FROM alert_event WHERE kind = 'escalated' AND alert_id = " + id))
                .containsExactly(List.of(List.of("david")));
    }

    @Test
    void ownWordsAlwaysReachTheNurseAndAPlanWithoutARuleStillTellsHer() throws Exception {
        clock.set(Alerting.TUESDAY_NOON.plus(Duration.ofHours(1)));
        var staff = Alerting.Session.of(ingest.baseUrl(), "hanna", "hanna-secret-1");
        HttpResponse<String> words = staff.post(
                "/api/homecare/patients/" + GRETA + "/reports",
                new JsonObject().put("text", "Hon är inte sig själv i dag"),
                true);
        assertThat(words.statusCode()).as(words.body()).isEqualTo(201);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT severity, message FROM alert WHERE rule_id = 'homecare-concern' AND patient_id = '"
                                + GRETA + "'"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.get(0)).isEqualTo("WARNING");
                    assertThat((String) r.get(1)).contains("Hon är inte sig själv i dag", "Hanna Lind");
                });

        // Erik has no care plan: Stina's report of breathlessness is judged by no rule, and still reaches his nurse.
        var stina = Alerting.Session.of(ingest.baseUrl(), "stina", "stina-secret-1");
        HttpResponse<String> erik = stina.post(
                "/api/homecare/patients/" + ERIK + "/reports",
                new JsonObject().put("symptoms", new JsonArray().add(DYSPNOEA)),
                true);
        assertThat(erik.statusCode()).as(erik.body()).isEqualTo(201);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT a.rule_id, a.severity, s.team_id FROM alert a JOIN alert_state s ON s.alert_id = a.id"
                                + " WHERE a.patient_id = '" + ERIK + "' AND a.code = '" + DYSPNOEA + "'"))
                .containsExactly(List.of("homecare-observation", "WARNING", "home-nursing-east"));

        // Bad input: an unknown code, nothing at all: refused by name, nothing stored.
        long before = ((Number) Alerting.rows(ingest, "SELECT count(*) FROM home_care_report")
                        .get(0)
                        .get(0))
                .longValue();
        HttpResponse<String> unknown = staff.post(
                "/api/homecare/patients/" + GRETA + "/reports",
                new JsonObject().put("symptoms", new JsonArray().add("12345")).put("text", "och detta"),
                true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("okänt symtom", "12345");
        HttpResponse<String> empty = staff.post("/api/homecare/patients/" + GRETA + "/reports", new JsonObject(), true);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("välj ett symtom");
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM home_care_report"))
                .containsExactly(List.of(before));
    }
}
