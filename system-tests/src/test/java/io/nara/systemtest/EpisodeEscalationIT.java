package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worse reading within an open episode (the hub's ESCALATED alert: potassium from above 5.5 to above 6.0) raises the
 * episode's open alert instead of paging a second one: one alert in the inbox, at the worse severity, with the step
 * in its trail, and the people it lies with are told again.
 */
class EpisodeEscalationIT {

    private static final String HUB = "hub-it-episode-1";
    /** Another home's hub: it may not close or raise the first hub's episodes, even when it names them. */
    private static final String OTHER_HUB = "hub-it-episode-2";

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A Tuesday at 10:00 in Stockholm: Anna and Agnes are on duty in the northern district. */
    private static final MutableClock clock = new MutableClock(LocalDateTime.of(2026, 11, 24, 10, 0)
            .atZone(ZoneId.of("Europe/Stockholm"))
            .toInstant());

    private static final AtomicLong seq = new AtomicLong();
    private static final List<JsonObject> paged = new CopyOnWriteArrayList<>();

    private static HttpServer pager;
    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static TestMqttClient otherHub;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        // The paging gateway: takes every delivery and remembers it.
        pager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pager.createContext("/page", exchange -> {
            paged.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes())));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        pager.start();
        AlertingSettings settings = AlertingSettings.defaults()
                .withScans(Duration.ofSeconds(5), Duration.ofMillis(100))
                .withWebhook(
                        URI.create("http://127.0.0.1:" + pager.getAddress().getPort() + "/page"),
                        "webhook-secret-for-tests-0123456789",
                        Duration.ofSeconds(2),
                        5,
                        Duration.ofMillis(100),
                        Duration.ofMillis(500));
        ingest = Alerting.startIngest(stack, clock, settings, Alerting.organisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        otherHub = new TestMqttClient(stack, OTHER_HUB, OTHER_HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, otherHub, ingest);
        if (pager != null) {
            pager.stop(0);
        }
    }

    @Test
    void aWorseReadingRaisesTheOpenAlertAndPagesTheNursesOnDutyAgain() throws Exception {
        String episode = "potassium@2026-11-24T09:00:00Z#" + UUID.randomUUID();
        long open = send(potassium(AlertStatus.RAISED, Severity.WARNING, 5.7, episode));
        await().atMost(DEADLINE).until(() -> pages(open, "routed").size() == 1);
        Instant before = clock.instant();

        long worse = send(potassium(AlertStatus.ESCALATED, Severity.URGENT, 6.3, episode));

        // One alert in Anna's inbox for this episode: the first one, now urgent.
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        JsonArray inbox = new JsonArray(anna.get("/api/inbox").body());
        List<JsonObject> mine = inbox.stream()
                .map(JsonObject.class::cast)
                .filter(a -> a.getLong("id") == open || a.getLong("id") == worse)
                .toList();
        assertThat(mine).singleElement().satisfies(a -> {
            assertThat(a.getLong("id")).isEqualTo(open);
            assertThat(a.getString("severity")).isEqualTo("URGENT");
        });
        // The urgent clock runs: 15 minutes from the worse reading, not the warning's 2 hours.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT severity, state, escalate_at <= '" + before.plus(Duration.ofMinutes(15))
                                + "'::timestamptz, escalate_after = interval '15 minutes' FROM alert_state WHERE alert_id = "
                                + open))
                .containsExactly(List.of("URGENT", "OPEN", true, true));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + open + " ORDER BY id"))
                .containsExactly(List.of("routed"), List.of("episode.escalated"));
        assertThat(Alerting.rows(ingest, "SELECT state FROM alert_state WHERE alert_id = " + worse))
                .containsExactly(List.of("RESOLVED"));
        // The nurses on duty are paged again, about the same alert, now urgent.
        await().atMost(DEADLINE).until(() -> pages(open, "raised").size() == 1);
        JsonObject page = pages(open, "raised").get(0);
        assertThat(page.getString("severity")).isEqualTo("URGENT");
        assertThat(page.getJsonArray("recipients").stream().map(r -> ((JsonObject) r).getString("personId")))
                .containsExactlyInAnyOrder("anna", "anna2");
        // The worse reading paged nobody of its own: no delivery of it was ever queued (queued with the routing, in
        // the transaction that stored it), which a webhook list that may not have arrived yet could not show.
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM notification WHERE alert_id = " + worse))
                .containsExactly(List.of(0L));
    }

    @Test
    void anAcknowledgedAlertStaysWithItsOwnerWhoIsToldOfTheWorseReading() throws Exception {
        String episode = "potassium@2026-11-24T09:30:00Z#" + UUID.randomUUID();
        long open = send(potassium(AlertStatus.RAISED, Severity.WARNING, 5.8, episode));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.post("/api/alerts/" + open + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(200);

        send(potassium(AlertStatus.ESCALATED, Severity.URGENT, 6.4, episode));

        assertThat(Alerting.rows(ingest, "SELECT severity, state, owner_id FROM alert_state WHERE alert_id = " + open))
                .containsExactly(List.of("URGENT", "ACKNOWLEDGED", "anna"));
        // Her reminder comes at the urgent time (1 hour after the worse reading), not the warning's 4 hours.
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT remind_at <= '" + clock.instant().plus(Duration.ofHours(1))
                                + "'::timestamptz FROM alert_state WHERE alert_id = " + open))
                .containsExactly(List.of(true));
        await().atMost(DEADLINE).until(() -> pages(open, "raised").size() == 1);
        assertThat(pages(open, "raised").get(0).getJsonArray("recipients").stream()
                        .map(r -> ((JsonObject) r).getString("personId")))
                .containsExactly("anna");
    }

    @Test
    void aWorseReadingAfterTheNurseResolvedTheAlertIsANewAlertNotALostOne() throws Exception {
        String episode = "potassium@2026-11-24T09:45:00Z#" + UUID.randomUUID();
        long first = send(potassium(AlertStatus.RAISED, Severity.WARNING, 5.6, episode));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.post("/api/alerts/" + first + "/resolve", new JsonObject().put("outcome", "PHONE_CALL"), true)
                        .statusCode())
                .isEqualTo(200);

        long worse = send(potassium(AlertStatus.ESCALATED, Severity.URGENT, 6.5, episode));

        assertThat(Alerting.rows(ingest, "SELECT severity, state FROM alert_state WHERE alert_id = " + worse))
                .containsExactly(List.of("URGENT", "OPEN"));
        await().atMost(DEADLINE).until(() -> pages(worse, "routed").size() == 1);
    }

    @Test
    void anotherHubCanNeitherCloseNorRaiseThisHubsEpisode() throws Exception {
        String episode = "potassium@2026-11-24T09:50:00Z#" + UUID.randomUUID();
        long open = send(potassium(AlertStatus.RAISED, Severity.URGENT, 6.2, episode));
        await().atMost(DEADLINE).until(() -> pages(open, "routed").size() == 1);

        // The other hub is not bound to Greta: both are refused, and kept whole in the rejected messages (nothing a
        // hub sends is lost), and the urgent alert stays open, unchanged, in the inbox.
        String outbox = UUID.randomUUID().toString();
        Alerting.publish(otherHub, OTHER_HUB, outbox, potassium(AlertStatus.RESOLVED, Severity.URGENT, 4.5, episode));
        Alerting.publish(otherHub, OTHER_HUB, outbox, potassium(AlertStatus.ESCALATED, Severity.URGENT, 6.9, episode));
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest,
                                "SELECT count(*) FROM rejected_message WHERE "
                                        + "hub_id = '" + OTHER_HUB + "' AND unauthorised AND problem LIKE '%patient "
                                        + Alerting.PATIENT
                                        + " is not bound to hub " + OTHER_HUB + "%'")
                        .equals(List.of(List.of(2L))));
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE hub_id = '" + OTHER_HUB + "'"))
                .containsExactly(List.of(0L));
        assertThat(Alerting.rows(ingest, "SELECT severity, state FROM alert_state WHERE alert_id = " + open))
                .containsExactly(List.of("URGENT", "OPEN"));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + open + " ORDER BY id"))
                .containsExactly(List.of("routed"));
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(new JsonArray(anna.get("/api/inbox").body())
                        .stream().map(JsonObject.class::cast).map(a -> a.getLong("id")))
                .contains(open);

        // Its own hub's RESOLVED still ends the episode; being urgent and unseen, the alert latches: it stays open,
        // marked as recovered, until a person acknowledges it.
        send(potassium(AlertStatus.RESOLVED, Severity.URGENT, 4.4, episode));
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT state, value_recovered_at IS NOT NULL FROM alert_state WHERE alert_id = " + open))
                .containsExactly(List.of("OPEN", true));
        assertThat(Alerting.rows(ingest, "SELECT kind FROM alert_event WHERE alert_id = " + open + " ORDER BY id"))
                .containsExactly(List.of("routed"), List.of("episode.resolved.latched"));
    }

    private static Alert potassium(AlertStatus status, Severity severity, double value, String episode) {
        long s = seq.incrementAndGet();
        String rule = severity == Severity.URGENT ? "potassium-very-high" : "potassium-high";
        return new Alert(
                s,
                Alerting.PATIENT,
                rule,
                severity,
                "2823-3",
                value,
                "mmol/L",
                "Kalium " + value + " / Potassium " + value,
                clock.instant(),
                s,
                "3",
                null,
                null,
                status,
                episode);
    }

    /** Publishes as the hub; the stored alert's id once it is stored and routed (one transaction). */
    private static long send(Alert alert) throws Exception {
        return Alerting.raise(ingest, hub, HUB, alert);
    }

    /** The staff's pages of one alert; a relative's message names no alert (it says no more than it must). */
    private static List<JsonObject> pages(long alertId, String event) {
        return paged.stream()
                .filter(p -> Long.valueOf(alertId).equals(p.getLong("alertId")) && event.equals(p.getString("event")))
                .toList();
    }
}
