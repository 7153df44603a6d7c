package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The access rules and the language switch in headless Chromium against a real ingest node, broker and databases
 * (issue 8): a nurse of another municipality gets nothing of a patient her teams do not care for, not even the name,
 * neither from the API nor on the page, while the live stream runs; a relative without consent to view gets nothing,
 * one with it sees the latest readings and whether an alert is open, and nothing once the consent is withdrawn; the
 * page is Swedish until the switch is clicked, then English, also after a reload; the MAS finds in the access log
 * who tried to read her patient, and a nurse may not search it.
 */
class AccessRulesPageIT {

    private static final String HUB = "hub-it-access-page-1";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String GRETA = Alerting.PATIENT;
    // Tuesday noon in Stockholm: Anna (Greta's district) and Eva (the other municipality) are on duty.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    /** Erik's home, in the other municipality. */
    private static TestMqttClient erikHub;

    private static final String ERIK_HUB = "hub-it-access-page-2";
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.accessOrganisation());
        HomeEnrolment.enrol(
                ingest, HUB, new HubConfig(1, 1, List.of(), List.of(new DeviceBinding("scale", "sim-scale", GRETA))));
        HomeEnrolment.enrol(ingest, ERIK_HUB, HomeEnrolment.household(Alerting.OTHER_PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        erikHub = new TestMqttClient(stack, ERIK_HUB, ERIK_HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, erikHub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void aNurseOfAnotherMunicipalityGetsNothingOfThePatientNotEvenTheName() throws Exception {
        browser = Browser.start("eva");
        browser.signIn(ingest.baseUrl(), "eva", "eva-secret-1");
        browser.await(
                "Eva's inbox, live",
                d -> d.findElement(By.id("who")).getText().contains("Eva Öst")
                        && d.findElement(By.id("live")).getAttribute("class").equals("on"));

        // Greta's alert first, then Erik's: the stream sends them in this order, so once Erik's is on Eva's page,
        // Greta's has been passed over.
        long greta = raise(Alerting.alert(1, Severity.URGENT, null, null, clock.instant()));
        long erik =
                Alerting.raise(ingest, erikHub, ERIK_HUB, Alerting.alert(Alerting.OTHER_PATIENT, 2, clock.instant()));
        browser.await(
                "Erik's alert on Eva's page",
                d -> !d.findElements(By.cssSelector("#unowned tr[data-alert-id='" + erik + "']"))
                        .isEmpty());
        assertThat(browser.findAll("#unowned tr, #owned tr")).hasSize(1);
        assertThat(browser.driver().getPageSource()).contains("Erik Ek").doesNotContain("Greta", GRETA);
        browser.screenshot("other-municipality");

        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        HttpResponse<String> detail = eva.get("/api/alerts/" + greta);
        assertThat(detail.statusCode()).isEqualTo(404);
        assertThat(detail.body()).doesNotContain("Greta", GRETA);
        assertThat(eva.get("/api/inbox").body()).contains("Erik Ek").doesNotContain("Greta", GRETA);
        // The rule is about Eva, not about the alert: Greta's own nurse sees it.
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.get("/api/alerts/" + greta).body()).contains("Greta Holm");

        // A reload (the inbox read whole, not from the stream) shows no more.
        browser.open(ingest.baseUrl() + "/");
        browser.await(
                "Eva's inbox again",
                d -> !d.findElements(By.cssSelector("#unowned tr[data-alert-id='" + erik + "']"))
                        .isEmpty());
        assertThat(browser.driver().getPageSource()).doesNotContain("Greta", GRETA);
    }

    @Test
    void aRelativeSeesOnlyWhatTheConsentInForceAllows() throws Exception {
        raise(Alerting.alert(10, Severity.WARNING, null, null, clock.instant()));
        hub.publish(
                HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                new MessageCodec()
                        .encode(ObservationBatch.of(
                                UUID.randomUUID().toString(),
                                List.of(
                                        new Observation(
                                                1,
                                                GRETA,
                                                "scale",
                                                "29463-7",
                                                81.2,
                                                "kg",
                                                clock.instant().minusSeconds(120),
                                                clock.instant(),
                                                Set.of()),
                                        // Newer, but not a reading the charts use: the relative is not shown it either.
                                        new Observation(
                                                2,
                                                GRETA,
                                                "scale",
                                                "29463-7",
                                                400.0,
                                                "kg",
                                                clock.instant().minusSeconds(60),
                                                clock.instant(),
                                                Set.of(ObservationFlag.IMPLAUSIBLE))))));
        var lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        await().atMost(DEADLINE)
                .until(() -> lena.get("/api/relative/patient").body().contains("29463-7"));

        // Karin is to be told of alerts, not to view: nothing of Greta, not her name, not a reading.
        browser = Browser.start("karin");
        browser.signIn(ingest.baseUrl(), "karin", "karin-secret-1");
        browser.await(
                "'nothing shared' on Karin's page",
                d -> d.getCurrentUrl().endsWith("/relative.html")
                        && d.findElement(By.id("nothing")).isDisplayed());
        assertThat(browser.find("#shared").isDisplayed()).isFalse();
        assertThat(browser.driver().getPageSource()).doesNotContain("Greta", GRETA, "81.2", "81,2");
        browser.screenshot("no-consent");
        // Nor can she reach the staff's inbox.
        assertThat(browser.script("return fetch('/api/inbox').then(r => r.status);"))
                .isEqualTo(403L);
        browser.close();

        browser = Browser.start("lena");
        browser.signIn(ingest.baseUrl(), "lena", "lena-secret-1");
        browser.await(
                "Greta's readings on Lena's page",
                d -> d.findElement(By.id("shared")).isDisplayed());
        assertThat(browser.find("#patient-name").getText()).isEqualTo("Greta Holm");
        assertThat(browser.find("#readings tr[data-code='29463-7']").getText())
                // A decimal comma in Swedish (the reading is 81.2 kg).
                .contains("Kroppsvikt", "81,2 kg")
                .doesNotContain("400");
        assertThat(browser.find("#alert-open").isDisplayed()).isTrue();
        assertThat(browser.findAll("nav.nara a"))
                .as("no staff pages in a relative's navigation")
                .isEmpty();
        browser.screenshot("view-consent");

        // Greta withdraws her consent: at once, nothing.
        JsonObject doc = Alerting.accessOrganisation();
        doc.getJsonArray("patients").getJsonObject(0).getJsonArray("relatives").stream()
                .map(JsonObject.class::cast)
                .filter(r -> "lena".equals(r.getString("id")))
                .forEach(r -> r.put("consents", new JsonArray()));
        Alerting.importOrganisation(ingest, doc);
        browser.open(ingest.baseUrl() + "/relative.html");
        browser.await(
                "'nothing shared' after the withdrawal",
                d -> d.findElement(By.id("nothing")).isDisplayed());
        assertThat(browser.driver().getPageSource()).doesNotContain("Greta", GRETA, "81.2", "81,2");
        assertThat(lena.get("/api/relative/patient").statusCode()).isEqualTo(404);
    }

    @Test
    void thePageIsSwedishUntilTheSwitchIsClickedAndKeepsTheChoice() throws Exception {
        browser = Browser.start("language");
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(browser.find("h1").getText()).isEqualTo("Larm");
        assertThat(browser.find("#inbox h2").getText()).isEqualTo("Ej tagna");
        assertThat(browser.find("#lang-switch").getText()).isEqualTo("English");

        browser.find("#lang-switch").click();
        browser.await(
                "the page in English",
                d -> d.findElement(By.cssSelector("h1")).getText().equals("Alerts"));
        assertThat(browser.find("#inbox h2").getText()).isEqualTo("Unowned");
        assertThat(browser.find("#inbox th").getText()).isEqualTo("Severity");
        assertThat(browser.find("#lang-switch").getText()).isEqualTo("Svenska");
        browser.screenshot("english");

        browser.driver().navigate().refresh();
        browser.await(
                "the inbox after the reload", d -> d.findElement(By.id("inbox")).isDisplayed());
        assertThat(browser.find("h1").getText()).isEqualTo("Alerts");
        assertThat(browser.find("#inbox h2").getText()).isEqualTo("Unowned");
        assertThat(browser.script("return document.documentElement.lang;")).isEqualTo("en");
    }

    @Test
    void theMasSeesWhoTriedToReadHerPatientAndANurseMayNotSearchTheLog() throws Exception {
        long greta = raise(Alerting.alert(20, Severity.URGENT, null, null, clock.instant()));
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        assertThat(eva.get("/api/alerts/" + greta).statusCode()).isEqualTo(404);

        browser = Browser.start("mas");
        browser.signInToInbox(ingest.baseUrl(), "mas", "maria-secret-1");
        browser.find("nav.nara a[href='/access-log.html']").click();
        browser.await("the access-log page", d -> d.findElement(By.id("search")).isDisplayed());
        browser.find("#patient").sendKeys(GRETA);
        browser.find("#go").click();
        // Read in one go from the page as it stands: the table is drawn again when the answer to the search arrives.
        browser.await("Eva's refused attempt in the log, and only Greta's entries", d -> {
            List<String> rows = d.findElements(By.cssSelector("#entries tr")).stream()
                    .map(WebElement::getText)
                    .toList();
            List<String> patients = d.findElements(By.cssSelector("#entries td.patients")).stream()
                    .map(WebElement::getText)
                    .toList();
            return rows.stream()
                            .anyMatch(tr -> tr.contains("Eva Öst")
                                    && tr.contains("Nekades att läsa ett larm")
                                    && tr.contains("alert " + greta))
                    && !patients.isEmpty()
                    && patients.stream().allMatch(p -> p.contains(GRETA));
        });
        assertThat(browser.find("#problem").getText()).isEmpty();
        browser.screenshot("access-log");
        browser.close();

        browser = Browser.start("anna-log");
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/access-log.html");
        browser.await(
                "the refusal", d -> d.findElement(By.id("problem")).getText().contains("MAS"));
        assertThat(browser.findAll("#entries tr")).isEmpty();
    }

    private static long raise(Alert alert) throws Exception {
        return Alerting.raise(ingest, hub, HUB, alert);
    }
}
