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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The evaluation page in headless Chromium (issue 8), with figures computed from alerts whose times the test knows.
 * On Tuesday 10 November 2026 Greta's hub raises four alerts that reach the cloud 60, 120, 30 and 10 s after the hub
 * raised them; Anna acknowledges the first three after 5, 15 and 25 minutes and resolves them as no action needed,
 * phone call and home visit; the fourth, urgent, is never acknowledged and escalates twice (the region's
 * doctor, the mobile team). The hub also raises an urgent alert for Gustav, whose care by the team
 * ended with October with no successor: it reaches nobody by routing and counts as the team's unroutable alert.
 * Greta weighed herself on 15 of November's
 * 30 days, and was discharged twice, the second stay starting within 30 days of the first discharge. On 2 December
 * Anna opens November's figures for her team: the page and the CSV download must show exactly these numbers.
 */
class EvaluationPageIT {

    private static final String HUB = "hub-it-evaluation-1";
    private static final String TEAM = "home-nursing-north";
    /** Cared for by the team until the end of October 2026 (Stockholm time), by nobody after. */
    private static final String FORMER_PATIENT = "patient-evaluation-former";

    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final MutableClock clock = new MutableClock(at(10, 10, 0));

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser anna;

    /** The figures of November for the team, as the page's table and the CSV must both show them. */
    private static final Map<String, String> NOVEMBER = new LinkedHashMap<>();

    private static Instant at(int novemberDay, int hour, int minute) {
        return LocalDateTime.of(2026, 11, novemberDay, hour, minute)
                .atZone(STOCKHOLM)
                .toInstant();
    }

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        JsonObject organisation = Alerting.organisation();
        organisation.getJsonArray("patients").add(formerPatient(null));
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), organisation);
        // Gustav lives with Greta; his care by the team ends once he is enrolled at home.
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT, FORMER_PATIENT));
        Alerting.importOrganisation(
                ingest, new JsonObject().put("patients", new JsonArray().add(formerPatient("2026-10-31T23:00:00Z"))));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        Alerting.Session session = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");

        long first = alert(1, Severity.WARNING, at(10, 10, 0), 60);
        Map<Instant, Double> weights = new TreeMap<>();
        for (int day = 1; day <= 15; day++) {
            weights.put(at(day, 8, 0), 80.0);
        }
        ClinicData.dailyPlan(
                ingest, HUB, Alerting.PATIENT, "29463-7", at(1, 0, 0).minus(Duration.ofDays(40)));
        ClinicData.readings(ingest, HUB, Alerting.PATIENT, "29463-7", "kg", weights);
        handle(session, first, at(10, 10, 5), "NO_ACTION_NEEDED");
        handle(session, alert(2, Severity.WARNING, at(10, 11, 0), 120), at(10, 11, 15), "PHONE_CALL");
        handle(session, alert(3, Severity.WARNING, at(10, 12, 0), 30), at(10, 12, 25), "HOME_VISIT");
        alert(4, Severity.URGENT, at(10, 13, 0), 10);
        clock.set(at(10, 13, 16));
        assertThat(ingest.service()
                        .escalator()
                        .escalateDue()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get())
                .as("the urgent alert escalated")
                .isEqualTo(1);
        Alerting.publish(hub, HUB, UUID.randomUUID().toString(), Alerting.alert(FORMER_PATIENT, 5, at(10, 13, 16)));
        await().atMost(DEADLINE).until(() -> Alerting.alertId(ingest, HUB, 5) > 0);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT kind FROM alert_event WHERE alert_id = " + Alerting.alertId(ingest, HUB, 5)
                                + " AND kind LIKE 'route%'"))
                .containsExactly(List.of("route.unroutable"));

        clock.set(LocalDateTime.of(2026, 12, 2, 9, 0).atZone(STOCKHOLM).toInstant());
        // Still unacknowledged three weeks later: on to the mobile team, and past the last tier.
        await().atMost(DEADLINE)
                .until(() -> ingest.service()
                                .escalator()
                                .escalateDue()
                                .toCompletionStage()
                                .toCompletableFuture()
                                .get()
                        == 0);
        Alerting.Session later = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        stay(later, at(1, 9, 0), at(5, 12, 0));
        stay(later, at(20, 9, 0), at(23, 12, 0));
    }

    /** Gustav as the organisation import names him, his care relation with the team ending {@code to} (or not). */
    private static JsonObject formerPatient(String to) {
        JsonObject relation = new JsonObject()
                .put("team", TEAM)
                .put("from", "2020-01-01T00:00:00Z")
                .put("respondsFirst", true);
        if (to != null) {
            relation.put("to", to);
        }
        return new JsonObject()
                .put("id", FORMER_PATIENT)
                .put("name", "Gustav Ek")
                .put("careRelations", new JsonArray().add(relation));
    }

    /** Publishes an alert the hub raised {@code delaySeconds} before the cloud (whose clock says {@code at}) got it. */
    private static long alert(long seq, Severity severity, Instant at, long delaySeconds) throws Exception {
        clock.set(at);
        Alerting.publish(
                hub,
                HUB,
                UUID.randomUUID().toString(),
                Alerting.alert(seq, severity, null, null, at.minusSeconds(delaySeconds)));
        await().atMost(DEADLINE)
                .until(() -> Alerting.alertId(ingest, HUB, seq) > 0 && ClinicData.heardFrom(ingest, HUB));
        return Alerting.alertId(ingest, HUB, seq);
    }

    private static void handle(Alerting.Session session, long alertId, Instant at, String outcome) throws Exception {
        clock.set(at);
        assertThat(session.post("/api/alerts/" + alertId + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> resolved =
                session.post("/api/alerts/" + alertId + "/resolve", new JsonObject().put("outcome", outcome), true);
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    }

    private static void stay(Alerting.Session session, Instant admitted, Instant discharged) throws Exception {
        HttpResponse<String> r = session.post(
                "/api/patients/" + Alerting.PATIENT + "/admissions",
                new JsonObject()
                        .put("admittedAt", admitted.toString())
                        .put("dischargedAt", discharged.toString())
                        .put("reason", "Hjärtsvikt / heart failure"),
                true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(anna);
    }

    static {
        NOVEMBER.put("patientMonths", "1");
        NOVEMBER.put("alerts", "4");
        NOVEMBER.put("alertsPerPatientMonth", "4");
        NOVEMBER.put("readingToAlertMedianSeconds", "30");
        NOVEMBER.put("readingToAlertP90Seconds", "120");
        NOVEMBER.put("acknowledged", "3");
        NOVEMBER.put("acknowledgeMedianSeconds", "900");
        NOVEMBER.put("acknowledgeP90Seconds", "1500");
        NOVEMBER.put("resolved", "3");
        NOVEMBER.put("shareNoAction", "0.333");
        NOVEMBER.put("escalations", "2");
        NOVEMBER.put("unstaffed", "0");
        NOVEMBER.put("unroutable", "1");
        NOVEMBER.put("adherence", "0.5");
        NOVEMBER.put("discharges", "2");
        NOVEMBER.put("readmissions30d", "1");
        NOVEMBER.put("readmissionRate", "0.5");
        NOVEMBER.put("outcome_NO_ACTION_NEEDED", "1");
        NOVEMBER.put("outcome_PHONE_CALL", "1");
        NOVEMBER.put("outcome_HOME_VISIT", "1");
        NOVEMBER.put("outcome_DOCTOR_CONTACTED", "0");
    }

    @Test
    void thePageAndTheCsvShowNovembersFiguresForAnnasTeam() throws Exception {
        anna = Browser.start("evaluation-anna");
        anna.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");

        anna.open(ingest.baseUrl() + "/evaluation.html?from=2026-11&to=2026-11");
        String row = "#rows tr[data-team='" + TEAM + "'][data-month='2026-11']";
        anna.await("November's figures", d -> !anna.findAll(row).isEmpty());
        assertThat(anna.findAll("#rows tr")).as("only Anna's own team").hasSize(1);
        NOVEMBER.forEach((figure, value) -> assertThat(
                        anna.find(row + " td[data-figure='" + figure + "']").getAttribute("data-value"))
                .as(figure)
                .isEqualTo(value));
        // As the nurse reads them: durations in minutes, shares in per cent, Swedish decimal commas.
        assertThat(text(row, "acknowledgeMedianSeconds")).isEqualTo("15 min");
        assertThat(text(row, "acknowledgeP90Seconds")).isEqualTo("25 min");
        assertThat(text(row, "readingToAlertMedianSeconds")).isEqualTo("30 s");
        assertThat(text(row, "readingToAlertP90Seconds")).isEqualTo("2 min");
        assertThat(text(row, "shareNoAction")).isEqualTo("33,3 %");
        assertThat(text(row, "adherence")).isEqualTo("50 %");

        // The charts: bars drawn in SVG from the same figures (acknowledgement in minutes).
        WebElement median = anna.find("#chart-ack rect[data-series='median']");
        assertThat(median.getAttribute("data-value")).isEqualTo("15");
        assertThat(anna.find("#chart-ack rect[data-series='p90']").getAttribute("data-value"))
                .isEqualTo("25");
        assertThat(anna.findAll("#chart-outcomes rect[data-label='2026-11']")).hasSize(7);
        anna.screenshot("november");

        String href = anna.find("#csv").getAttribute("href");
        assertThat(href).contains("/api/evaluation.csv?", "from=2026-11", "to=2026-11", "team=" + TEAM);
        String csv = (String) ((JavascriptExecutor) anna.driver())
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));",
                        href);
        String[] lines = csv.split("\r?\n");
        assertThat(lines).hasSize(2);
        List<String> header = Arrays.asList(lines[0].split(";", -1));
        List<String> values = Arrays.asList(lines[1].split(";", -1));
        assertThat(values.subList(0, 3)).containsExactly(TEAM, "Hemsjukvård Norr", "2026-11");
        Map<String, String> columns = Map.ofEntries(
                Map.entry("patientMonths", "patient_months"),
                Map.entry("alerts", "alerts"),
                Map.entry("alertsPerPatientMonth", "alerts_per_patient_month"),
                Map.entry("readingToAlertMedianSeconds", "reading_to_alert_median_s"),
                Map.entry("readingToAlertP90Seconds", "reading_to_alert_p90_s"),
                Map.entry("acknowledged", "acknowledged"),
                Map.entry("acknowledgeMedianSeconds", "acknowledge_median_s"),
                Map.entry("acknowledgeP90Seconds", "acknowledge_p90_s"),
                Map.entry("resolved", "resolved"),
                Map.entry("shareNoAction", "share_no_action"),
                Map.entry("escalations", "escalations"),
                Map.entry("unstaffed", "unstaffed"),
                Map.entry("unroutable", "unroutable"),
                Map.entry("adherence", "adherence"),
                Map.entry("discharges", "discharges"),
                Map.entry("readmissions30d", "readmissions_30d"),
                Map.entry("readmissionRate", "readmission_rate"),
                Map.entry("outcome_NO_ACTION_NEEDED", "outcome_no_action_needed"),
                Map.entry("outcome_PHONE_CALL", "outcome_phone_call"),
                Map.entry("outcome_HOME_VISIT", "outcome_home_visit"),
                Map.entry("outcome_DOCTOR_CONTACTED", "outcome_doctor_contacted"));
        NOVEMBER.forEach((figure, value) -> assertThat(values.get(header.indexOf(columns.get(figure))))
                .as("CSV " + columns.get(figure))
                .isEqualTo(value));

        // One access-log entry per call, naming the patients behind the figures.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT action, patient_ids FROM access_log WHERE actor = 'person:anna' "
                                + "AND action LIKE 'evaluation%' ORDER BY id"))
                .containsExactly(
                        List.of("evaluation.read", List.of(FORMER_PATIENT, Alerting.PATIENT)),
                        List.of("evaluation.csv", List.of(FORMER_PATIENT, Alerting.PATIENT)));
    }

    @Test
    void theOperatorSeesEveryTeamsFigures() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/evaluation?from=2026-11&to=2026-11"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray rows = new JsonArray(r.body());
        assertThat(rows.stream().map(o -> ((JsonObject) o).getString("teamId")).toList())
                .containsExactlyInAnyOrder(TEAM, "home-nursing-south", "region-oncall", "mobile-team");
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT count(*) FROM access_log WHERE actor = 'operator' " + "AND action = 'evaluation.read'"))
                .containsExactly(List.of(1L));
    }

    @Test
    void anotherTeamsFiguresAreRefused() throws Exception {
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> r = anna.get("/api/evaluation?from=2026-11&to=2026-11&team=region-oncall");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("not one of your teams: region-oncall");
        HttpResponse<String> bad = anna.get("/api/evaluation.csv?from=november");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("'from' must be a month like 2026-11");
    }

    private String text(String row, String figure) {
        return anna.find(row + " td[data-figure='" + figure + "']").getText();
    }
}
