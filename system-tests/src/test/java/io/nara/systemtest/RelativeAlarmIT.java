package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.notify.ChannelSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relative's alarm and the relatives' messages through the real ingest, PostgreSQL, a local webhook receiver (the
 * SMS gateway) and GreenMail: Greta's daughter Sara (ALARM and NOTIFY consent, e-mail) raises the alarm; it is routed
 * to the day nurses on duty like the help button, seen in Anna's inbox and live stream, escalates to the region's
 * doctor when nobody acknowledges, and a second press adds to it without paging again. Lars (NOTIFY, a phone) and Sara
 * are told when the urgent alert opens and when it is resolved; Sara sees it received, seen, dealt with. A withdrawn
 * NOTIFY consent stops a message already queued; a withdrawn ALARM consent refuses the next press (403), logged.
 */
class RelativeAlarmIT {

    private static final String PATIENT = Alerting.PATIENT;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SARAS_WORDS = "Mamma svarar inte i telefon sedan i morse";

    private static final MutableClock clock = new MutableClock(LocalDateTime.of(2026, 11, 24, 10, 0)
            .atZone(ZoneId.of("Europe/Stockholm"))
            .toInstant());
    private static HttpServer receiver;
    private static GreenMail smtp;
    private static Services.Ingest ingest;
    /** What the SMS gateway accepted for relatives. */
    private static final List<JsonObject> toRelatives = new CopyOnWriteArrayList<>();
    /** While set, the gateway refuses the relatives' messages (503), so they stay queued. */
    private static final AtomicBoolean gatewayDown = new AtomicBoolean();

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newCachedThreadPool());
        receiver.createContext("/sms", exchange -> {
            try {
                JsonObject json =
                        new JsonObject(new String(exchange.getRequestBody().readAllBytes()));
                boolean relative = "relative".equals(json.getString("audience"));
                if (relative && gatewayDown.get()) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                if (relative) {
                    toRelatives.add(json);
                }
                exchange.sendResponseHeaders(204, -1);
            } finally {
                exchange.close();
            }
        });
        receiver.start();
        int smtpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            smtpPort = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        smtp.start();
        AlertingSettings settings = AlertingSettings.defaults()
                .withWeb("http://127.0.0.1/", false)
                .withScans(Duration.ofMillis(200), Duration.ofMillis(100))
                // A failed message waits a minute of the test's clock, which stands still until the test moves it.
                .withWebhook(
                        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/sms"),
                        "webhook-secret-for-tests-0123456789",
                        Duration.ofSeconds(2),
                        10,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(5))
                .withSmtp(new ChannelSettings.Smtp("127.0.0.1", smtpPort, "nara@kommun.test", null, null, false));
        JsonObject org = Alerting.organisation();
        JsonArray relatives = org.getJsonArray("patients").getJsonObject(0).getJsonArray("relatives");
        relatives.add(Alerting.relative("sara", "Sara Holm", "ALARM", "NOTIFY"));
        relatives.add(Alerting.relative("lena", "Lena Holm", "VIEW"));
        ingest = Alerting.startIngest(stack, clock, settings, org);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aRelativesAlarmReachesTheNurseOnDutyEscalatesAndTheRelativesAreToldOfItsOpeningAndResolve() throws Exception {
        var sara = Alerting.Session.of(ingest.baseUrl(), "sara", "sara-secret-1");
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        assertThat(new JsonObject(sara.get("/api/relative/alarm").body()).getValue("latest"))
                .isNull();

        long id;
        try (EventStream annas =
                EventStream.withCookie(ingest.baseUrl() + "/api/alerts/stream", anna.cookie(), "alert")) {
            await().atMost(DEADLINE).until(annas::connected);
            HttpResponse<String> pressed =
                    sara.post("/api/relative/alarm", new JsonObject().put("text", SARAS_WORDS), true);
            assertThat(pressed.statusCode()).as(pressed.body()).isEqualTo(201);
            id = new JsonObject(pressed.body()).getLong("alertId");
            // Anna, the day nurse of Greta's first-responding team, sees it live, naming Sara and her words.
            await().atMost(DEADLINE).until(() -> !annas.events().isEmpty());
            assertThat(annas.events().get(0)).contains("Sara Holm", SARAS_WORDS);
        }
        // An urgent cloud alert, routed once like the help button to the nurses on duty.
        assertThat(Alerting.rows(
                        ingest, "SELECT rule_id, severity, origin, status, patient_id FROM alert WHERE id = " + id))
                .containsExactly(List.of("relative-alarm", "URGENT", "CLOUD", "RAISED", PATIENT));
        assertThat(Alerting.rows(ingest, "SELECT kind, people FROM alert_event WHERE alert_id = " + id))
                .containsExactly(List.of("routed", List.of("anna", "anna2")));
        assertThat(inboxIds(anna)).contains(id);
        assertThat(progress(sara)).isEqualTo("RECEIVED");

        // Lars by the SMS gateway, Sara by e-mail: that the care team has it, nothing more.
        await().atMost(DEADLINE)
                .until(() -> relativeMessages("relative-notified").size() == 1);
        assertThat(relativeMessages("relative-notified").get(0).getString("message"))
                .contains("vården har fått ett larm")
                .doesNotContain("Greta", SARAS_WORDS);
        await().atMost(DEADLINE).until(() -> mailsTo("sara@example.test").size() == 1);
        assertThat((String) mailsTo("sara@example.test").get(0).getContent()).contains("vården har fått ett larm");

        // A second press while it is open adds to it: the same alert, in its trail, nobody paged again.
        long notifications = count("SELECT count(*) FROM notification WHERE alert_id = " + id);
        HttpResponse<String> again =
                sara.post("/api/relative/alarm", new JsonObject().put("text", "Nu svarar hon inte på dörren"), true);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(new JsonObject(again.body()).getLong("alertId")).isEqualTo(id);
        assertThat(new JsonObject(again.body()).getBoolean("added")).isTrue();
        assertThat(Alerting.rows(ingest, "SELECT kind, note FROM alert_event WHERE alert_id = " + id + " ORDER BY id"))
                .extracting(r -> r.get(0))
                .containsExactly("routed", "relative.alarm.again");
        assertThat(count("SELECT count(*) FROM notification WHERE alert_id = " + id))
                .isEqualTo(notifications);
        assertThat(count("SELECT count(*) FROM alert WHERE rule_id = 'relative-alarm'"))
                .isEqualTo(1);

        // Nobody acknowledges: like any urgent alert it escalates to the region's doctor.
        clock.advance(Duration.ofMinutes(16));
        ingest.service()
                .escalator()
                .escalateDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE)
                .until(() ->
                        count("SELECT count(*) FROM alert_event WHERE kind = 'escalated' AND alert_id = " + id) == 1);
        assertThat(Alerting.rows(ingest, "SELECT team_id, tier, state FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("region-oncall", 1, "OPEN"));
        assertThat(inboxIds(david)).contains(id);
        assertThat(progress(sara)).isEqualTo("RECEIVED");

        // David acknowledges: Sara sees that someone has seen it, and no more than that.
        HttpResponse<String> ack = david.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        HttpResponse<String> seen = sara.get("/api/relative/alarm");
        assertThat(new JsonObject(seen.body()).getJsonObject("latest").getString("progress"))
                .isEqualTo("SEEN");
        assertThat(seen.body()).doesNotContain("David", "region-oncall", "PHONE_CALL");

        // He resolves it: those told of its opening are told it has been dealt with; Sara's page says so.
        HttpResponse<String> resolved = david.post(
                "/api/alerts/" + id + "/resolve",
                new JsonObject().put("outcome", "PHONE_CALL").put("note", "Greta hade somnat, mår bra"),
                true);
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        await().atMost(DEADLINE)
                .until(() -> relativeMessages("relative-resolved").size() == 1);
        assertThat(relativeMessages("relative-resolved").get(0).getString("message"))
                .contains("är åtgärdat", "has been dealt with")
                .doesNotContain("somnat", "PHONE_CALL");
        await().atMost(DEADLINE).until(() -> mailsTo("sara@example.test").size() == 2);
        assertThat((String) mailsTo("sara@example.test").get(1).getContent()).contains("är åtgärdat");
        assertThat(progress(sara)).isEqualTo("DEALT_WITH");
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT actor, action FROM access_log WHERE action LIKE 'relative.alarm%' ORDER BY id LIMIT 2"))
                .containsExactly(
                        List.of("relative:" + relativeId("sara"), "relative.alarm.status"),
                        List.of("relative:" + relativeId("sara"), "relative.alarm"));

        withdrawnConsentStopsBoth(anna, david, sara);
    }

    /**
     * Lars's NOTIFY consent is withdrawn while his message about a new alarm waits for the gateway: it is cancelled
     * with the reason, never sent, and he is not told of the resolve; Sara's ALARM consent withdrawn: 403, logged,
     * nothing stored.
     */
    private static void withdrawnConsentStopsBoth(Alerting.Session anna, Alerting.Session david, Alerting.Session sara)
            throws Exception {
        gatewayDown.set(true);
        HttpResponse<String> pressed = sara.post("/api/relative/alarm", new JsonObject(), true);
        assertThat(pressed.statusCode()).as(pressed.body()).isEqualTo(201);
        long id = new JsonObject(pressed.body()).getLong("alertId");
        String lars = "SELECT state, attempts, last_error FROM notification WHERE alert_id = " + id
                + " AND relative_id = " + relativeId("Lars Holm");
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(ingest, lars).equals(List.of(Arrays.asList("PENDING", 1, "HTTP 503"))));

        HttpResponse<String> withdrawn = anna.post(
                "/api/patients/" + PATIENT + "/relatives/" + relativeId("Lars Holm") + "/consents",
                new JsonObject().put("scope", "NOTIFY").put("given", false),
                true);
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        gatewayDown.set(false);
        clock.advance(Duration.ofMinutes(2));
        ingest.service()
                .dispatcher()
                .deliverDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE)
                .until(() ->
                        "CANCELLED".equals(Alerting.rows(ingest, lars).get(0).get(0)));
        assertThat((String) Alerting.rows(ingest, lars).get(0).get(2)).contains("NOTIFY consent was withdrawn");
        assertThat(Alerting.rows(
                        ingest, "SELECT detail FROM access_log WHERE action = 'relative.notify.cancelled' ORDER BY id"))
                .singleElement()
                .satisfies(r -> assertThat((String) r.get(0)).startsWith("relative:" + relativeId("Lars Holm")));
        assertThat(relativeMessages("relative-notified")).hasSize(1);

        assertThat(david.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(200);
        assertThat(david.post(
                                "/api/alerts/" + id + "/resolve",
                                new JsonObject().put("outcome", "NO_ACTION_NEEDED"),
                                true)
                        .statusCode())
                .isEqualTo(200);
        // Sara, still consenting, is told; Lars is not told of this resolve, then or later.
        await().atMost(DEADLINE).until(() -> mailsTo("sara@example.test").size() == 4);
        assertThat(count("SELECT count(*) FROM notification WHERE relative_id = " + relativeId("Lars Holm")
                        + " AND alert_id = " + id))
                .isEqualTo(1);
        assertThat(relativeMessages("relative-resolved")).hasSize(1);

        // Sara's ALARM consent withdrawn: the next press is refused, says why, is logged, and stores nothing.
        assertThat(anna.post(
                                "/api/patients/" + PATIENT + "/relatives/" + relativeId("sara") + "/consents",
                                new JsonObject().put("scope", "ALARM").put("given", false),
                                true)
                        .statusCode())
                .isEqualTo(200);
        long alarms = count("SELECT count(*) FROM relative_alarm");
        long alerts = count("SELECT count(*) FROM alert");
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> refused = sara.post("/api/relative/alarm", new JsonObject(), true);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getString("problem"))
                .startsWith("Patienten har inte gett samtycke")
                .contains("The patient has not given consent");
        assertThat(sara.get("/api/relative/alarm").statusCode()).isEqualTo(403);
        assertThat(count("SELECT count(*) FROM relative_alarm")).isEqualTo(alarms);
        assertThat(count("SELECT count(*) FROM alert")).isEqualTo(alerts);
        assertThat(Alerting.accessLogAfter(ingest, before))
                .extracting(e -> e.subList(1, 5))
                .containsExactly(
                        List.of(
                                "relative:" + relativeId("sara"),
                                "relative.refused",
                                List.of(PATIENT),
                                "no ALARM consent in force"),
                        List.of(
                                "relative:" + relativeId("sara"),
                                "relative.refused",
                                List.of(PATIENT),
                                "no ALARM consent in force"));
    }

    @Test
    void aRelativeWithoutTheAlarmConsentIsRefusedAndNobodyElseMayPress() throws Exception {
        var lena = Alerting.Session.of(ingest.baseUrl(), "lena", "lena-secret-1");
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long alerts = count("SELECT count(*) FROM alert");
        HttpResponse<String> refused = lena.post("/api/relative/alarm", new JsonObject(), true);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("samtycke", "consent");
        // Staff have their own ways; the relative's button is not one of them. Bad text is named.
        assertThat(anna.post("/api/relative/alarm", new JsonObject(), true).statusCode())
                .isEqualTo(403);
        HttpResponse<String> tooLong =
                lena.post("/api/relative/alarm", new JsonObject().put("text", "x".repeat(301)), true);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("longer than 300 characters");
        assertThat(count("SELECT count(*) FROM alert")).isEqualTo(alerts);
    }

    private static String progress(Alerting.Session relative) throws Exception {
        HttpResponse<String> r = relative.get("/api/relative/alarm");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonObject("latest").getString("progress");
    }

    private static List<JsonObject> relativeMessages(String event) {
        return toRelatives.stream()
                .filter(m -> event.equals(m.getString("event")))
                .toList();
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        return m.getAllRecipients()[0].toString().equals(address);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    /** A relative's id by their reference (who signs in) or, for one without, by name. */
    private static long relativeId(String refOrName) throws Exception {
        return ((Number) Alerting.rows(
                                ingest,
                                "SELECT id FROM relative WHERE ref = '" + refOrName + "' OR name = '" + refOrName + "'")
                        .get(0)
                        .get(0))
                .longValue();
    }

    private static long count(String sql) throws Exception {
        return ((Number) Alerting.rows(ingest, sql).get(0).get(0)).longValue();
    }

    private static List<Long> inboxIds(Alerting.Session who) throws Exception {
        HttpResponse<String> r = who.get("/api/inbox");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonArray(r.body())
                .stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    }
}
