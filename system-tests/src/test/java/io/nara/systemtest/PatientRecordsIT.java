package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What the patient's nurse records on the patient page, in headless Chromium against a real ingest node and
 * databases: hospital stays (a stay entered while it goes on, its discharge a week later, the readmission within 30
 * days marked, a wrong stay refused with the server's reason in Swedish) and the relatives' consent (Anna withdraws
 * Lena's consent to view and Lena's own API answers 404 at once; given again, 200; Lars, told of alerts by SMS, gets
 * nothing of the alert after his consent is withdrawn and a message of the one after it is given). A nurse of another
 * municipality gets 404 from both APIs, and every read is one access-log entry.
 */
class PatientRecordsIT {

    private static final String GRETA = Alerting.PATIENT;
    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    // Tuesday noon in Stockholm.
    private static final MutableClock clock =
            new MutableClock(LocalDateTime.of(2026, 11, 24, 12, 0).atZone(SE).toInstant());

    private static final String HUB = "hub-it-patient-records-1";

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        // Plain HTTP on loopback: the session cookie cannot be Secure here.
        // A webhook (the SMS gateway) that is not there: what counts here is what is queued for whom, in the alert's
        // transaction; one attempt, so nothing retries in the background.
        AlertingSettings settings = Alerting.plainHttp()
                .withWebhook(
                        URI.create("http://127.0.0.1:9/sms"),
                        "webhook-secret-for-tests-0123456789",
                        Duration.ofMillis(200),
                        1,
                        Duration.ofMillis(100),
                        Duration.ofMillis(100));
        ingest = Alerting.startIngest(stack, clock, settings, Alerting.accessOrganisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theNurseEntersAStayAndItsDischargeLaterAndSeesTheReadmissionMarked() throws Exception {
        browser = Browser.start("stays");
        openPatientPage("anna", "anna-secret-1");
        browser.await(
                "the stay form",
                d -> d.findElement(By.id("stay-form")).isDisplayed()
                        && d.findElement(By.id("no-stays")).isDisplayed());

        // A discharge before the admission: refused, with the server's reason in Swedish.
        enterStay("2026-11-20T10:00", "2026-11-19T10:00", "Hjärtsvikt, försämring");
        browser.await("the refusal", d -> d.findElement(By.id("stay-feedback")).isDisplayed());
        assertThat(browser.find("#stay-feedback").getText())
                .contains(
                        "Vårdtillfället sparades inte",
                        "utskrivningen 2026-11-19 10:00 är inte efter inskrivningen 2026-11-20 10:00")
                .doesNotContain("is not after");
        browser.find("#lang-switch").click();
        browser.await(
                "the refusal in English",
                d -> d.findElement(By.id("stay-feedback"))
                        .getText()
                        .contains(
                                "The hospital stay was not saved: dischargedAt 2026-11-19 10:00 is not after admittedAt"));
        browser.find("#lang-switch").click();
        browser.await(
                "Swedish again",
                d -> d.findElement(By.id("stay-feedback")).getText().contains("sparades inte"));
        assertThat(browser.findAll("#stays-list tr")).isEmpty();

        // A stay in October, then one 22 days after its discharge that is still going on.
        enterStay("2026-10-01T09:00", "2026-10-10T14:00", "Hjärtsvikt, försämring");
        browser.await(
                "the first stay",
                d -> d.findElements(By.cssSelector("#stays-list tr")).size() == 1);
        assertThat(browser.find("#stay-feedback").isDisplayed()).isFalse();
        enterStay("2026-11-02T08:30", "", "Lunginflammation");
        browser.await(
                "the second stay",
                d -> d.findElements(By.cssSelector("#stays-list tr")).size() == 2);
        List<WebElement> rows = browser.findAll("#stays-list tr");
        assertThat(rows.get(0).getText())
                .contains(
                        "2026-11-02 08:30",
                        "Pågår",
                        "Lunginflammation",
                        "Återinskriven inom 30 dagar (22 d efter utskrivning)");
        assertThat(rows.get(0).getAttribute("class")).contains("readmission");
        assertThat(rows.get(1).getText())
                .contains("2026-10-01 09:00", "2026-10-10 14:00")
                .doesNotContain("Återinskriven");

        // Discharged ten days later: entered on the same row.
        String ongoing = rows.get(0).getAttribute("data-stay-id");
        WebElement at = browser.find("#stays-list tr[data-stay-id='" + ongoing + "'] input.discharge-at");
        setValue(at, "2026-11-12T11:00");
        browser.find("#stays-list tr[data-stay-id='" + ongoing + "'] button.discharge-save")
                .click();
        browser.await(
                "the discharge on the row",
                d -> d.findElement(By.cssSelector("#stays-list tr[data-stay-id='" + ongoing + "']"))
                        .getText()
                        .contains("2026-11-12 11:00"));
        assertThat(browser.findAll("#stays-list input.discharge-at")).isEmpty();
        assertThat(browser.find("#stays-list tr[data-stay-id='" + ongoing + "']")
                        .getText())
                .contains("Återinskriven", "utskrivning: Anna Sjöberg 2026-11-24 12:00");
        browser.screenshot("stays");

        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long before = Alerting.lastAccessLogId(ingest);
        JsonArray stays =
                new JsonArray(anna.get("/api/patients/" + GRETA + "/admissions").body());
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .isEqualTo(List.of("person:anna", "admissions.list", List.of(GRETA))));
        JsonObject readmitted = stays.getJsonObject(0);
        assertThat(readmitted.getString("dischargedAt")).isEqualTo("2026-11-12T10:00:00Z");
        assertThat(readmitted.getString("dischargeRecordedBy")).isEqualTo("anna");
        assertThat(readmitted.getJsonObject("readmission").getLong("afterStayId"))
                .isEqualTo(stays.getJsonObject(1).getLong("id"));
        // A discharge is entered once: a second one is refused, not written over the first.
        HttpResponse<String> again = anna.put(
                "/api/patients/" + GRETA + "/admissions/" + ongoing,
                new JsonObject().put("dischargedAt", "2026-11-13T10:00:00Z"));
        assertThat(again.statusCode()).isEqualTo(409);

        // Eva, of another municipality, gets nothing of Greta's stays, not even whether they exist.
        Alerting.Session eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        HttpResponse<String> list = eva.get("/api/patients/" + GRETA + "/admissions");
        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(list.body()).doesNotContain("Greta", "Lunginflammation");
        assertThat(eva.put(
                                "/api/patients/" + GRETA + "/admissions/" + ongoing,
                                new JsonObject().put("dischargedAt", "2026-11-13T10:00:00Z"))
                        .statusCode())
                .isEqualTo(404);
        assertThat(eva.post(
                                "/api/patients/" + GRETA + "/admissions",
                                new JsonObject()
                                        .put("admittedAt", "2026-11-20T10:00:00Z")
                                        .put("reason", "x"),
                                true)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void theNurseWithdrawsARelativesConsentToViewAndGivesItAgainWithEffectAtOnce() throws Exception {
        Alerting.Session lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        assertThat(lena.get("/api/relative/patient").statusCode()).isEqualTo(200);

        browser = Browser.start("consent");
        openPatientPage("anna", "anna-secret-1");
        browser.await(
                "Lena among the relatives",
                d -> d.findElements(By.cssSelector("#relatives-list tr")).stream()
                        .anyMatch(tr -> tr.getText().contains("Lena Holm")));
        String lenaRow = "#relatives-list tr[data-relative-id='" + relativeId("lena") + "'] ";
        assertThat(browser.find(lenaRow + "td[data-scope='VIEW']").getText()).contains("Samtycke sedan");
        assertThat(browser.find(lenaRow + "td[data-scope='NOTIFY']").getText()).contains("Inget samtycke");

        browser.find(lenaRow + "td[data-scope='VIEW'] button.consent-toggle").click();
        browser.await(
                "the consent withdrawn",
                d -> "false"
                        .equals(d.findElement(By.cssSelector(lenaRow + "td[data-scope='VIEW']"))
                                .getAttribute("data-given")));
        assertThat(browser.find(lenaRow + "td[data-scope='VIEW']").getText()).contains("Inget samtycke");
        HttpResponse<String> nothing = lena.get("/api/relative/patient");
        assertThat(nothing.statusCode()).isEqualTo(404);
        assertThat(nothing.body()).doesNotContain("Greta");
        browser.screenshot("withdrawn");

        browser.find(lenaRow + "td[data-scope='VIEW'] button.consent-toggle").click();
        browser.await(
                "the consent given again",
                d -> "true"
                        .equals(d.findElement(By.cssSelector(lenaRow + "td[data-scope='VIEW']"))
                                .getAttribute("data-given")));
        assertThat(browser.find(lenaRow + "td[data-scope='VIEW']").getText()).contains("Anna Sjöberg");
        HttpResponse<String> view = lena.get("/api/relative/patient");
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("Greta Holm");

        // Who withdrew and who gave again is kept; the first consent's row stays as history.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT k.recorded_by, k.withdrawn_by FROM relative_consent k JOIN relative r "
                                + "ON r.id = k.relative_id WHERE r.ref = 'lena' AND k.scope = 'VIEW' ORDER BY k.id"))
                .containsExactly(Arrays.asList("operator", "person:anna"), Arrays.asList("person:anna", null));

        // One access-log entry for the nurse's read; the operator may read but not record; no CSRF token, no change.
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long before = Alerting.lastAccessLogId(ingest);
        assertThat(anna.get("/api/patients/" + GRETA + "/relatives").body()).contains("Lena Holm", "Karin Holm");
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .isEqualTo(List.of("person:anna", "relatives.list", List.of(GRETA))));
        String consents = "/api/patients/" + GRETA + "/relatives/" + relativeId("lena") + "/consents";
        JsonObject withdraw = new JsonObject().put("scope", "VIEW").put("given", false);
        assertThat(anna.post(consents, withdraw, false).statusCode()).isEqualTo(403);
        assertThat(operatorPost(consents, withdraw).statusCode()).isEqualTo(403);
        HttpResponse<String> wrongScope =
                anna.post(consents, new JsonObject().put("scope", "SEE").put("given", false), true);
        assertThat(wrongScope.statusCode()).isEqualTo(400);
        assertThat(wrongScope.body()).contains("scope must be NOTIFY, VIEW or ALARM");
        assertThat(lena.get("/api/relative/patient").statusCode()).isEqualTo(200);

        // Eva, of another municipality: 404 for the list and for a change, and Lena keeps her view.
        Alerting.Session eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        HttpResponse<String> list = eva.get("/api/patients/" + GRETA + "/relatives");
        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(list.body()).doesNotContain("Lena", "Greta");
        assertThat(eva.post(consents, withdraw, true).statusCode()).isEqualTo(404);
        assertThat(lena.get("/api/relative/patient").statusCode()).isEqualTo(200);
    }

    @Test
    void aWithdrawnNotifyConsentTellsTheRelativeNothingOfTheNextAlertAndAGivenOneDoes() throws Exception {
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        // Lars (a phone, told of alerts by SMS) has no id of the organisation's: find him by name.
        long lars = ((Number) Alerting.rows(ingest, "SELECT id FROM relative WHERE name = 'Lars Holm'")
                        .get(0)
                        .get(0))
                .longValue();
        String consents = "/api/patients/" + GRETA + "/relatives/" + lars + "/consents";
        HttpResponse<String> withdrawn =
                anna.post(consents, new JsonObject().put("scope", "NOTIFY").put("given", false), true);
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        assertThat(new JsonObject(withdrawn.body()).getJsonArray("consents")).isEmpty();
        long first = raise(101);
        assertThat(relativeMessages(first))
                .as("nothing to Lars after the withdrawal")
                .isEmpty();

        HttpResponse<String> given =
                anna.post(consents, new JsonObject().put("scope", "NOTIFY").put("given", true), true);
        assertThat(new JsonObject(given.body())
                        .getJsonArray("consents")
                        .getJsonObject(0)
                        .getString("scope"))
                .isEqualTo("NOTIFY");
        long second = raise(102);
        assertThat(relativeMessages(second)).singleElement().asString().contains("+46700000009");
    }

    /** An urgent alert: relatives are told of urgent alerts only (decision 0049). */
    private static long raise(long seq) throws Exception {
        return Alerting.raise(ingest, hub, HUB, Alerting.alert(seq, Severity.URGENT, null, null, clock.instant()));
    }

    /** The messages queued for relatives about an alert (routing queues them in the alert's transaction). */
    private static List<Object> relativeMessages(long alertId) throws Exception {
        return Alerting.rows(
                        ingest, "SELECT body FROM notification WHERE audience = 'RELATIVE' AND alert_id = " + alertId)
                .stream()
                .map(r -> r.get(0))
                .toList();
    }

    private void openPatientPage(String user, String password) {
        browser.signIn(ingest.baseUrl(), user, password);
        browser.open(ingest.baseUrl() + "/patient.html?id=" + GRETA);
        browser.await(
                "the patient page",
                d -> d.findElement(By.id("patient-name")).getText().equals("Greta Holm"));
    }

    /** Fills the stay form (Swedish local times as the date-time picker gives them) and sends it. */
    private void enterStay(String admitted, String discharged, String reason) {
        setValue(browser.find("#stay-admitted"), admitted);
        setValue(browser.find("#stay-discharged"), discharged);
        WebElement why = browser.find("#stay-reason");
        why.clear();
        why.sendKeys(reason);
        browser.find("#stay-save").click();
    }

    /** The date-time picker's keyboard entry depends on the browser's locale; set its value as the picker does. */
    private void setValue(WebElement input, String value) {
        browser.script(
                "arguments[0].value = arguments[1];"
                        + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                input,
                value);
    }

    private static long relativeId(String ref) throws Exception {
        return ((Number) Alerting.rows(ingest, "SELECT id FROM relative WHERE ref = '" + ref + "'")
                        .get(0)
                        .get(0))
                .longValue();
    }

    private static HttpResponse<String> operatorPost(String path, JsonObject body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
