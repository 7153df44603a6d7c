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
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.Severity;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The doctor's care-plan form on the patient page, in Chromium against a real ingest node, broker, databases and hub:
 * the doctor changes the systolic threshold through the form (with a Swedish decimal comma), sees the change against
 * the plan in force in words, cannot save without a reason, saves, reads the change and its reason in the history,
 * and the hub judges the next reading between the old and the new threshold by the new plan. A nurse reads the same
 * plan without being able to change it, and is told who may. At 390×844 the form fits the screen with every input
 * labelled.
 */
class CarePlanFormIT {

    private static final String HUB = "hub-it-planform-1";
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN_URL = "/api/patients/" + Services.PATIENT + "/careplan";

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Path hubData;
    private Browser browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        hubData = dir;
        stack = DevStack.ensureUp();
        // The northern district (nurse Anna) and the region (doctor David Dahl) care for the patient.
        ingest = Alerting.startIngest(
                stack,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                Alerting.withPatientLike(Alerting.organisation(), Services.PATIENT, "Gustav Holm"));
        var plans = ingest.service().carePlans();
        result(plans.bindDevices(
                HUB, List.of(new DeviceBinding(Services.CUFF, "sim-cuff", Services.PATIENT)), "installer-it"));
        result(plans.save(
                HUB,
                new CarePlan(
                        Services.PATIENT,
                        "draft",
                        List.of(
                                new ThresholdRule(
                                        "systolic-low",
                                        "8480-6",
                                        90.0,
                                        null,
                                        Severity.WARNING,
                                        "Systoliskt blodtryck under 90 mmHg / Systolic blood pressure below 90 mmHg",
                                        null,
                                        Duration.ofHours(1)),
                                new WindowChangeRule(
                                        "weight-gain-3d",
                                        "29463-7",
                                        Duration.ofDays(3),
                                        2.0,
                                        Severity.WARNING,
                                        "Viktökning över 2 kg på 3 dagar / Weight gain over 2 kg in 3 days",
                                        null,
                                        Duration.ofHours(4),
                                        "weight-gain")),
                        List.of(new ExpectedMeasurement("29463-7", Duration.ofDays(1), LocalTime.of(11, 0))),
                        null,
                        null,
                        null,
                        null),
                "person:david",
                "Start av monitorering"));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void aDoctorChangesAThresholdThroughTheFormWithAReasonAndTheHubJudgesByTheNewOne() throws Exception {
        var plans = ingest.service().carePlans();
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        try (Services.Hub hub = Services.startHub(stack, HUB, hubData, Services.homeConfig(1))) {
            long first = result(plans.config(HUB)).orElseThrow().version();
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == first);

            browser = Browser.start("careplan-form-doctor");
            browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
            browser.open(ingest.baseUrl() + "/patient.html?id=" + Services.PATIENT);
            browser.await(
                    "the plan's rules in words",
                    d -> d.findElement(By.cssSelector("details[data-rule='systolic-low'] summary"))
                            .getText()
                            .contains("Systoliskt blodtryck under 90 mmHg"));
            assertThat(browser.find("details[data-rule='weight-gain-3d'] summary")
                            .getText())
                    .contains("Viktökning över 2 kg på 3 dagar", "Varning");
            assertThat(browser.find("#careplan-changes-list").getText()).contains("Inga ändringar");
            assertThat(browser.find("#careplan-who").isDisplayed()).isFalse();

            // The rule opens to its numbers, each labelled with its unit; 99,5 with a Swedish decimal comma.
            browser.find("details[data-rule='systolic-low'] summary").click();
            WebElement below = browser.await(
                    "the threshold input", d -> d.findElement(By.cssSelector("[data-field='rules[0].below']")));
            assertThat(below.getAttribute("value")).isEqualTo("90");
            assertThat(browser.find("label[for='" + below.getAttribute("id") + "']")
                            .getText())
                    .isEqualTo("Systoliskt blodtryck under");
            assertThat(below.findElement(By.xpath("following-sibling::span")).getText())
                    .isEqualTo("mmHg");
            below.clear();
            below.sendKeys("99,5");
            browser.await(
                    "the change against the plan in force",
                    d -> d.findElement(By.id("careplan-changes-list"))
                            .getText()
                            .contains("Systoliskt blodtryck under 90 → 99,5 mmHg"));
            // The rule's text follows its number, so the nurse is not told "under 90" of a rule at 99.5.
            assertThat(browser.find("details[data-rule='systolic-low'] summary").getText())
                    .contains("Systoliskt blodtryck under 99,5 mmHg");
            new Select(browser.find("[data-field='rules[0].severity']")).selectByValue("URGENT");
            browser.await(
                    "the severity's change in words",
                    d -> d.findElement(By.id("careplan-changes-list"))
                            .getText()
                            .contains("Allvarlighetsgrad Varning → Brådskande"));
            // The hub's voice: the plan has no section, so the form shows what the hub does by default.
            WebElement volume = browser.find("[data-field='voice.volume']");
            assertThat(volume.getAttribute("value")).isEqualTo("70");
            WebElement quiet = browser.find("[data-field='voice.quietHours']");
            assertThat(quiet.getAttribute("value")).isEqualTo("22:00–07:00");
            assertThat(browser.find("label[for='" + quiet.getAttribute("id") + "']")
                            .getText())
                    .startsWith("Tyst tid");
            volume.clear();
            volume.sendKeys("40");
            quiet.clear();
            quiet.sendKeys("21:00–08:00");
            browser.await(
                    "the voice's changes in words",
                    d -> d.findElement(By.id("careplan-changes-list")).getText().contains("Volym 70 → 40"));
            assertThat(browser.find("#careplan-changes-list").getText()).contains("Tyst tid 22:00–07:00 → 21:00–08:00");
            browser.screenshot("changed");

            // No reason: nothing is saved and the reason field says why.
            browser.find("#careplan-save").click();
            browser.await(
                    "the reason's problem",
                    d -> d.findElement(By.id("careplan-reason-problem")).isDisplayed());
            assertThat(browser.find("#careplan-reason-problem").getText()).contains("skälet krävs");
            assertThat(json(david.get(PLAN_URL)).get("version").asInt()).isEqualTo(1);

            browser.find("#careplan-reason").sendKeys("Yrsel vid tryck under 100 enligt mottagningen");
            browser.find("#careplan-save").click();
            browser.await(
                    "saved as version 2",
                    d -> d.findElement(By.id("careplan-saved")).getText().contains("Sparad som version 2"));
            WebElement latest = browser.await(
                    "version 2 in the history",
                    d -> d.findElement(By.cssSelector("#careplan-history li[data-version='2']")));
            assertThat(latest.getText())
                    .contains(
                            "David Dahl",
                            "Skäl: Yrsel vid tryck under 100 enligt mottagningen",
                            "Systoliskt blodtryck under 90 → 99,5 mmHg",
                            "Allvarlighetsgrad Varning → Brådskande")
                    .doesNotContain("{", "person:david");
            assertThat(browser.find("#careplan-history li[data-version='1']").getText())
                    .contains("Första versionen", "Start av monitorering");
            assertThat(browser.find("#careplan-changes-list").getText()).contains("Inga ändringar");
            browser.screenshot("saved");

            JsonNode saved = json(david.get(PLAN_URL));
            assertThat(saved.get("version").asInt()).isEqualTo(2);
            assertThat(saved.get("reason").asText()).isEqualTo("Yrsel vid tryck under 100 enligt mottagningen");
            assertThat(saved.at("/plan/rules/0/below").asDouble()).isEqualTo(99.5);
            assertThat(saved.at("/plan/rules/0/severity").asText()).isEqualTo("URGENT");
            assertThat(saved.at("/plan/rules/0/message").asText())
                    .isEqualTo("Systoliskt blodtryck under 99,5 mmHg / Systolic blood pressure below 99.5 mmHg");
            assertThat(saved.at("/plan/rules/1/rise").asDouble())
                    .as("the rule nobody touched")
                    .isEqualTo(2.0);
            assertThat(saved.at("/plan/voice/volume").asInt()).isEqualTo(40);
            assertThat(saved.at("/plan/voice/quietHours").asText()).isEqualTo("21:00–08:00");
            assertThat(saved.at("/plan/voice/on").asBoolean()).isTrue();

            // The hub gets version 2 and judges a systolic of 95, between the old and the new threshold, by it.
            long second = result(plans.config(HUB)).orElseThrow().version();
            await().atMost(DEADLINE)
                    .until(() -> hubStatus(hub.statusUrl()).get("configVersion").asLong() == second);
            JsonNode alert = storedAlert(simulate(hub, "/api/simulate/cuff?systolic=95&diastolic=60&pulse=70"));
            assertThat(alert.get("ruleId").asText()).isEqualTo("systolic-low");
            assertThat(alert.get("carePlanVersion").asText()).isEqualTo("2");
            assertThat(alert.get("severity").asText()).isEqualTo("URGENT");
        }
    }

    @Test
    void aRefusedValueIsShownNextToItsFieldAndNothingIsSaved() throws Exception {
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        int before = json(david.get(PLAN_URL)).get("version").asInt();
        browser = Browser.start("careplan-form-refused");
        browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + Services.PATIENT);
        browser.await(
                "the weight rule",
                d -> d.findElement(By.cssSelector("details[data-rule='weight-gain-3d'] summary"))
                        .isDisplayed());
        browser.find("details[data-rule='weight-gain-3d'] summary").click();
        // A window of 100 days is past what the protocol's rule accepts: the record's refusal lands at the field.
        WebElement window = browser.find("[data-field='rules[1].window']");
        window.clear();
        window.sendKeys("100");
        // Text that is no number is refused in the page before anything is sent.
        WebElement rise = browser.find("[data-field='rules[1].rise']");
        rise.clear();
        rise.sendKeys("två");
        browser.await(
                "the page's own refusal next to the rise",
                d -> d.findElement(By.cssSelector("[data-problem-for='rules[1].rise']"))
                        .getText()
                        .contains("Skriv ett tal"));
        assertThat(rise.getAttribute("aria-invalid")).isEqualTo("true");
        rise.clear();
        rise.sendKeys("1,5");
        // Quiet hours the hub could not read: the protocol's refusal, in Swedish, next to the field.
        WebElement quiet = browser.find("[data-field='voice.quietHours']");
        quiet.clear();
        quiet.sendKeys("22-07");
        browser.find("#careplan-reason").sendKeys("Snävare viktgräns");
        browser.find("#careplan-save").click();
        WebElement problem = browser.await(
                "the protocol's refusal next to the window",
                d -> d.findElement(By.cssSelector("[data-problem-for='rules[1].window']")));
        browser.await("the refusal shown", d -> problem.isDisplayed());
        assertThat(problem.getText())
                .as("the protocol's refusal in words, durations included")
                .contains("Måste vara mellan 1 timme och 90 dygn, var 100 dygn");
        assertThat(browser.find("[data-field='rules[1].window']").getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(browser.find("[data-problem-for='voice.quietHours']").getText())
                .contains("Skriv tyst tid som TT:MM–TT:MM");
        assertThat(json(david.get(PLAN_URL)).get("version").asInt())
                .as("nothing saved")
                .isEqualTo(before);
    }

    @Test
    void aNurseReadsThePlanButCannotChangeItAndIsToldWhoMay() throws Exception {
        browser = Browser.start("careplan-form-nurse");
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + Services.PATIENT);
        browser.await(
                "who may change the plan",
                d -> d.findElement(By.id("careplan-who")).isDisplayed());
        assertThat(browser.find("#careplan-who").getText())
                .contains("Bara läkare i ett team som vårdar patienten får ändra den");
        assertThat(browser.find("details[data-rule='systolic-low'] summary").getText())
                .contains("Systoliskt blodtryck under");
        assertThat(browser.find("#careplan-form fieldset").getAttribute("disabled"))
                .isNotNull();
        browser.find("details[data-rule='systolic-low'] summary").click();
        assertThat(browser.find("[data-field='rules[0].below']").isEnabled()).isFalse();
        assertThat(browser.find("#careplan-edit").isDisplayed()).isFalse();
        assertThat(browser.findAll("#careplan-save").stream().filter(WebElement::isDisplayed))
                .isEmpty();
    }

    @Test
    void onAPhoneTheFormFitsTheScreenAndEveryInputIsLabelled() throws Exception {
        browser = Browser.start("careplan-form-phone");
        browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
        browser.driver().manage().window().setSize(new Dimension(390, 844));
        browser.open(ingest.baseUrl() + "/patient.html?id=" + Services.PATIENT);
        browser.await(
                "the plan's rules",
                d -> d.findElement(By.cssSelector("details[data-rule='systolic-low'] summary"))
                        .isDisplayed());
        browser.script("document.querySelectorAll('#careplan details').forEach(d => d.open = true);");
        long viewport = ((Number) browser.script("return document.documentElement.clientWidth;")).longValue();
        assertThat(viewport).isLessThanOrEqualTo(390);
        assertThat(((Number) browser.script("return document.documentElement.scrollWidth;")).longValue())
                .as(() -> "no horizontal scroll of the page; wider than the screen: "
                        + browser.script("return [...document"
                                + ".querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                                + "document.documentElement.clientWidth + 0.5).slice(-8).map(e => e.tagName + '#' + e.id + '.'"
                                + " + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');"))
                .isLessThanOrEqualTo(viewport);
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.script("return [...document.querySelectorAll("
                + "'#careplan input, #careplan select, #careplan textarea')]"
                + ".filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.outerHTML);");
        assertThat(unlabelled).isEmpty();
        @SuppressWarnings("unchecked")
        List<String> outside = (List<String>) browser.script("return [...document.querySelectorAll("
                + "'#careplan input, #careplan select, #careplan textarea, #careplan button')]"
                + ".filter(e => e.offsetParent && e.getBoundingClientRect().right > "
                + "document.documentElement.clientWidth + 0.5).map(e => e.id || e.outerHTML);");
        assertThat(outside).as("controls beyond the screen's right edge").isEmpty();
        browser.script("document.getElementById('careplan').scrollIntoView();");
        browser.screenshot("phone");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
