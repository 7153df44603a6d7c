package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Escalation actions with outcomes (decision 0050) in headless Chromium against a real ingest node, broker and
 * databases. Greta's hub raises an alert; Anna, her nurse, phones her and does not reach her, then visits her at home
 * and Greta stays at home: both actions and their outcomes stand in the alert's list and trail with Anna's name, the
 * resolve form lists them, and resolving still needs an outcome of its own. A direct admission bypassing the emergency
 * department, recorded twelve minutes after an October alert, appears on the evaluation page and in the CSV: one
 * action of that kind, 12 minutes to the first action, one emergency visit avoided. Around the page: a nurse of another
 * municipality without a care relation is refused like on any alert action, and so is the team that handed the alert
 * over; the receiving doctor sees what was done.
 */
class EscalationActionsIT {

    private static final String HUB = "hub-it-actions-1";
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final AtomicLong SEQ = new AtomicLong();

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisationWithNeighbour());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void aPhoneCallNotReachedThenAHomeVisitAtDesktopSize() throws Exception {
        browser = Browser.start("actions-desktop");
        phoneCallThenHomeVisit(false);
    }

    @Test
    void aPhoneCallNotReachedThenAHomeVisitOnAPhone() throws Exception {
        browser = Browser.start("actions-phone");
        browser.phone();
        phoneCallThenHomeVisit(true);
    }

    private void phoneCallThenHomeVisit(boolean phone) throws Exception {
        clock.set(Alerting.TUESDAY_NOON);
        long alertId = raise(Alerting.TUESDAY_NOON.minusSeconds(30));
        openAlert(alertId);
        assertThat(browser.find("#no-actions").getText()).isEqualTo("Inga åtgärder registrerade");

        takeAction("PHONE_CALL", "Ringde 12:05, inget svar");
        long call = actionId("PHONE_CALL");
        // Acting on an open alert takes it: it does not escalate past the nurse who is phoning.
        assertThat(Alerting.rows(ingest, "SELECT state, owner_id FROM alert_state WHERE alert_id = " + alertId))
                .containsExactly(List.of("ACKNOWLEDGED", "anna"));
        recordOutcome(call, "NOT_REACHED", null);
        takeAction("HOME_VISIT", null);
        long visit = actionId("HOME_VISIT");
        recordOutcome(visit, "STAYED_HOME", "Ödem oförändrat, vätskeintag genomgått");

        assertThat(browser.findAll("#action-list li")).hasSize(2);
        assertThat(text("#action-list li:nth-child(1)"))
                .contains("Telefonsamtal", "Anna Sjöberg", "Ringde 12:05", "Ej nådd");
        assertThat(text("#action-list li:nth-child(2)"))
                .contains("Hembesök", "Anna Sjöberg", "Kvar hemma", "Ödem oförändrat");
        assertThat(text("#action-list")).doesNotContain("person:anna");
        // The trail, in order, with names: both actions and both outcomes.
        String trail = text("#trail");
        assertThat(trail)
                .contains("åtgärd – Anna Sjöberg", "Telefonsamtal", "Telefonsamtal: Ej nådd", "Hembesök: Kvar hemma");
        assertThat(trail.indexOf("Telefonsamtal: Ej nådd")).isLessThan(trail.indexOf("Hembesök: Kvar hemma"));
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT kind, outcome, taken_by, outcome_by FROM alert_action WHERE alert_id = " + alertId
                                + " ORDER BY id"))
                .containsExactly(
                        List.of("PHONE_CALL", "NOT_REACHED", "anna", "anna"),
                        List.of("HOME_VISIT", "STAYED_HOME", "anna", "anna"));

        // Resolving: the form lists what was done and preselects nothing; the nurse chooses the alert's outcome.
        assertThat(text("#resolve-actions")).contains("Telefonsamtal (Ej nådd)", "Hembesök (Kvar hemma)");
        assertThat(browser.find("#resolve-outcome").getAttribute("value")).isEmpty();
        if (phone) {
            assertThat(((Number) browser.script(
                                    "return document.getElementById('alert-actions').getBoundingClientRect().right;"))
                            .doubleValue())
                    .as("the actions fit the phone's width")
                    .isLessThanOrEqualTo(390);
            int height = browser.await(
                    "the action button's height",
                    d -> d.findElement(By.cssSelector("#action-form button"))
                            .getSize()
                            .getHeight());
            assertThat(height).isGreaterThanOrEqualTo(44);
        }
        browser.script("document.getElementById('alert-actions').scrollIntoView();");
        browser.screenshot(phone ? "phone" : "desktop");
        submit("#resolve-form", f -> new Select(f.findElement(By.id("resolve-outcome"))).selectByValue("HOME_VISIT"));
        browser.await(
                "the alert resolved",
                d -> rows("SELECT state, outcome FROM alert_state WHERE alert_id = " + alertId)
                        .equals(List.of(List.of("RESOLVED", "HOME_VISIT"))));
        // Resolved, the actions stay in view, and no more can be recorded.
        browser.await(
                "the resolved alert's actions, read-only",
                d -> d.findElements(By.id("action-form")).isEmpty()
                        && d.findElements(By.cssSelector("#action-list li")).size() == 2);
    }

    @Test
    void aDirectAdmissionIsCountedOnTheEvaluationPage() throws Exception {
        Instant arrived =
                LocalDateTime.of(2026, 10, 20, 10, 0).atZone(STOCKHOLM).toInstant();
        clock.set(arrived);
        long alertId = raise(arrived.minusSeconds(45));
        browser = Browser.start("actions-evaluation");
        openAlert(alertId);
        clock.set(arrived.plus(Duration.ofMinutes(12)));
        takeAction("DIRECT_ADMISSION", "Kardiologen tar emot direkt");
        long admission = actionId("DIRECT_ADMISSION");
        clock.set(arrived.plus(Duration.ofMinutes(50)));
        recordOutcome(admission, "ADMITTED", "Avdelning 54");
        assertThat(text("#trail")).contains("Direktinläggning förbi akuten: Inlagd på avdelning");
        submit(
                "#resolve-form",
                f -> new Select(f.findElement(By.id("resolve-outcome"))).selectByValue("DIRECT_ADMISSION"));
        browser.await(
                "the alert resolved",
                d -> rows("SELECT state FROM alert_state WHERE alert_id = " + alertId)
                        .equals(List.of(List.of("RESOLVED"))));

        clock.set(LocalDateTime.of(2026, 11, 2, 9, 0).atZone(STOCKHOLM).toInstant());
        // Two weeks on, Anna signs in again and opens October's figures.
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/evaluation.html?from=2026-10&to=2026-10");
        String row = "#rows tr[data-team='home-nursing-north'][data-month='2026-10']";
        browser.await("October's figures", d -> !browser.findAll(row).isEmpty());
        assertThat(figure(row, "action_DIRECT_ADMISSION")).isEqualTo("1");
        assertThat(figure(row, "action_EMERGENCY_DEPARTMENT")).isEqualTo("0");
        assertThat(figure(row, "alertsWithAction")).isEqualTo("1");
        assertThat(figure(row, "firstActionMedianSeconds")).isEqualTo("720");
        assertThat(figure(row, "firstActionP90Seconds")).isEqualTo("720");
        assertThat(figure(row, "edVisitsAvoided")).isEqualTo("1");
        assertThat(browser.find(row + " td[data-figure='firstActionMedianSeconds']")
                        .getText())
                .isEqualTo("12 min");
        assertThat(browser.find("#actions-explained").getText()).contains("Undvikna akutbesök");
        assertThat(browser.findAll("#chart-actions rect[data-label='2026-10']")).hasSize(7);

        String csv = (String) ((JavascriptExecutor) browser.driver())
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));",
                        browser.find("#csv").getAttribute("href"));
        String[] lines = csv.split("\r?\n");
        List<String> header = Arrays.asList(lines[0].split(";", -1));
        List<String> values = Arrays.asList(lines[1].split(";", -1));
        assertThat(values.get(header.indexOf("action_direct_admission"))).isEqualTo("1");
        assertThat(values.get(header.indexOf("first_action_median_s"))).isEqualTo("720");
        assertThat(values.get(header.indexOf("ed_visits_avoided"))).isEqualTo("1");
        browser.screenshot("evaluation");
    }

    @Test
    void aPersonWhoMayNotActOnTheAlertIsRefusedAndNothingChanges() throws Exception {
        clock.set(Alerting.TUESDAY_NOON);
        long alertId = raise(Alerting.TUESDAY_NOON.minusSeconds(20));
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> call = anna.post(
                "/api/alerts/" + alertId + "/actions",
                new JsonObject().put("kind", "PHONE_CALL").put("note", "Råd om vätska"),
                true);
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        long callId = (Long) rows("SELECT id FROM alert_action WHERE alert_id = " + alertId)
                .get(0)
                .get(0);
        String before = snapshot(alertId);

        // Eva, of another municipality, has no care relation with Greta: as for any alert action, 404, nothing changes.
        Alerting.Session eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        HttpResponse<String> evasCall =
                eva.post("/api/alerts/" + alertId + "/actions", new JsonObject().put("kind", "HOME_VISIT"), true);
        assertThat(evasCall.statusCode()).isEqualTo(404);
        assertThat(evasCall.body()).contains("inget sådant larm").doesNotContain("Greta");
        HttpResponse<String> evasOutcome = eva.post(
                "/api/alerts/" + alertId + "/actions/" + callId + "/outcome",
                new JsonObject().put("outcome", "ADVICE_GIVEN"),
                true);
        assertThat(evasOutcome.statusCode()).isEqualTo(404);
        // Bad input is named, and changes nothing either.
        assertThat(anna.post("/api/alerts/" + alertId + "/actions", new JsonObject().put("kind", "PRAYER"), true)
                        .body())
                .contains("okänd åtgärd", "PRAYER");
        assertThat(anna.post("/api/alerts/" + alertId + "/actions", new JsonObject(), true)
                        .body())
                .contains("välj en åtgärd", "choose an action");
        HttpResponse<String> unfit = anna.post(
                "/api/alerts/" + alertId + "/actions/" + callId + "/outcome",
                new JsonObject().put("outcome", "ADMITTED"),
                true);
        assertThat(unfit.statusCode()).isEqualTo(400);
        assertThat(unfit.body()).contains("passar inte åtgärden", "ADMITTED", "PHONE_CALL");
        assertThat(anna.post(
                                "/api/alerts/" + alertId + "/actions/999999/outcome",
                                new JsonObject().put("outcome", "REACHED"),
                                true)
                        .statusCode())
                .isEqualTo(404);
        assertThat(snapshot(alertId)).isEqualTo(before);

        // Handed over to the region: the sending team sees it read-only, the doctor sees what was done and goes on.
        HttpResponse<String> handover = anna.post(
                "/api/alerts/" + alertId + "/handover",
                new JsonObject().put("team", "region-oncall").put("note", "Vill att läkaren bedömer"),
                true);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
        HttpResponse<String> annaAfter = anna.post(
                "/api/alerts/" + alertId + "/actions/" + callId + "/outcome",
                new JsonObject().put("outcome", "ADVICE_GIVEN"),
                true);
        assertThat(annaAfter.statusCode()).isEqualTo(409);
        assertThat(annaAfter.body()).contains("överlämnat till Jourläkare");
        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        JsonArray seen = new JsonObject(david.get("/api/alerts/" + alertId).body()).getJsonArray("actions");
        assertThat(seen).hasSize(1);
        assertThat(seen.getJsonObject(0).getString("kind")).isEqualTo("PHONE_CALL");
        assertThat(seen.getJsonObject(0).getString("takenByName")).isEqualTo("Anna Sjöberg");
        assertThat(seen.getJsonObject(0).getString("note")).isEqualTo("Råd om vätska");
        HttpResponse<String> doctor = david.post(
                "/api/alerts/" + alertId + "/actions", new JsonObject().put("kind", "DOCTOR_CONTACTED"), true);
        assertThat(doctor.statusCode()).as(doctor.body()).isEqualTo(200);
        assertThat(rows("SELECT kind, taken_by, team_id FROM alert_action WHERE alert_id = " + alertId
                        + " ORDER BY id"))
                .containsExactly(
                        List.of("PHONE_CALL", "anna", "home-nursing-north"),
                        List.of("DOCTOR_CONTACTED", "david", "region-oncall"));

        // Once resolved, no action is taken on it any more.
        assertThat(david.post(
                                "/api/alerts/" + alertId + "/resolve",
                                new JsonObject().put("outcome", "DOCTOR_CONTACTED"),
                                true)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> late =
                david.post("/api/alerts/" + alertId + "/actions", new JsonObject().put("kind", "PHONE_CALL"), true);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("redan avslutat");
    }

    /** The hub raises a WARNING it measured at {@code raisedAt}; the alert's id once the cloud stored it. */
    private static long raise(Instant raisedAt) throws Exception {
        long seq = SEQ.incrementAndGet();
        Alerting.publish(
                hub, HUB, UUID.randomUUID().toString(), Alerting.alert(seq, Severity.WARNING, null, null, raisedAt));
        return Awaitility.await()
                .atMost(Services.DEADLINE)
                .until(() -> Alerting.alertId(ingest, HUB, seq), id -> id > 0);
    }

    /** Anna signs in and opens the alert from her inbox. */
    private void openAlert(long alertId) {
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        String row = "tr[data-alert-id='" + alertId + "']";
        browser.await(
                "the alert in Anna's inbox",
                d -> !d.findElements(By.cssSelector(row)).isEmpty());
        browser.find(row + " td:nth-child(3)").click();
        browser.await(
                "the alert's actions",
                d -> !d.findElements(By.id("action-form")).isEmpty());
    }

    private void takeAction(String kind, String note) {
        int before = browser.findAll("#action-list li").size();
        submit("#action-form", f -> {
            new Select(f.findElement(By.id("action-kind"))).selectByValue(kind);
            if (note != null) {
                f.findElement(By.id("action-note")).sendKeys(note);
            }
        });
        browser.await(
                kind + " in the alert's actions",
                d -> d.findElements(By.cssSelector("#action-list li")).size() == before + 1
                        && !d.findElements(By.cssSelector("#action-list li[data-kind='" + kind + "']"))
                                .isEmpty());
    }

    private long actionId(String kind) {
        return browser.await("the id of the " + kind, d -> {
            List<WebElement> items = d.findElements(By.cssSelector("#action-list li[data-kind='" + kind + "']"));
            return Long.parseLong(items.get(items.size() - 1).getAttribute("data-action-id"));
        });
    }

    private void recordOutcome(long actionId, String outcome, String note) {
        submit("form.action-outcome-form[data-action-id='" + actionId + "']", f -> {
            new Select(f.findElement(By.id("action-outcome-" + actionId))).selectByValue(outcome);
            if (note != null) {
                f.findElement(By.id("action-outcome-note-" + actionId)).sendKeys(note);
            }
        });
        browser.await(
                "the outcome of action " + actionId,
                d -> outcome.equals(d.findElement(By.cssSelector("#action-list li[data-action-id='" + actionId + "']"))
                        .getAttribute("data-outcome")));
    }

    /**
     * Fills a form and presses its button, all within one drawing of the form. The detail is drawn again on every live
     * update of the alert: a form drawn anew is empty, so one filled in the old drawing must not be sent from the new
     * one. Its elements are then stale, nothing was sent, and it is filled again.
     */
    private void submit(String form, Consumer<WebElement> fill) {
        for (int attempt = 0; ; attempt++) {
            try {
                WebElement f = browser.find(form);
                fill.accept(f);
                f.findElement(By.tagName("button")).click();
                return;
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** An element's text once the detail has settled (it is drawn again on every live update). */
    private String text(String css) {
        return browser.await(css, d -> d.findElement(By.cssSelector(css)).getText());
    }

    private String figure(String row, String name) {
        return browser.find(row + " td[data-figure='" + name + "']").getAttribute("data-value");
    }

    /** The alert's state, trail and actions as text, to show a refusal changed nothing. */
    private static String snapshot(long alertId) throws Exception {
        return rows("SELECT s::text FROM alert_state s WHERE alert_id = " + alertId) + " "
                + rows("SELECT e::text FROM alert_event e WHERE alert_id = " + alertId + " ORDER BY id") + " "
                + rows("SELECT x::text FROM alert_action x WHERE alert_id = " + alertId + " ORDER BY id");
    }

    private static List<List<Object>> rows(String sql) {
        try {
            return Alerting.rows(ingest, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
