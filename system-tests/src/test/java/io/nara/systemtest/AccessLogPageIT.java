package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The MAS's access log in headless Chromium against a real ingest node, broker and databases. Sara, a nurse of
 * Greta's team, had the inbox open while three alerts arrived live, opened Greta's patient page, and (a month ago)
 * an alert. The MAS finds it all by "sara" (part of the name, any case) and by "greta", sees what was done in words,
 * the three live reads as one line with their span and count, narrows to a period, gets "Inga träffar" for a name
 * with no entries; a nurse is told the search is refused.
 */
class AccessLogPageIT {

    private static final String HUB = "hub-it-access-log-page-1";
    private static final String GRETA = Alerting.PATIENT;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    /** The day the older entry is moved to: a period that holds it alone. */
    private static final LocalDate A_MONTH_AGO = LocalDate.now(SE).minusMonths(1);

    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static long oldEntry;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        JsonObject organisation = Alerting.accessOrganisation();
        organisation.getJsonArray("people").add(new JsonObject("""
                {"id": "sara-l", "organisationId": "kommun", "name": "Sara Lind", "username": "sara",
                 "password": "sara-secret-1", "teams": [{"team": "home-nursing-north", "role": "NURSE"}]}"""));
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), organisation);
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(GRETA));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        long first = Alerting.raise(ingest, hub, HUB, Alerting.alert(1, Severity.URGENT, null, null, clock.instant()));

        var sara = Alerting.Session.of(ingest.baseUrl(), "sara", "sara-secret-1");
        // The live inbox while three alerts arrive: three entries, one stream.
        try (EventStream stream =
                EventStream.withCookie(ingest.baseUrl() + "/api/alerts/stream", sara.cookie(), "alert")) {
            await().atMost(DEADLINE).until(stream::connected);
            for (long seq = 2; seq <= 4; seq++) {
                Alerting.publish(
                        hub,
                        HUB,
                        UUID.randomUUID().toString(),
                        Alerting.alert(seq, Severity.WARNING, null, null, clock.instant()));
            }
            await().atMost(DEADLINE).until(() -> stream.events().size() == 3);
        }
        assertThat(sara.get("/api/patients/" + GRETA + "/overview").statusCode())
                .isEqualTo(200);
        long before = Alerting.lastAccessLogId(ingest);
        assertThat(sara.get("/api/alerts/" + first).statusCode()).isEqualTo(200);
        List<List<Object>> opened = Alerting.accessLogAfter(ingest, before);
        assertThat(opened).singleElement().satisfies(e -> assertThat(e.get(2)).isEqualTo("alerts.detail"));
        oldEntry = ((Number) opened.get(0).get(0)).longValue();
        // That read happened a month ago, as far as the log is concerned.
        try (Connection c = Alerting.db(ingest);
                PreparedStatement u = c.prepareStatement("UPDATE access_log SET at = ? WHERE id = ?")) {
            u.setTimestamp(
                    1, Timestamp.from(A_MONTH_AGO.atTime(10, 0).atZone(SE).toInstant()));
            u.setLong(2, oldEntry);
            assertThat(u.executeUpdate()).isEqualTo(1);
        }
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
    void theMasFindsWhatSaraDidByPartOfHerNameInWordsWithTheLiveReadsOnOneLine() throws Exception {
        browser = Browser.start("mas-log");
        browser.signInToInbox(ingest.baseUrl(), "mas", "maria-secret-1");
        browser.open(ingest.baseUrl() + "/access-log.html");
        browser.await("the access-log page", d -> d.findElement(By.id("search")).isDisplayed());
        for (String input : List.of("actor", "patient", "from", "to")) {
            assertThat(browser.findAll("label[for='" + input + "']"))
                    .as("a label for #" + input)
                    .hasSize(1);
        }

        search("sara", "", "", "");
        browser.await(
                "Sara's entries", d -> !rows(d).isEmpty() && rows(d).stream().allMatch(r -> r.contains("Sara Lind")));
        List<WebElement> folded = browser.findAll("#entries tr.folded[data-action='alerts.stream']");
        assertThat(folded).as("the three live reads on one line").hasSize(1);
        assertThat(folded.get(0).getAttribute("data-count")).isEqualTo("3");
        String stream = folded.get(0).getText();
        assertThat(stream)
                .contains("Fick larm direkt i larmlistan", "3 larm under samma anslutning", "Greta Holm", " – ");
        assertThat(browser.findAll("#entries tr[data-action='alerts.stream']:not(.folded)"))
                .isEmpty();
        assertThat(String.join("\n", rows(browser.driver())))
                .contains("Öppnade patientsidan", "Öppnade ett larm")
                .doesNotContain("alerts.stream", "patient.overview", "alerts.detail");
        for (WebElement what : browser.findAll("#entries td.what")) {
            assertThat(what.getText()).as("an action in words").doesNotContainPattern("[a-z]\\.[a-z]");
        }
        assertThat(browser.find("#no-matches").isDisplayed()).isFalse();
        browser.screenshot("sara");

        // Only the period of a month ago: the one alert Sara opened then.
        search("Sara", "", A_MONTH_AGO.toString(), A_MONTH_AGO.toString());
        browser.await(
                "the entry of a month ago alone",
                d -> d.findElements(By.cssSelector("#entries tr")).size() == 1
                        && d.findElement(By.cssSelector("#entries tr"))
                                .getAttribute("data-entry-id")
                                .equals(String.valueOf(oldEntry)));
        assertThat(browser.find("#entries tr").getText()).contains("Öppnade ett larm", "Sara Lind", "10:00");

        // By the patient's name, any case.
        search("", "greta", "", "");
        browser.await(
                "Greta's entries",
                d -> !rows(d).isEmpty()
                        && d.findElements(By.cssSelector("#entries td.patients")).stream()
                                .allMatch(td -> td.getText().contains("Greta Holm")));

        search("Zacharias", "", "", "");
        browser.await("no matches", d -> d.findElement(By.id("no-matches")).isDisplayed());
        assertThat(browser.find("#no-matches").getText()).isEqualTo("Inga träffar.");
        assertThat(browser.findAll("#entries tr")).isEmpty();
        assertThat(browser.find("#problem").getText()).isEmpty();
        browser.find("#lang-switch").click();
        browser.await(
                "English", d -> d.findElement(By.id("no-matches")).getText().equals("No matches."));
    }

    @Test
    void aNurseIsToldHerSearchIsRefused() throws Exception {
        browser = Browser.start("nurse-log");
        browser.signInToInbox(ingest.baseUrl(), "sara", "sara-secret-1");
        browser.open(ingest.baseUrl() + "/access-log.html");
        browser.await(
                "the refusal", d -> d.findElement(By.id("problem")).getText().contains("Sökningen nekades"));
        assertThat(browser.find("#problem").getText()).contains("MAS");
        assertThat(browser.find("#no-matches").isDisplayed())
                .as("a refusal is not an empty answer")
                .isFalse();
        assertThat(browser.findAll("#entries tr")).isEmpty();
    }

    /** Fills the form (date inputs as the browser holds them, yyyy-mm-dd) and submits it. */
    private void search(String who, String patient, String from, String to) {
        browser.script(
                "for (const [id, v] of Object.entries(arguments[0])) document.getElementById(id).value = v;",
                Map.of("from", from, "to", to));
        for (var field : Map.of("actor", who, "patient", patient).entrySet()) {
            WebElement input = browser.find("#" + field.getKey());
            input.clear();
            input.sendKeys(field.getValue());
        }
        // Wait for this search's answer, not the last one's: the table is emptied first.
        browser.script("document.getElementById('entries').replaceChildren();");
        browser.find("#go").click();
    }

    private static List<String> rows(WebDriver d) {
        return d.findElements(By.cssSelector("#entries tr")).stream()
                .map(WebElement::getText)
                .toList();
    }
}
