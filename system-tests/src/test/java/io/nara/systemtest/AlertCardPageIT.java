package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The alert card in headless Chromium, at desktop size and on a 390×844 phone, against a real ingest node, broker and
 * databases. Greta is enrolled through the API with a personnummer and a plan whose rule raises an URGENT alert below
 * 90 mmHg; her nurse enters her phone, address and named care contact; two days of blood pressure and pulse reach the
 * ingest over MQTT as a hub sends them; a low systolic pressure raises the alert and the nurse hands it over to the
 * region's on-call doctor with a note. The doctor opens the alert and, without opening another page, sees the note
 * first, who Greta is, how old, how to call her and her care contact, her latest values, and a 48-hour chart with time
 * and value axes, the unit and the rule's threshold. Resolving needs a chosen outcome: the browser will not send the
 * form without one, and the API refuses it too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertCardPageIT {

    private static final String HUB = "hub-it-alert-card-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String CUFF = "cuff-it-card-1";
    private static final String SCALE = "scale-it-card-1";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    // Tuesday noon in Stockholm: Anna (home nursing) and David (the region's on-call doctor) are on duty.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final Instant NOW = Alerting.TUESDAY_NOON;
    private static final Instant RAISED_AT = NOW.minus(Duration.ofHours(2));
    private static final String NOTE = "Yr och trött sedan i morse, ring henne före 14";

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static long alertId;
    /** The systolic readings inside the chart's 48 hours (the older ones lie outside it). */
    private static int systolicInWindow;

    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        HomeEnrolment.enrol(
                ingest,
                HUB,
                new HubConfig(
                        1,
                        1,
                        List.of(carePlan()),
                        List.of(
                                new DeviceBinding(CUFF, "sim-cuff", PATIENT, null),
                                new DeviceBinding(SCALE, "sim-scale", PATIENT, null))));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");

        // The nurse enters how to reach Greta, as on the patient page.
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> contact = anna.post(
                "/api/patients/" + PATIENT + "/contact",
                new JsonObject()
                        .put("phone", "070-123 45 67")
                        .put("address", "Storgatan 1, 123 45 Norrby")
                        .put("careContactName", "Sara Lind")
                        .put("careContactRole", "Distriktssköterska")
                        .put("careContactPhone", "+46 8 123 456 78"),
                true);
        assertThat(contact.statusCode()).as(contact.body()).isEqualTo(200);

        String outbox = UUID.randomUUID().toString();
        List<Observation> readings = readings();
        hub.publish(
                HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                new MessageCodec().encode(ObservationBatch.of(outbox, readings)));
        CloudQueries cloud = new CloudQueries(stack, ingest);
        await().atMost(DEADLINE).until(() -> cloud.observationSeqs(HUB).size() == readings.size());

        String planVersion = String.valueOf(
                Alerting.rows(ingest, "SELECT version FROM care_plan WHERE patient_id = '" + PATIENT + "'")
                        .get(0)
                        .get(0));
        alertId = Alerting.raise(
                ingest,
                hub,
                HUB,
                new Alert(
                        1,
                        PATIENT,
                        "systolic-low",
                        Severity.URGENT,
                        "8480-6",
                        84.0,
                        "mm[Hg]",
                        "Systoliskt blodtryck under 90 mmHg",
                        RAISED_AT,
                        0,
                        planVersion,
                        null,
                        null));
        // Anna hands it over to the doctors with what they must know first.
        HttpResponse<String> handover = anna.post(
                "/api/alerts/" + alertId + "/handover",
                new JsonObject().put("team", "region-oncall").put("note", NOTE),
                true);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
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
    @Order(1)
    void theCardShowsEverythingNeededToActAtDesktopSize() throws Exception {
        browser = Browser.start("alert-card-desktop");
        WebElement card = openCard();
        checkCard(card);
        browser.script("document.getElementById('card-chart').scrollIntoView();");
        browser.screenshot("desktop");
    }

    @Test
    @Order(2)
    void theCardShowsEverythingNeededToActOnAPhone() throws Exception {
        browser = Browser.start("alert-card-phone");
        browser.windowSize(390, 844);
        WebElement card = openCard();
        checkCard(card);
        assertThat(((Number) browser.script("return window.innerWidth;")).intValue())
                .isLessThanOrEqualTo(390);
        // The chart shrinks to the screen, and both numbers are large enough to tap.
        assertThat(((Number) browser.script("return document.getElementById('chart').getBoundingClientRect().right;"))
                        .doubleValue())
                .isLessThanOrEqualTo(390);
        for (String id : new String[] {"card-phone", "card-contact-phone"}) {
            assertThat(browser.find("#" + id).isDisplayed()).isTrue();
            assertThat(browser.find("#" + id).getSize().getHeight()).as(id).isGreaterThanOrEqualTo(44);
        }
        browser.script("document.getElementById('alert-card').scrollIntoView();");
        browser.screenshot("phone");
    }

    /** Last: it resolves the alert the other tests open. */
    @Test
    @Order(3)
    void resolvingWithoutAChosenOutcomeIsImpossibleInTheBrowserAndRefusedByTheApi() throws Exception {
        browser = Browser.start("alert-card-resolve");
        openCard();
        WebElement outcome = browser.find("#resolve-outcome");
        assertThat(outcome.getAttribute("required")).isNotNull();
        assertThat(outcome.getAttribute("value")).as("nothing preselected").isEmpty();
        assertThat(browser.find("#resolve-outcome option:checked").getText()).isEqualTo("Välj åtgärd…");

        browser.find("#resolve-form button").click();
        assertThat(browser.script("return document.getElementById('resolve-outcome').validity.valueMissing;"))
                .isEqualTo(true);
        assertThat(browser.script("return document.getElementById('resolve-form').checkValidity();"))
                .isEqualTo(false);
        // Nothing was sent: the alert is as it was, with no resolved step.
        assertThat(Alerting.rows(ingest, "SELECT state FROM alert_state WHERE alert_id = " + alertId))
                .containsExactly(List.of("OPEN"));
        assertThat(Alerting.rows(
                        ingest, "SELECT count(*) FROM alert_event WHERE kind = 'resolved' AND alert_id = " + alertId))
                .containsExactly(List.of(0L));

        // Around the page, the API refuses a missing or empty outcome by name.
        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        for (JsonObject body : List.of(
                new JsonObject().put("note", "ok"),
                new JsonObject().put("outcome", "").put("note", "ok"))) {
            HttpResponse<String> r = david.post("/api/alerts/" + alertId + "/resolve", body, true);
            assertThat(r.statusCode()).as(body.encode()).isEqualTo(400);
            assertThat(r.body()).contains("välj ett utfall", "choose an outcome");
        }
        HttpResponse<String> unknown =
                david.post("/api/alerts/" + alertId + "/resolve", new JsonObject().put("outcome", "PRAYER"), true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("okänt utfall", "PRAYER");
        assertThat(Alerting.rows(ingest, "SELECT state FROM alert_state WHERE alert_id = " + alertId))
                .containsExactly(List.of("OPEN"));

        // Chosen, it goes through.
        new Select(outcome).selectByValue("PHONE_CALL");
        browser.find("#resolve-form button").click();
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(ingest, "SELECT state, outcome FROM alert_state WHERE alert_id = " + alertId)
                        .equals(List.of(List.of("RESOLVED", "PHONE_CALL"))));
    }

    /** David, the doctor the alert was handed to, opens it from his inbox. */
    private WebElement openCard() {
        browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
        String row = "tr[data-alert-id='" + alertId + "']";
        browser.await(
                "the alert in David's inbox",
                d -> !d.findElements(By.cssSelector(row)).isEmpty());
        browser.find(row + " td:nth-child(3)").click();
        return browser.await(
                "the alert card with its chart",
                d -> d.findElements(By.cssSelector("#alert-card #chart")).stream()
                        .findFirst()
                        .map(c -> d.findElement(By.id("alert-card")))
                        .orElse(null));
    }

    private void checkCard(WebElement card) {
        // The handover note first: above the alert's heading and above the trail.
        WebElement note = browser.find("#card-handover");
        assertThat(note.getText()).contains(NOTE, "Anna Sjöberg");
        assertThat(browser.script("return document.getElementById('alert-card').firstElementChild.id;"))
                .isEqualTo("card-handover");
        assertThat(note.getLocation().getY())
                .isLessThan(card.findElement(By.tagName("h3")).getLocation().getY())
                .isLessThan(browser.find("#trail").getLocation().getY());

        String text = card.getText();
        assertThat(text).contains("Greta Holm", "Brådskande", "Systoliskt blodtryck under 90 mmHg");
        assertThat(browser.find("#card-age").getText()).isEqualTo(age() + " år");
        WebElement phone = browser.find("#card-phone");
        assertThat(phone.getAttribute("href")).isEqualTo("tel:0701234567");
        assertThat(phone.getText()).isEqualTo("070-123 45 67");
        assertThat(browser.find("#card-address").getText()).isEqualTo("Storgatan 1, 123 45 Norrby");
        assertThat(browser.find("#card-care-contact").getText()).contains("Sara Lind", "Distriktssköterska");
        assertThat(browser.find("#card-contact-phone").getAttribute("href")).isEqualTo("tel:+46812345678");

        // The latest value of every signal she has, the unit in words and the time.
        assertThat(browser.findAll("#card-latest tr").stream().map(r -> r.getAttribute("data-code")))
                .containsExactly("29463-7", "8480-6", "8462-4", "8867-4");
        assertThat(browser.find("#card-latest tr[data-code='8480-6']").getText())
                .contains("Systoliskt blodtryck", "84 mmHg");
        assertThat(browser.find("#card-latest tr[data-code='8867-4']").getText())
                .contains("Puls", "71 /min");
        assertThat(browser.find("#card-latest tr[data-code='29463-7']").getText())
                .contains("81,4 kg");

        // The chart: 48 hours, time ticks every six hours, a value axis with its unit, the rule's threshold drawn.
        WebElement chart = browser.find("#chart");
        assertThat(chart.getAttribute("role")).isEqualTo("img");
        assertThat(chart.getAttribute("aria-label"))
                .contains("Systoliskt blodtryck i mmHg", "48 timmar", "gräns under 90")
                .contains(systolicInWindow + " mätningar");
        assertThat(browser.findAll("#chart circle.point")).hasSize(systolicInWindow);
        List<WebElement> thresholds = browser.findAll("#chart line.threshold");
        assertThat(thresholds).hasSize(1);
        assertThat(thresholds.get(0).getAttribute("data-bound")).isEqualTo("below");
        assertThat(thresholds.get(0).getAttribute("data-value")).isEqualTo("90");
        assertThat(browser.find("#chart text.threshold-label").getText()).isEqualTo("gräns under 90 mmHg");
        assertThat(browser.find("#chart text.unit").getText()).isEqualTo("mmHg");
        assertThat(browser.findAll("#chart text.time-tick")).hasSizeGreaterThanOrEqualTo(7);
        assertThat(browser.findAll("#chart text.time-tick").stream().map(WebElement::getText))
                .contains("12:00", "18:00", "23/11", "06:00");
        assertThat(browser.findAll("#chart text.value-tick")).hasSizeGreaterThanOrEqualTo(3);
        // The threshold line lies between the value ticks where 90 belongs.
        double threshold = Double.parseDouble(thresholds.get(0).getAttribute("y1"));
        double low = Double.parseDouble(
                browser.find("#chart circle.point[cy]:last-of-type").getAttribute("cy"));
        assertThat(low).as("the 84 mmHg reading lies below the threshold line").isGreaterThan(threshold);
        assertThat(browser.find("#card-chart figcaption").getText()).contains("gräns ur vårdplan version");
    }

    /** Greta's age on the test's day, from the personnummer the enrolment gave her. */
    private static int age() {
        String pnr = HomeEnrolment.personnummer(PATIENT);
        LocalDate born = LocalDate.of(
                Integer.parseInt(pnr.substring(0, 4)),
                Integer.parseInt(pnr.substring(4, 6)),
                Integer.parseInt(pnr.substring(6, 8)));
        return Period.between(born, LocalDate.of(2026, 11, 24)).getYears();
    }

    private static CarePlan carePlan() {
        return new CarePlan(
                PATIENT,
                "1",
                List.of(new ThresholdRule(
                        "systolic-low",
                        "8480-6",
                        90.0,
                        null,
                        Severity.URGENT,
                        "Systoliskt blodtryck under 90 mmHg / Systolic below 90 mmHg",
                        null,
                        null)));
    }

    /**
     * Blood pressure and pulse every 6 hours over the last 62 hours (the first three outside the chart's 48), the
     * newest the low systolic 84; a weight yesterday; and an implausible systolic 0 the chart must not draw.
     */
    private static List<Observation> readings() {
        List<Observation> readings = new ArrayList<>();
        long seq = 1;
        Instant chartFrom = NOW.minus(Duration.ofHours(48));
        int inWindow = 0;
        for (int hoursAgo = 62; hoursAgo >= 2; hoursAgo -= 6) {
            Instant at = NOW.minus(Duration.ofHours(hoursAgo));
            double systolic = hoursAgo == 2 ? 84 : 118 + hoursAgo % 5;
            readings.add(reading(seq++, CUFF, "8480-6", systolic, "mm[Hg]", at, Set.of()));
            readings.add(reading(seq++, CUFF, "8462-4", 70.0, "mm[Hg]", at, Set.of()));
            readings.add(reading(seq++, CUFF, "8867-4", hoursAgo == 2 ? 71.0 : 64.0, "/min", at, Set.of()));
            if (!at.isBefore(chartFrom)) {
                inWindow++;
            }
        }
        Instant weighed = NOW.minus(Duration.ofHours(27));
        readings.add(reading(seq++, SCALE, "29463-7", 81.4, "kg", weighed, Set.of()));
        readings.add(reading(
                seq++,
                CUFF,
                "8480-6",
                0.0,
                "mm[Hg]",
                NOW.minus(Duration.ofHours(5)),
                Set.of(ObservationFlag.IMPLAUSIBLE)));
        systolicInWindow = inWindow;
        return readings;
    }

    private static Observation reading(
            long seq, String device, String code, double value, String unit, Instant at, Set<ObservationFlag> flags) {
        return new Observation(seq, PATIENT, device, code, value, unit, at, at, flags);
    }
}
