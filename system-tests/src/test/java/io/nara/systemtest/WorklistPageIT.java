package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The clinic's worklist in headless Chromium (issue 8). Five patients of Anna's team are set up so the ranking is
 * known: an open urgent alert, a weight gain of 2.5 kg in 3 days, the second day after a discharge the team entered,
 * four missed daily weights, and nothing at all; a sixth patient belongs to another team and must not appear. Then the
 * "only missed measurements" filter leaves one. Every call writes one access-log entry naming exactly the patients
 * listed.
 */
class WorklistPageIT {

    private static final String HUB = "hub-it-worklist-1";
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    // Tuesday noon in Stockholm: Anna (home-nursing-north) is on duty.
    private static final MutableClock clock = new MutableClock(at(24, 12));

    private static final String GRETA = Alerting.PATIENT;
    private static final String KARL = "patient-wl-karl";
    private static final String SVEN = "patient-wl-sven";
    private static final String ELSA = "patient-wl-elsa";
    private static final String OLLE = "patient-wl-olle";
    private static final String NILS = "patient-wl-nils";

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser anna;

    private static Instant at(int novemberDay, int hour) {
        return LocalDateTime.of(2026, 11, novemberDay, hour, 0)
                .atZone(STOCKHOLM)
                .toInstant();
    }

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        Alerting.importOrganisation(
                ingest,
                new JsonObject()
                        .put(
                                "patients",
                                new JsonArray(List.of(
                                        patient(KARL, "Karl Berg", "home-nursing-north"),
                                        patient(SVEN, "Sven Dal", "home-nursing-north"),
                                        patient(ELSA, "Elsa Fors", "home-nursing-north"),
                                        patient(OLLE, "Olle Ek", "home-nursing-north"),
                                        patient(NILS, "Nils Syd", "home-nursing-south")))));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");

        // Greta: an open urgent alert.
        Alerting.publish(
                hub,
                HUB,
                UUID.randomUUID().toString(),
                Alerting.alert(1, Severity.URGENT, null, null, clock.instant().minusSeconds(60)));
        await().atMost(DEADLINE).until(() -> Alerting.alertId(ingest, HUB, 1) > 0 && ClinicData.heardFrom(ingest, HUB));
        // Karl: 80.0 kg on Saturday, 82.5 kg this morning.
        ClinicData.readings(
                ingest,
                HUB,
                KARL,
                "29463-7",
                "kg",
                new TreeMap<>(Map.of(at(21, 8), 80.0, at(22, 8), 81.0, at(24, 8), 82.5)));
        // Elsa: asked for a daily weight since October, weighed on 3 of the last 7 whole days.
        ClinicData.dailyPlan(ingest, HUB, ELSA, "29463-7", at(1, 0).minus(Duration.ofDays(31)));
        ClinicData.readings(
                ingest,
                HUB,
                ELSA,
                "29463-7",
                "kg",
                new TreeMap<>(Map.of(at(18, 8), 70.0, at(20, 8), 70.0, at(22, 8), 70.0)));
        // Sven: discharged yesterday, entered by Anna (a POST with her CSRF token).
        Alerting.Session session = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> stay = session.post(
                "/api/patients/" + SVEN + "/admissions",
                new JsonObject()
                        .put("admittedAt", at(15, 9).toString())
                        .put("dischargedAt", at(23, 10).toString())
                        .put("reason", "Hjärtsvikt, försämring / worsening heart failure"),
                true);
        assertThat(stay.statusCode()).as(stay.body()).isEqualTo(201);
        assertThat(session.post(
                                "/api/patients/" + SVEN + "/admissions",
                                new JsonObject()
                                        .put("admittedAt", at(15, 9).toString())
                                        .put("reason", "x"),
                                false)
                        .statusCode())
                .as("no CSRF token, no stay")
                .isEqualTo(403);
        HttpResponse<String> noRelation = session.post(
                "/api/patients/" + NILS + "/admissions",
                new JsonObject().put("admittedAt", at(15, 9).toString()).put("reason", "x"),
                true);
        assertThat(noRelation.statusCode()).as("another team's patient").isEqualTo(404);
        HttpResponse<String> bad = session.post(
                "/api/patients/" + SVEN + "/admissions",
                new JsonObject()
                        .put("admittedAt", at(15, 9).toString())
                        .put("dischargedAt", at(14, 9).toString())
                        .put("reason", "x"),
                true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("dischargedAt", "is not after admittedAt");
        HttpResponse<String> badFilter = session.get("/api/worklist?filter=overdue");
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(badFilter.body()).contains("unknown filter 'overdue'");
    }

    private static JsonObject patient(String id, String name, String team) {
        return new JsonObject()
                .put("id", id)
                .put("name", name)
                .put(
                        "careRelations",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("team", team)
                                        .put("from", "2020-01-01T00:00:00Z")
                                        .put("respondsFirst", true)));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(anna);
    }

    @Test
    void theWorklistRanksAnnasPatientsByWhatNeedsAttentionAndTheFilterNarrowsIt() throws Exception {
        anna = Browser.start("worklist-anna");
        anna.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");

        anna.open(ingest.baseUrl() + "/worklist.html");
        anna.await("the worklist", d -> anna.findAll("#worklist tr").size() == 5);
        assertThat(rowIds()).containsExactly(GRETA, KARL, SVEN, ELSA, OLLE);
        assertThat(scores()).containsExactly("100", "60", "40", "20", "0");
        assertThat(row(GRETA).getText()).contains("Greta Holm", "1 brådskande");
        assertThat(row(KARL).getText()).contains("Viktökning +2,5 kg på 3 dygn", "+2,5 kg / +2,5 kg");
        assertThat(row(SVEN).getText())
                .contains("Dag 2 av 30 efter utskrivning", "vårdplanen har ingen period efter utskrivning");
        assertThat(row(ELSA).getText()).contains("Missade mätningar: 4 av 7", "3 / 7");
        assertThat(row(OLLE).findElements(By.cssSelector("li"))).isEmpty();
        assertThat(anna.find("#worklist tr[data-patient-id='" + KARL + "'] a.patient")
                        .getAttribute("href"))
                .endsWith("/patient.html?id=" + KARL);
        anna.screenshot("1-ranked");
        assertThat(worklistLog()).containsExactly(List.of(GRETA, ELSA, KARL, OLLE, SVEN));

        anna.find("#f-missed").click();
        anna.await("only missed measurements", d -> rowIds().equals(List.of(ELSA)));
        assertThat(anna.driver().getCurrentUrl()).endsWith("/worklist.html?filter=missed");
        anna.screenshot("2-missed");
        assertThat(worklistLog()).containsExactly(List.of(GRETA, ELSA, KARL, OLLE, SVEN), List.of(ELSA));

        anna.find("#f-missed").click();
        anna.find("#f-open-alerts").click();
        anna.await("only open alerts", d -> rowIds().equals(List.of(GRETA)));

        anna.find("#lang-switch").click();
        anna.await("English", d -> row(GRETA).getText().contains("Open alerts: 1 urgent"));
    }

    private List<String> rowIds() {
        return anna.findAll("#worklist tr").stream()
                .map(tr -> tr.getAttribute("data-patient-id"))
                .toList();
    }

    private List<String> scores() {
        return anna.findAll("#worklist td.score").stream()
                .map(WebElement::getText)
                .toList();
    }

    private WebElement row(String patient) {
        return anna.find("#worklist tr[data-patient-id='" + patient + "']");
    }

    /** The patients named by each worklist access-log entry, oldest first. */
    private static List<Object> worklistLog() throws Exception {
        return Alerting.rows(
                        ingest,
                        "SELECT patient_ids FROM access_log WHERE action = 'worklist.list' "
                                + "AND actor = 'person:anna' ORDER BY id")
                .stream()
                .map(r -> r.get(0))
                .toList();
    }
}
