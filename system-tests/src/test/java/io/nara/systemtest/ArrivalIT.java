package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * How an alert arrives in the nurse's inbox and how she works it without a mouse or on a phone, in headless Chromium
 * against a real ingest node, broker and databases: the alarm tone (read from the page's audio state, which follows
 * the AudioContext and its oscillators), the count in the tab title and on the favicon, the screen-reader announcement,
 * silencing one alert; keyboard-only acknowledge-to-resolve; the card layout at 390 × 844.
 */
class ArrivalIT {

    private static final String HUB = "hub-it-arrival-1";
    // Tuesday noon in Stockholm: Anna (home-nursing-north) is on duty.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final AtomicLong seq = new AtomicLong();

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser anna;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    /** Each test starts from an empty inbox: what one left open is acknowledged and resolved. */
    @AfterEach
    void closeBrowserAndAlerts() throws Exception {
        Services.closeAll(anna);
        var session = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        for (Object o : new JsonArray(session.get("/api/inbox").body())) {
            JsonObject a = (JsonObject) o;
            if ("OPEN".equals(a.getString("state"))) {
                session.post("/api/alerts/" + a.getLong("id") + "/acknowledge", new JsonObject(), true);
            }
            session.post(
                    "/api/alerts/" + a.getLong("id") + "/resolve",
                    new JsonObject().put("outcome", "NO_ACTION_NEEDED"),
                    true);
        }
    }

    @Test
    void anUrgentAlertSoundsCountsAndIsAnnouncedUntilSilencedOrAcknowledged() throws Exception {
        anna = Browser.start("arrival-anna");
        signIn(anna);
        // The browser blocks sound until the page has been used: the page says so, and nothing sounds yet.
        assertThat(anna.find("#sound-prompt").isDisplayed()).isTrue();
        assertThat(anna.find("#sound-prompt").getText()).contains("Slå på ljud", "Webbläsaren spelar inga ljud");
        assertThat(sound(anna)).isEqualTo("off");
        assertThat(anna.driver().getTitle()).isEqualTo("Larm – Nära");

        anna.find("#sound-on").click();
        anna.await("the sound on and the prompt gone", d -> !"off".equals(sound(anna)));
        assertThat(anna.find("#sound-prompt").isDisplayed()).isFalse();
        assertThat(anna.find("#sound-state").getText()).isEqualTo("Larmljud på");
        // Notifications are asked for from a button, never on load; here the browser is told to say yes.
        assertThat(anna.find("#notify-on").getText()).isEqualTo("Tillåt aviseringar");
        anna.cdp(
                "Browser.grantPermissions",
                Map.of("origin", ingest.baseUrl(), "permissions", List.of("notifications")));
        anna.find("#notify-on").click();
        anna.await(
                "notifications on",
                d -> d.findElement(By.id("notify-state")).getText().equals("Aviseringar på"));
        assertThat(anna.find("#notify-on").isDisplayed()).isFalse();

        long first = raise(Severity.URGENT);
        anna.await("(1) in the title", d -> d.getTitle().equals("(1) Larm – Nära"));
        anna.await(
                "the assertive live region naming the alert",
                d -> d.findElement(By.id("announce-urgent"))
                        .getAttribute("textContent")
                        .matches("Nytt larm, Brådskande: Greta Holm – .*Systoliskt blodtryck.* 85 mmHg"));
        assertThat(anna.find("#announce-urgent").getAttribute("aria-live")).isEqualTo("assertive");
        anna.await(
                "the first alert sounding",
                d -> "playing".equals(rowSound(anna, first)) && "playing".equals(sound(anna)));
        assertThat(anna.find("link[rel='icon']").getAttribute("data-count")).isEqualTo("1");
        assertThat(anna.find("#notify-state").getText())
                .as("the notification shown without an error")
                .isEqualTo("Aviseringar på");
        assertThat(anna.find("link[rel='icon']").getAttribute("href")).startsWith("data:image/png;base64,");

        long second = raise(Severity.URGENT);
        anna.await("(2) in the title", d -> d.getTitle().equals("(2) Larm – Nära"));
        anna.await(
                "both sounding",
                d -> "playing".equals(rowSound(anna, first)) && "playing".equals(rowSound(anna, second)));
        anna.screenshot("1-two-urgent-sounding");

        // Silencing the first quiets only the first: the second still sounds.
        WebElement silence = anna.find("#unowned tr[data-alert-id='" + first + "'] button.silence");
        assertThat(silence.getText()).isEqualTo("Tysta larmljud");
        silence.click();
        anna.await("the first silenced", d -> "silenced".equals(rowSound(anna, first)));
        assertThat(rowSound(anna, second)).isEqualTo("playing");
        assertThat(sound(anna)).isEqualTo("playing");
        assertThat(anna.find("#unowned tr[data-alert-id='" + first + "'] button.silence")
                        .getAttribute("aria-pressed"))
                .isEqualTo("true");

        // Opening the first counts it as read.
        anna.click("#unowned tr[data-alert-id='" + first + "']");
        anna.await("(1) in the title after opening one", d -> d.getTitle().equals("(1) Larm – Nära"));

        // Acknowledging the second stops the alarm: nothing waits that is not silenced.
        anna.click("#unowned tr[data-alert-id='" + second + "'] button.ack");
        anna.await(
                "the second in the owned list",
                d -> !d.findElements(By.cssSelector("#owned tr[data-alert-id='" + second + "']"))
                        .isEmpty());
        anna.await("the alarm stopped", d -> "quiet".equals(sound(anna)));
        assertThat(rowSound(anna, second)).isNull();
        assertThat(anna.driver().getTitle()).isEqualTo("Larm – Nära");
        assertThat(anna.find("link[rel='icon']").getAttribute("data-count")).isEqualTo("0");
        anna.screenshot("2-silenced-and-acknowledged");

        // A warning is announced politely, counted, and does not start the repeating alarm.
        long warning = raise(Severity.WARNING);
        anna.await(
                "the polite live region naming the warning",
                d -> d.findElement(By.id("announce"))
                        .getAttribute("textContent")
                        .startsWith("Nytt larm, Varning: Greta Holm"));
        anna.await("(1) for the warning", d -> d.getTitle().equals("(1) Larm – Nära"));
        assertThat(rowSound(anna, warning)).isNull();
        assertThat(anna.findAll("#unowned tr[data-alert-id='" + warning + "'] button.silence"))
                .isEmpty();
    }

    @Test
    void aNurseAcknowledgesAndResolvesAnAlertWithTheKeyboardAlone() throws Exception {
        anna = Browser.start("arrival-keyboard");
        signIn(anna);
        long id = raise(Severity.URGENT);
        String row = "tr[data-alert-id='" + id + "']";
        anna.await(
                "the alert listed",
                d -> !d.findElements(By.cssSelector("#unowned " + row)).isEmpty());

        tabUntil("the alert's row", e -> id(e).equals(String.valueOf(id)) && "tr".equals(e.getTagName()));
        assertThat(anna.script("return getComputedStyle(document.activeElement).outlineStyle;"))
                .as("a visible focus outline")
                .isNotEqualTo("none");
        press(Keys.ENTER);
        anna.await("the detail's heading focused", d -> inDetail() && "h3".equals(active().getTagName()));
        assertThat(active().getText()).contains("Brådskande");
        // Every input of the detail has a label; the snooze says its unit.
        assertThat((List<?>) anna.script("return [...document.querySelectorAll('#detail input, #detail select')]"
                        + ".filter(i => i.labels.length === 0).map(i => i.id);"))
                .as("inputs without a label")
                .isEmpty();
        assertThat(anna.find("label[for='snooze-minutes']").getText()).contains("minuter");

        press(Keys.ESCAPE);
        anna.await(
                "back on the row",
                d -> d.findElement(By.id("detail")).getAttribute("hidden") != null
                        && "tr".equals(active().getTagName())
                        && id(active()).equals(String.valueOf(id)));
        press(Keys.TAB);
        assertThat(active().getAttribute("class")).isEqualTo("ack");
        press(Keys.ENTER);
        anna.await(
                "focus on the acknowledged alert's row among the owned",
                d -> "tr".equals(active().getTagName())
                        && id(active()).equals(String.valueOf(id))
                        && "owned".equals(active().findElement(By.xpath("..")).getAttribute("id")));

        press(Keys.SPACE);
        anna.await("the detail open again, its heading focused", d -> inDetail() && "h3".equals(active().getTagName()));
        tabUntil("the outcome", e -> "resolve-outcome".equals(e.getAttribute("id")));
        for (int i = 0; i < 10 && !"PHONE_CALL".equals(active().getAttribute("value")); i++) {
            press(Keys.ARROW_DOWN);
        }
        assertThat(active().getAttribute("value")).isEqualTo("PHONE_CALL");
        tabUntil("the note", e -> "resolve-note".equals(e.getAttribute("id")));
        new Actions(anna.driver())
                .sendKeys("Ringde, mår bra")
                .sendKeys(Keys.ENTER)
                .perform();

        anna.await("the alert resolved", d -> {
            try {
                return Alerting.rows(ingest, "SELECT state, outcome FROM alert_state WHERE alert_id = " + id)
                        .equals(List.of(List.of("RESOLVED", "PHONE_CALL")));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        anna.await("focus on the resolved alert's heading", d -> inDetail() && "h3".equals(active().getTagName()));
        anna.await(
                "the row gone",
                d -> d.findElements(By.cssSelector("#inbox " + row)).isEmpty());
        press(Keys.ESCAPE);
        anna.await("focus somewhere sensible after closing", d -> !"body".equals(active().getTagName()));
        anna.screenshot("keyboard-resolved");
    }

    @Test
    void onAPhoneEachAlertIsACardWithLargeButtonsAndNoSidewaysScroll() throws Exception {
        anna = Browser.start("arrival-phone");
        anna.phone();
        signIn(anna);
        long id = raise(Severity.URGENT);
        raise(Severity.WARNING);
        String row = "#unowned tr[data-alert-id='" + id + "']";
        anna.await("the alert listed", d -> !d.findElements(By.cssSelector(row)).isEmpty());
        assertThat(anna.script("return window.innerWidth;")).isEqualTo(390L);
        assertThat((Long) anna.script("return document.documentElement.scrollWidth;"))
                .isLessThanOrEqualTo(390L);
        Map<String, Object> ack = rect(row + " button.ack");
        assertThat(number(ack, "left")).isGreaterThanOrEqualTo(0);
        assertThat(number(ack, "right")).isLessThanOrEqualTo(390);
        assertThat(number(ack, "height")).isGreaterThanOrEqualTo(44);
        assertThat(number(ack, "width")).isGreaterThanOrEqualTo(44);
        assertThat(number(rect(row + " button.silence"), "height")).isGreaterThanOrEqualTo(44);
        assertThat(number(rect(row), "height")).isGreaterThanOrEqualTo(44);
        assertThat(number(rect(row), "right")).isLessThanOrEqualTo(390);
        assertThat(anna.find(row).getText()).contains("Brådskande", "Greta Holm", "85 mmHg");
        anna.screenshot("phone-1-cards");

        anna.find(row).click();
        anna.await("the detail's heading in view", d -> inDetail() && "h3".equals(active().getTagName()));
        Map<String, Object> heading = rect("#detail h3");
        assertThat(number(heading, "top")).isBetween(0.0, 844.0);
        assertThat((Long) anna.script("return document.documentElement.scrollWidth;"))
                .as("no sideways scroll with the detail open")
                .isLessThanOrEqualTo(390L);
        assertThat(number(rect("#resolve-form button"), "height")).isGreaterThanOrEqualTo(44);
        anna.screenshot("phone-2-detail");
    }

    private void signIn(Browser b) {
        b.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        b.await(
                "the live stream connecting",
                d -> d.findElement(By.id("live")).getAttribute("class").equals("on"));
    }

    private static long raise(Severity severity) throws Exception {
        return Alerting.raise(
                ingest, hub, HUB, Alerting.alert(seq.incrementAndGet(), severity, null, null, clock.instant()));
    }

    private static String sound(Browser b) {
        return (String) b.script("return document.body.dataset.sound;");
    }

    private static String rowSound(Browser b, long id) {
        return (String) b.script(
                "const tr = document.querySelector(`#inbox tr[data-alert-id='${arguments[0]}']`);"
                        + " return tr ? tr.dataset.sound ?? null : null;",
                id);
    }

    private WebElement active() {
        return anna.driver().switchTo().activeElement();
    }

    private boolean inDetail() {
        return Boolean.TRUE.equals(
                anna.script("return document.getElementById('detail').contains(document.activeElement);"));
    }

    private static String id(WebElement e) {
        String id = e.getAttribute("data-alert-id");
        return id == null ? "" : id;
    }

    private void press(CharSequence key) {
        new Actions(anna.driver()).sendKeys(key).perform();
        // Read in the page in one step: a live update may redraw the list between two WebDriver calls.
        assertThat(anna.script("return document.activeElement.tagName.toLowerCase();"))
                .as("focus after " + key.toString().codePointAt(0))
                .isNotEqualTo("body");
    }

    /** Presses Tab until the focused element matches, at most 60 times; focus is never on nothing in between. */
    private void tabUntil(String what, Predicate<WebElement> target) {
        for (int i = 0; i < 60; i++) {
            if (target.test(active())) {
                return;
            }
            press(Keys.TAB);
        }
        throw new AssertionError("Tab never reached " + what + "; focus on " + active().getTagName());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> rect(String css) {
        return (Map<String, Object>) anna.script(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                        + " return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};",
                css);
    }

    private static double number(Map<String, Object> rect, String key) {
        return ((Number) rect.get(key)).doubleValue();
    }
}
