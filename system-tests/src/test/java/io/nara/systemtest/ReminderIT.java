package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.alerting.Escalator;
import io.nara.ingest.notify.ChannelSettings;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An acknowledged alert nobody resolves is not forgotten: after its severity's time its owner is reminded (once,
 * although two ingest nodes scan at the same moment), and after a second period it goes back to the people on duty
 * as unowned, from where the escalation policy takes over. Real PostgreSQL, broker and SMTP server (GreenMail); time
 * is a clock the test moves.
 */
class ReminderIT {

    private static final String HUB = "hub-it-remind-1";
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    // Tuesday 09:00 in Stockholm: the day nurses Anna and Agnes are on duty until 16:00.
    private static final MutableClock clock = new MutableClock(local(9, 0));
    private static final AtomicLong seq = new AtomicLong();
    private static GreenMail smtp;
    private static Services.Ingest node1;
    private static Services.Ingest node2;
    private static TestMqttClient hub;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        int smtpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            smtpPort = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        smtp.start();
        var postgres = stack.freshPostgres();
        var influx = stack.freshInflux();
        String group = "it-" + UUID.randomUUID().toString().substring(0, 8);
        // Both nodes scan on their own every 200 ms, besides the scans the test fires at the same moment.
        AlertingSettings settings = AlertingSettings.defaults()
                .withScans(Duration.ofMillis(200), Duration.ofMillis(100))
                .withSmtp(new ChannelSettings.Smtp("127.0.0.1", smtpPort, "nara@kommun.test", null, null, false));
        node1 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        node2 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        await().atMost(DEADLINE)
                .until(() -> node1.service().health().healthy()
                        && node2.service().health().healthy());
        Alerting.importOrganisation(node1, Alerting.organisation());
        HomeEnrolment.enrol(node1, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, node1, node2, smtp == null ? null : smtp::stop);
    }

    @Test
    void anAcknowledgedUrgentAlertRemindsItsOwnerOnceThenReturnsToThePeopleOnDutyAndEscalates() throws Exception {
        Instant start = local(9, 0);
        clock.set(start);
        long id = raise(Severity.URGENT);
        var anna = Alerting.Session.of(node1.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> ack = anna.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(Instant.parse(new JsonObject(ack.body()).getString("remindAt")))
                .isEqualTo(start.plus(Duration.ofHours(1)));

        // Her open inbox page listens to the live stream (closed however the assertions in it end).
        try (EventStream annasPage =
                EventStream.withCookie(node2.baseUrl() + "/api/alerts/stream", anna.cookie(), "update")) {
            await().atMost(DEADLINE).until(annasPage::connected);

            // 59 minutes later nothing has happened: the nurse may still be on her way.
            clock.set(start.plus(Duration.ofMinutes(59)));
            race();
            assertThat(steps(id)).containsExactly("routed", "acknowledged");

            // After an hour: one reminder, to Anna alone, whatever the two nodes do at the same moment.
            clock.set(start.plus(Duration.ofHours(1)).plusSeconds(1));
            race();
            await().atMost(DEADLINE).until(() -> steps(id).contains("reminded"));
            race();
            assertThat(steps(id)).containsExactly("routed", "acknowledged", "reminded");
            assertThat(Alerting.rows(
                            node1, "SELECT people FROM alert_event WHERE kind = 'reminded' AND alert_id = " + id))
                    .containsExactly(List.of(List.of("anna")));
            await().atMost(DEADLINE).until(() -> mails(id, "Reminder").size() == 1);
            // Her live inbox hears it too: the alert, still hers, now with one reminder.
            await().atMost(DEADLINE)
                    .until(() -> annasPage.events().stream()
                            .map(JsonObject::new)
                            .anyMatch(e -> e.getLong("id") == id && e.getInteger("reminders") == 1));
        }
        MimeMessage reminder = mails(id, "Reminder").get(0);
        assertThat(reminder.getAllRecipients()[0].toString()).isEqualTo("anna@kommun.test");
        assertThat(reminder.getSubject()).startsWith("Påminnelse / Reminder: Brådskande larm");
        assertThat(Alerting.rows(node1, "SELECT state, owner_id FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("ACKNOWLEDGED", "anna"));

        // Still unresolved an hour after the reminder: back to whoever is on duty in her team, unowned, once.
        Instant back = start.plus(Duration.ofHours(2)).plusSeconds(2);
        clock.set(back);
        race();
        await().atMost(DEADLINE).until(() -> steps(id).contains("returned"));
        race();
        assertThat(steps(id)).containsExactly("routed", "acknowledged", "reminded", "returned");
        assertThat(Alerting.rows(
                        node1, "SELECT to_team, people FROM alert_event WHERE kind = 'returned' AND alert_id = " + id))
                .containsExactly(List.of("home-nursing-north", List.of("anna", "anna2")));
        assertThat(Alerting.rows(
                        node1,
                        "SELECT state, owner_id, team_id, escalate_at = '" + back.plus(Duration.ofMinutes(15))
                                + "'::timestamptz FROM alert_state WHERE alert_id = " + id))
                .containsExactly(Arrays.asList("OPEN", null, "home-nursing-north", true));
        await().atMost(DEADLINE)
                .until(() -> mails(id, "back with the people on duty").size() == 2);
        assertThat(mails(id, "back with the people on duty"))
                .extracting(m -> m.getAllRecipients()[0].toString())
                .containsExactlyInAnyOrder("anna@kommun.test", "agnes@kommun.test");
        // Unowned, it is in the unowned list of the other nurse on duty again.
        var agnes = Alerting.Session.of(node2.baseUrl(), "agnes", "agnes-secret-1");
        assertThat(agnes.get("/api/inbox").body()).contains("\"id\":" + id + ",");

        // Nobody takes it within the urgent escalation time: the escalation policy applies as to any open alert.
        clock.set(back.plus(Duration.ofMinutes(15)).plusSeconds(1));
        race();
        await().atMost(DEADLINE).until(() -> steps(id).contains("escalated"));
        race();
        assertThat(steps(id)).containsExactly("routed", "acknowledged", "reminded", "returned", "escalated");
        assertThat(mails(id, "Reminder")).hasSize(1);
    }

    @Test
    void resolvedOrHandedOverAlertsAreNeverRemindedAndAWarningWaitsFourHours() throws Exception {
        Instant start = local(10, 0);
        clock.set(start);
        long resolved = raise(Severity.URGENT);
        long handedOver = raise(Severity.URGENT);
        long warning = raise(Severity.WARNING);
        var anna = Alerting.Session.of(node1.baseUrl(), "anna", "anna-secret-1");
        for (long id : List.of(resolved, handedOver, warning)) {
            assertThat(anna.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true)
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(anna.post(
                                "/api/alerts/" + resolved + "/resolve",
                                new JsonObject().put("outcome", "PHONE_CALL"),
                                true)
                        .statusCode())
                .isEqualTo(200);
        assertThat(anna.post(
                                "/api/alerts/" + handedOver + "/handover",
                                new JsonObject().put("team", "region-oncall").put("note", "Behöver läkarbedömning"),
                                true)
                        .statusCode())
                .isEqualTo(200);

        clock.set(start.plus(Duration.ofHours(3)));
        race();
        assertThat(steps(resolved)).containsExactly("routed", "acknowledged", "resolved");
        assertThat(steps(handedOver)).doesNotContain("reminded", "returned");
        assertThat(steps(warning)).containsExactly("routed", "acknowledged");

        clock.set(start.plus(Duration.ofHours(4)).plusSeconds(1));
        race();
        await().atMost(DEADLINE).until(() -> steps(warning).contains("reminded"));
        assertThat(steps(resolved)).containsExactly("routed", "acknowledged", "resolved");
        await().atMost(DEADLINE).until(() -> mails(warning, "Reminder").size() == 1);
        assertThat(mails(resolved, "Reminder")).isEmpty();
        assertThat(steps(handedOver)).doesNotContain("reminded", "returned");
    }

    /** Both nodes scan ten times each at the same moment, and the test waits for all of it. */
    private static void race() throws Exception {
        List<Future<Escalator.Scan>> scans = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            scans.add(node1.service().escalator().scan());
            scans.add(node2.service().escalator().scan());
        }
        Future.all(scans).toCompletionStage().toCompletableFuture().get();
    }

    private static List<Object> steps(long id) throws Exception {
        return Alerting.rows(node1, "SELECT kind FROM alert_event WHERE alert_id = " + id + " ORDER BY id").stream()
                .map(r -> r.get(0))
                .toList();
    }

    /** The e-mails about one alert whose text contains {@code phrase}. */
    private static List<MimeMessage> mails(long alertId, String phrase) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        String text = (String) m.getContent();
                        return text.contains("(larm / alert " + alertId + ")")
                                && (text.contains(phrase) || m.getSubject().contains(phrase));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static long raise(Severity severity) throws Exception {
        return Alerting.raise(
                node1, hub, HUB, Alerting.alert(seq.incrementAndGet(), severity, null, null, clock.instant()));
    }

    private static Instant local(int hour, int minute) {
        return LocalDateTime.of(2026, 11, 24, hour, minute).atZone(STOCKHOLM).toInstant();
    }
}
