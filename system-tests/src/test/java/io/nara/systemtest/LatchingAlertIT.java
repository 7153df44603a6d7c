package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * An URGENT alert latches: when the next reading is normal (the hub's RESOLVED alert for the episode) it stays in the
 * inbox, marked "värdet har återgått", escalates if nobody acknowledges it, and leaves only when a person has
 * acknowledged and resolved it. A WARNING closes itself then, marked closed automatically, and is listed for review.
 * Against the real broker and PostgreSQL, the inbox page in headless Chromium; the test sets the time.
 */
class LatchingAlertIT {

    private static final String HUB = "hub-it-latch-1";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    // Tuesday noon in Stockholm: Anna is on duty in the northern district, David on call in the region.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final AtomicLong seq = new AtomicLong();

    private static Services.Ingest ingest;
    private static TestMqttClient hub;

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

    @Test
    void anUrgentAlertWhoseValueRecoversStaysEscalatesAndLeavesOnlyWhenAPersonResolvesIt() throws Exception {
        String episode = "systolic-low@" + clock.instant() + "#" + UUID.randomUUID();
        long urgent = send(systolic(AlertStatus.RAISED, Severity.URGENT, 82, episode));
        send(systolic(AlertStatus.RESOLVED, Severity.URGENT, 124, episode));

        // Still open, unseen, with its escalation clock running, marked as recovered.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT state, team_id, escalate_at IS NOT NULL, value_recovered_at IS NOT NULL, auto_closed"
                                + " FROM alert_state WHERE alert_id = " + urgent))
                .containsExactly(List.of("OPEN", "home-nursing-north", true, true, false));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        JsonObject inAnnas = inbox(anna, urgent).orElseThrow();
        assertThat(inAnnas.getString("state")).isEqualTo("OPEN");
        assertThat(inAnnas.getString("recoveredAt")).isEqualTo(clock.instant().toString());

        // A repeated RESOLVED of the episode neither closes it nor adds a step.
        send(systolic(AlertStatus.RESOLVED, Severity.URGENT, 126, episode));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + urgent + " ORDER BY id"))
                .containsExactly(List.of("routed"), List.of("episode.resolved.latched"));
        assertThat(Alerting.rows(ingest, "SELECT state FROM alert_state WHERE alert_id = " + urgent))
                .containsExactly(List.of("OPEN"));

        // Nobody acknowledges: it escalates to the region's on-call doctor like any unseen urgent alert.
        clock.advance(Duration.ofMinutes(31));
        ingest.service()
                .escalator()
                .escalateDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest, "SELECT team_id, tier, state FROM alert_state WHERE alert_id = " + urgent)
                        .equals(List.of(List.of("region-oncall", 1, "OPEN"))));
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        assertThat(inbox(david, urgent))
                .hasValueSatisfying(a -> assertThat(a.getString("recoveredAt")).isNotNull());

        // David acknowledges: it is his, still in view until he records what was done.
        assertThat(david.post("/api/alerts/" + urgent + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(200);
        assertThat(inbox(david, urgent))
                .hasValueSatisfying(a -> assertThat(a.getString("state")).isEqualTo("ACKNOWLEDGED"));
        HttpResponse<String> resolve = david.post(
                "/api/alerts/" + urgent + "/resolve",
                new JsonObject().put("outcome", "PHONE_CALL").put("note", "Mår bra, mätte igen"),
                true);
        assertThat(resolve.statusCode()).as(resolve.body()).isEqualTo(200);
        assertThat(inbox(david, urgent)).isEmpty();
        assertThat(inbox(anna, urgent)).isEmpty();
        assertThat(Alerting.rows(
                        ingest, "SELECT state, owner_id, auto_closed FROM alert_state WHERE alert_id = " + urgent))
                .containsExactly(List.of("RESOLVED", "david", false));
    }

    @Test
    void aWarningWhoseValueRecoversClosesItselfAndIsListedAsClosedAutomatically() throws Exception {
        String episode = "systolic-high@" + clock.instant() + "#" + UUID.randomUUID();
        long warning = send(systolic(AlertStatus.RAISED, Severity.WARNING, 168, episode));
        send(systolic(AlertStatus.RESOLVED, Severity.WARNING, 131, episode));

        assertThat(Alerting.rows(
                        ingest,
                        "SELECT state, escalate_at, auto_closed, value_recovered_at FROM alert_state WHERE alert_id = "
                                + warning))
                .containsExactly(Arrays.asList("RESOLVED", null, true, null));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + warning + " ORDER BY id"))
                .containsExactly(List.of("routed"), List.of("episode.resolved"));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(inbox(anna, warning)).isEmpty();
        HttpResponse<String> closed = anna.get("/api/inbox?closed=auto");
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        assertThat(new JsonArray(closed.body())
                        .stream()
                                .map(JsonObject.class::cast)
                                .filter(a -> a.getLong("id") == warning)
                                .toList())
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getBoolean("autoClosed")).isTrue();
                    assertThat(a.getString("state")).isEqualTo("RESOLVED");
                    assertThat(a.getString("resolvedAt")).isNotNull();
                });
        // Only what the person may see: a nurse of another district sees none of Greta's.
        var eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        assertThat(new JsonArray(eva.get("/api/inbox?closed=auto").body())
                        .stream().map(JsonObject.class::cast).map(a -> a.getLong("id")))
                .doesNotContain(warning);
        // A closed list that does not exist is named, not ignored.
        HttpResponse<String> bad = anna.get("/api/inbox?closed=all");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("closed must be 'auto'");
    }

    @Test
    void theInboxPageMarksTheLatchedAlertAndListsTheOneClosedAutomatically() throws Exception {
        try (Browser anna = Browser.start("latch-anna")) {
            anna.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
            anna.await(
                    "the live stream connecting",
                    d -> d.findElement(By.id("live")).getAttribute("class").equals("on"));
            String urgentEpisode = "systolic-low@" + clock.instant() + "#" + UUID.randomUUID();
            long urgent = send(systolic(AlertStatus.RAISED, Severity.URGENT, 82, urgentEpisode));
            String warningEpisode = "systolic-high@" + clock.instant() + "#" + UUID.randomUUID();
            long warning = send(systolic(AlertStatus.RAISED, Severity.WARNING, 171, warningEpisode));
            send(systolic(AlertStatus.RESOLVED, Severity.URGENT, 120, urgentEpisode));
            send(systolic(AlertStatus.RESOLVED, Severity.WARNING, 130, warningEpisode));

            // Live, without a reload: the urgent alert stays, marked; the warning moves to the closed list.
            WebElement row = anna.await(
                    "the urgent alert marked as recovered",
                    d -> d.findElements(By.cssSelector("#unowned tr[data-alert-id='" + urgent + "']")).stream()
                            .filter(tr -> tr.getText().contains("Värdet har återgått"))
                            .findFirst()
                            .orElse(null));
            assertThat(row.getText()).contains("Brådskande", "82");
            anna.await(
                    "the warning in the closed-automatically list",
                    d -> d.findElements(By.cssSelector("#auto-closed tr[data-alert-id='" + warning + "']"))
                                    .size()
                            == 1);
            assertThat(anna.findAll("#unowned tr[data-alert-id='" + warning + "']"))
                    .isEmpty();
            anna.screenshot("1-latched-and-auto-closed");

            // Its history says what happened in words, not as a stored step name.
            row.click();
            WebElement trail = anna.await(
                    "the trail of the urgent alert",
                    d -> d.findElements(By.cssSelector("#trail li")).size() == 2
                            ? d.findElement(By.id("trail"))
                            : null);
            assertThat(trail.getText())
                    .contains("värdet har återgått; larmet ligger kvar tills någon kvitterar")
                    .doesNotContain("episode.resolved");
            assertThat(anna.find("#recovered").getText()).contains("Värdet har återgått");

            // After a reload the closed list still holds the warning (from GET /api/inbox?closed=auto).
            anna.open(ingest.baseUrl() + "/");
            anna.await(
                    "the warning listed after a reload",
                    d -> d.findElements(By.cssSelector("#auto-closed tr[data-alert-id='" + warning + "']"))
                                    .size()
                            == 1);
            anna.script("localStorage.setItem('nara.lang', 'en'); document.documentElement.lang = 'en';");
            anna.open(ingest.baseUrl() + "/");
            anna.await(
                    "the English mark",
                    d -> d.findElements(By.cssSelector("#unowned tr[data-alert-id='" + urgent + "']")).stream()
                            .anyMatch(tr -> tr.getText().contains("The value has returned to normal")));
            anna.screenshot("2-english");

            // On a phone, in Swedish: the latched alert is still there until a person acknowledges it, and its
            // Kvittera button is on the screen.
            anna.script("localStorage.setItem('nara.lang', 'sv');");
            anna.phone();
            anna.open(ingest.baseUrl() + "/");
            WebElement ack =
                    anna.await(
                            "the latched alert's Kvittera on a phone",
                            d -> d
                                    .findElements(
                                            By.cssSelector("#unowned tr[data-alert-id='" + urgent + "'] button.ack"))
                                    .stream()
                                    .findFirst()
                                    .orElse(null));
            assertThat((Boolean) anna.script(
                            "const r = arguments[0].getBoundingClientRect();"
                                    + " return r.left >= 0 && r.right <= window.innerWidth && r.height >= 44;",
                            ack))
                    .as("Kvittera within the 390 px screen and at least 44 px high")
                    .isTrue();
            ack.click();
            anna.await(
                    "the acknowledged alert among the owned, no longer unowned",
                    d -> d.findElements(By.cssSelector("#owned tr[data-alert-id='" + urgent + "']"))
                                            .size()
                                    == 1
                            && d.findElements(By.cssSelector("#unowned tr[data-alert-id='" + urgent + "']"))
                                    .isEmpty());
            anna.screenshot("3-phone-acknowledged");
        }
    }

    private static Alert systolic(AlertStatus status, Severity severity, double value, String episode) {
        long s = seq.incrementAndGet();
        return new Alert(
                s,
                Alerting.PATIENT,
                severity == Severity.URGENT ? "systolic-low" : "systolic-high",
                severity,
                "8480-6",
                value,
                "mm[Hg]",
                "Systoliskt blodtryck / Systolic blood pressure",
                clock.instant(),
                s,
                "v1",
                null,
                null,
                status,
                episode);
    }

    /** Publishes as the hub; the stored alert's id once it is stored and routed (one transaction). */
    private static long send(Alert alert) throws Exception {
        return Alerting.raise(ingest, hub, HUB, alert);
    }

    /** The alert in the person's open inbox, if it is there. */
    private static Optional<JsonObject> inbox(Alerting.Session who, long alertId) throws Exception {
        HttpResponse<String> r = who.get("/api/inbox");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonArray(r.body())
                .stream()
                        .map(JsonObject.class::cast)
                        .filter(a -> a.getLong("id") == alertId)
                        .findFirst();
    }
}
