package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The nurse's inbox page in headless Chromium against a real ingest node, broker and databases: two nurses of one
 * team signed in, an alert from a hub appears live in both inboxes, one acknowledges it with a click, and it leaves
 * the other's list of unowned alerts for the owned list, with her name on it. No page reloads after sign-in.
 */
class InboxPageIT {

    private static final String HUB = "hub-it-inbox-page-1";
    // Tuesday noon in Stockholm: Anna and Agnes (home-nursing-north) are both on duty.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser anna;
    private Browser agnes;

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

    @AfterEach
    void closeBrowsers() throws Exception {
        Services.closeAll(anna, agnes);
    }

    @Test
    void anAlertAppearsLiveForBothNursesAndLeavesTheOthersUnownedListWhenOneAcknowledgesIt() throws Exception {
        anna = Browser.start("anna");
        agnes = Browser.start("agnes");
        signIn(anna, "anna", "anna-secret-1", "Anna Sjöberg");
        signIn(agnes, "agnes", "agnes-secret-1", "Agnes Lund");
        for (Browser b : new Browser[] {anna, agnes}) {
            // Marks this page load: the marker survives only if nothing reloads the page from here on.
            b.script("window.naraTestMarker = 'same page';");
            b.await(
                    "the live stream connecting",
                    d -> d.findElement(By.id("live")).getAttribute("class").equals("on"));
            assertThat(b.findAll("#unowned tr")).isEmpty();
        }

        long id = Alerting.raise(ingest, hub, HUB, Alerting.alert(1, Severity.URGENT, null, null, clock.instant()));
        String row = "tr[data-alert-id='" + id + "']";

        for (Browser b : new Browser[] {anna, agnes}) {
            WebElement tr = b.await(
                    "the alert in the unowned list",
                    d -> d.findElements(By.cssSelector("#unowned " + row)).stream()
                            .findFirst()
                            .orElse(null));
            assertThat(tr.getText()).contains("Brådskande", "Greta Holm", "85", "mmHg");
            assertThat(tr.getAttribute("class")).contains("URGENT");
        }
        agnes.screenshot("1-alert-arrived");

        anna.find("#unowned " + row + " button.ack").click();

        anna.await(
                "the alert in Anna's owned list",
                d -> d.findElements(By.cssSelector("#owned " + row)).size() == 1
                        && d.findElements(By.cssSelector("#unowned " + row)).isEmpty());
        agnes.await(
                "the alert leaving Agnes's unowned list",
                d -> d.findElements(By.cssSelector("#unowned " + row)).isEmpty());
        WebElement owned = agnes.await(
                "the alert in Agnes's owned list, Anna's",
                d -> d.findElements(By.cssSelector("#owned " + row)).stream()
                        .findFirst()
                        .orElse(null));
        assertThat(owned.getText()).contains("Anna Sjöberg");
        assertThat(agnes.findAll("#owned " + row + " button.ack")).isEmpty();
        assertThat(agnes.find("#empty").isDisplayed())
                .as("'no unowned alerts' shown")
                .isTrue();
        assertThat(agnes.find("#who").getText()).contains("Agnes Lund", "Hemsjukvård Norr");
        agnes.screenshot("2-owned-by-anna");
        anna.screenshot("2-acknowledged");

        for (Browser b : new Browser[] {anna, agnes}) {
            assertThat(b.script("return window.naraTestMarker;"))
                    .as("no reload")
                    .isEqualTo("same page");
        }
        assertThat(Alerting.rows(ingest, "SELECT state, owner_id FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("ACKNOWLEDGED", "anna"));
    }

    private void signIn(Browser b, String user, String password, String name) {
        b.signInToInbox(ingest.baseUrl(), user, password);
        b.await(name + " signed in", d -> d.findElement(By.id("who")).getText().contains(name));
    }
}
