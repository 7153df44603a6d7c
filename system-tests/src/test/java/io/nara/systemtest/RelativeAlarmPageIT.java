package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The relative's alarm on their own page in headless Chromium, at desktop size and on a 390×844 phone: Sara, whose
 * mother Greta consented to ALARM only (not to viewing readings), presses "Jag är orolig för Greta Holm", is asked to
 * confirm (cancelling raises nothing), adds a few words and sends; her page says it was received, and after the nurse
 * acknowledges it, without a reload, that someone has seen it. Lena, with VIEW consent only, sees no button, and the
 * API refuses her (403).
 */
class RelativeAlarmPageIT {

    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    /** The page looks again every 10 s until someone has seen the alarm; a loaded machine gets some slack. */
    private static final Duration SEEN_WAIT = Duration.ofSeconds(45);

    private static Services.Ingest ingest;
    private static Alerting.Session anna;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        JsonObject org = Alerting.organisation();
        JsonArray relatives = org.getJsonArray("patients").getJsonObject(0).getJsonArray("relatives");
        relatives.add(Alerting.relative("sara", "Sara Holm", "ALARM"));
        relatives.add(Alerting.relative("lena", "Lena Holm", "VIEW"));
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), org);
        anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @Test
    void theRelativeRaisesTheAlarmOnADesktop() throws Exception {
        try (Browser sara = Browser.start("relative-alarm-desktop")) {
            raiseAndSeeItSeen(sara, "desktop", "Hon svarar inte i telefon");
        }
    }

    @Test
    void theRelativeRaisesTheAlarmOnAPhone() throws Exception {
        try (Browser sara = Browser.start("relative-alarm-phone")) {
            sara.phone();
            raiseAndSeeItSeen(sara, "phone", "Pappa säger att hon är förvirrad");
            assertThat(sara.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("no sideways scrolling on a phone")
                    .isEqualTo(true);
        }
    }

    @Test
    void aRelativeWithoutTheAlarmConsentSeesNoButtonAndTheApiRefuses() throws Exception {
        try (Browser lena = Browser.start("relative-alarm-no-consent")) {
            lena.signIn(ingest.baseUrl(), "lena", "lena-secret-1");
            lena.await(
                    "Greta's page as Lena may view it",
                    d -> d.getCurrentUrl().endsWith("/relative.html")
                            && d.findElement(By.id("shared")).isDisplayed());
            assertThat(lena.find("#alarm").isDisplayed()).isFalse();
            assertThat(lena.find("#alarm-button").isDisplayed()).isFalse();
            long alerts = alarmAlerts();
            Object status = lena.script("return nara.api('POST', '/api/relative/alarm', {})"
                    + ".then(() => 200, e => e.status + ' ' + e.message)");
            assertThat(String.valueOf(status)).startsWith("403 Patienten har inte gett samtycke");
            assertThat(alarmAlerts()).isEqualTo(alerts);
            lena.screenshot("no-button");
        }
    }

    /**
     * Sara signs in, opens the confirmation and cancels (nothing raised), then raises the alarm with {@code words};
     * Anna acknowledges it and Sara's page says someone has seen it; Anna then resolves it, so each run starts anew.
     */
    private static void raiseAndSeeItSeen(Browser sara, String size, String words) throws Exception {
        sara.signIn(ingest.baseUrl(), "sara", "sara-secret-1");
        sara.await(
                "the alarm button on Sara's page",
                d -> d.getCurrentUrl().endsWith("/relative.html")
                        && d.findElement(By.id("alarm-button")).isDisplayed());
        assertThat(sara.find("#alarm-button").getText()).isEqualTo("Jag är orolig för Greta Holm");
        // ALARM without VIEW: the button and nothing of her readings, and not "nothing shared" either.
        assertThat(sara.find("#shared").isDisplayed()).isFalse();
        assertThat(sara.find("#nothing").isDisplayed()).isFalse();
        long before = alarmAlerts();

        // The first tap only asks; cancelling raises nothing.
        sara.find("#alarm-button").click();
        sara.await(
                "the confirmation", d -> d.findElement(By.id("alarm-confirm")).isDisplayed());
        sara.find("#alarm-cancel").click();
        sara.await(
                "the confirmation closed",
                d -> !d.findElement(By.id("alarm-confirm")).isDisplayed());
        assertThat(alarmAlerts()).isEqualTo(before);

        sara.find("#alarm-button").click();
        sara.await(
                "the confirmation", d -> d.findElement(By.id("alarm-confirm")).isDisplayed());
        sara.find("#alarm-text").sendKeys(words);
        sara.screenshot("confirm-" + size);
        sara.find("#alarm-send").click();
        sara.await(
                "the alarm received",
                d -> "RECEIVED".equals(d.findElement(By.id("alarm-state")).getAttribute("data-progress")));
        assertThat(sara.find("#alarm-state").getText()).contains("Ditt larm har tagits emot");
        assertThat(sara.find("#alarm-confirm").isDisplayed()).isFalse();
        assertThat(alarmAlerts()).isEqualTo(before + 1);
        List<List<Object>> raised = Alerting.rows(
                ingest, "SELECT id, message FROM alert WHERE rule_id = 'relative-alarm' ORDER BY id DESC LIMIT 1");
        long id = ((Number) raised.get(0).get(0)).longValue();
        assertThat((String) raised.get(0).get(1)).contains("Sara Holm", words);
        sara.screenshot("received-" + size);

        HttpResponse<String> ack = anna.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        sara.await(
                "the alarm seen, without a reload",
                SEEN_WAIT,
                d -> "SEEN".equals(d.findElement(By.id("alarm-state")).getAttribute("data-progress")));
        assertThat(sara.find("#alarm-state").getText())
                .contains("Någon i vården har sett ditt larm")
                .doesNotContain("Anna");
        sara.screenshot("seen-" + size);

        HttpResponse<String> resolved =
                anna.post("/api/alerts/" + id + "/resolve", new JsonObject().put("outcome", "PHONE_CALL"), true);
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    }

    private static long alarmAlerts() throws Exception {
        return ((Number) Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE rule_id = 'relative-alarm'")
                        .get(0)
                        .get(0))
                .longValue();
    }
}
