package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.notify.ChannelSettings;
import io.nara.ingest.notify.WebhookSigner;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications through real peers: a local HTTP receiver that fails (5xx, then timeouts) before it recovers, and
 * GreenMail as the SMTP server. Every alert reaches the receiver exactly once with a valid signature; e-mail reaches
 * the nurses on duty; a receiver that never answers puts the notification on the operator's dead-letter list. Greta's
 * relative Lars, who has her NOTIFY consent, gets one message per alert through the same webhook, with nothing in it
 * but that the care team has an alert (issue 8).
 */
class NotificationIT {

    private static final String HUB = "hub-it-notify-1";
    private static final String SECRET = "webhook-secret-for-tests-0123456789";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int FAILURES_5XX = 6;
    private static final int FAILURES_TIMEOUT = 4;

    private static HttpServer receiver;
    private static GreenMail smtp;
    private static Services.Ingest ingest;
    /** The ingest's clock: a Tuesday morning, running on in real time; the hub's alerts are raised on it too. */
    private static Clock clock;

    private static TestMqttClient hub;
    private static final AtomicInteger requests = new AtomicInteger();
    private static final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private static final Map<Long, AtomicInteger> acceptedPerAlert = new ConcurrentHashMap<>();
    private static final List<JsonObject> toRelatives = new CopyOnWriteArrayList<>();
    private static final CountDownLatch never = new CountDownLatch(1);
    private static final String outbox = UUID.randomUUID().toString();

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newCachedThreadPool());
        receiver.createContext("/page", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int n = requests.incrementAndGet();
            try {
                if (n <= FAILURES_5XX) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                if (n <= FAILURES_5XX + FAILURES_TIMEOUT) {
                    // Hangs past the sender's timeout, like an overloaded gateway; the sender gives up first.
                    never.await(3, TimeUnit.SECONDS);
                    exchange.sendResponseHeaders(504, -1);
                    return;
                }
                String ts = exchange.getRequestHeaders().getFirst(WebhookSigner.TIMESTAMP);
                String sig = exchange.getRequestHeaders().getFirst(WebhookSigner.SIGNATURE);
                if (!WebhookSigner.verify(SECRET, ts, body, sig)) {
                    badSignatures.add(new String(body));
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                JsonObject json = new JsonObject(new String(body));
                if ("relative".equals(json.getString("audience"))) {
                    toRelatives.add(json);
                } else {
                    acceptedPerAlert
                            .computeIfAbsent(json.getLong("alertId"), k -> new AtomicInteger())
                            .incrementAndGet();
                }
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
        // A Tuesday at 10:00 in Stockholm, running on in real time, so the day nurses are on duty and retries come due.
        clock = Clock.offset(
                Clock.systemUTC(),
                Duration.between(
                        Instant.now(),
                        LocalDateTime.of(2026, 11, 24, 10, 0)
                                .atZone(ZoneId.of("Europe/Stockholm"))
                                .toInstant()));
        AlertingSettings settings = AlertingSettings.defaults()
                .withScans(Duration.ofSeconds(5), Duration.ofMillis(100))
                .withWebhook(
                        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/page"),
                        SECRET,
                        Duration.ofMillis(700),
                        30,
                        Duration.ofMillis(100),
                        Duration.ofMillis(800))
                .withSmtp(new ChannelSettings.Smtp("127.0.0.1", smtpPort, "nara@kommun.test", null, null, false));
        ingest = Alerting.startIngest(
                stack,
                "it-" + UUID.randomUUID().toString().substring(0, 8),
                stack.freshPostgres(),
                stack.freshInflux(),
                clock,
                settings);
        await().atMost(DEADLINE).until(() -> ingest.service().health().healthy());
        Alerting.importOrganisation(ingest, Alerting.organisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        never.countDown();
        for (AutoCloseable c : new AutoCloseable[] {hub, ingest}) {
            if (c != null) {
                c.close();
            }
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void everyAlertReachesTheWebhookOnceThroughFailuresAndTheNursesByEmail() throws Exception {
        int alerts = 8;
        for (int i = 1; i <= alerts; i++) {
            Alerting.publish(hub, HUB, outbox, Alerting.alert(i, Severity.URGENT, null, null, clock.instant()));
        }
        // Every node of every test class hears every hub, so this database may hold other hubs' alerts too: look at
        // ours.
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE hub_id = '" + HUB + "'")
                        .get(0)
                        .get(0)
                        .equals((long) alerts));
        List<Long> ours = Alerting.rows(ingest, "SELECT id FROM alert WHERE hub_id = '" + HUB + "'").stream()
                .map(r -> ((Number) r.get(0)).longValue())
                .toList();
        await().atMost(DEADLINE).until(() -> acceptedPerAlert.keySet().containsAll(ours));
        // Settled: nothing pending, and a further round sends nothing again.
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest,
                                "SELECT count(*) FROM notification WHERE "
                                        + "channel = 'WEBHOOK' AND state <> 'DELIVERED'")
                        .get(0)
                        .get(0)
                        .equals(0L));
        ingest.service()
                .dispatcher()
                .deliverDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(acceptedPerAlert.values())
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(badSignatures).isEmpty();
        assertThat(requests.get()).isGreaterThan(alerts + FAILURES_5XX);
        assertThat(Alerting.rows(ingest, "SELECT max(attempts) > 1 FROM notification WHERE channel = 'WEBHOOK'"))
                .containsExactly(List.of(true));

        // Both day nurses with an e-mail address get one message per alert, without the patient's identity.
        for (long id : ours) {
            await().atMost(DEADLINE).until(() -> mailsAbout(id) == 2);
        }
        MimeMessage first = smtp.getReceivedMessages()[0];
        assertThat(first.getSubject()).contains("Urgent alert");
        String text = ((String) first.getContent()).trim();
        assertThat(text).contains("Systolic").doesNotContain("Greta").doesNotContain(Alerting.PATIENT);
        assertThat(smtp.getReceivedMessages())
                .extracting(m -> m.getAllRecipients()[0].toString())
                .containsOnly("anna@kommun.test", "agnes@kommun.test");

        // Lars (NOTIFY consent, a phone number, no e-mail): one message per alert, without the patient or a value.
        String in = ours.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"));
        List<Object> deliveries = Alerting.rows(
                        ingest, "SELECT id FROM notification WHERE audience = 'RELATIVE' " + "AND alert_id IN " + in)
                .stream()
                .map(r -> r.get(0))
                .toList();
        assertThat(deliveries).hasSize(alerts);
        await().atMost(DEADLINE)
                .until(() -> toRelatives.stream()
                        .map(m -> m.getLong("deliveryId"))
                        .toList()
                        .containsAll(deliveries));
        assertThat(toRelatives).allSatisfy(m -> {
            assertThat(m.getJsonArray("recipients").getJsonObject(0).getString("phone"))
                    .isEqualTo("+46700000009");
            assertThat(m.getString("message")).contains("vården har fått ett larm", "the care team has received");
            assertThat(m.fieldNames())
                    .containsExactlyInAnyOrder("event", "audience", "recipients", "message", "at", "deliveryId");
            assertThat(m.encode()).doesNotContain("Greta", Alerting.PATIENT, "mm[Hg]", "Systol", "URGENT");
        });
        List<Object> disclosed =
                Alerting.rows(ingest, "SELECT detail FROM access_log WHERE action = " + "'relative.notified'").stream()
                        .map(r -> r.get(0))
                        .toList();
        for (long id : ours) {
            assertThat(disclosed).as("the disclosure about alert " + id).containsOnlyOnce("relative:1, alert " + id);
        }
    }

    private static long mailsAbout(long alertId) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        return ((String) m.getContent()).contains("alert " + alertId + ")");
                    } catch (Exception e) {
                        return false;
                    }
                })
                .count();
    }

    @Test
    void aReceiverThatNeverAnswersEndsOnTheDeadLetterListAndTheAlertStillEscalates() throws Exception {
        DevStack stack = DevStack.ensureUp();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        MutableClock clock = new MutableClock(LocalDateTime.of(2026, 11, 24, 10, 0)
                .atZone(ZoneId.of("Europe/Stockholm"))
                .toInstant());
        AlertingSettings settings = AlertingSettings.defaults()
                .withScans(Duration.ofMillis(200), Duration.ofMillis(100))
                .withWebhook(
                        URI.create("http://127.0.0.1:" + closedPort + "/page"),
                        SECRET,
                        Duration.ofMillis(500),
                        2,
                        Duration.ZERO,
                        Duration.ZERO);
        try (Services.Ingest dead = Alerting.startIngest(
                        stack,
                        "it-" + UUID.randomUUID().toString().substring(0, 8),
                        stack.freshPostgres(),
                        stack.freshInflux(),
                        clock,
                        settings);
                TestMqttClient hub2 = new TestMqttClient(stack, HUB + "-b", HUB + "-b-pub")) {
            await().atMost(DEADLINE).until(() -> dead.service().health().healthy());
            Alerting.importOrganisation(dead, Alerting.organisation());
            HomeEnrolment.enrol(dead, HUB + "-b", HomeEnrolment.household(Alerting.PATIENT));
            Alerting.publish(hub2, HUB + "-b", outbox, Alerting.alert(1, Severity.URGENT, null, null, clock.instant()));
            await().atMost(DEADLINE)
                    .until(() -> Alerting.rows(
                                    dead,
                                    "SELECT count(*) FROM notification WHERE "
                                            + "state = 'DEAD' AND audience = 'STAFF'")
                            .get(0)
                            .get(0)
                            .equals(1L));
            HttpResponse<String> list = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(dead.baseUrl() + "/api/notifications/dead"))
                                    .header("Authorization", "Bearer " + dead.apiKey())
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("WEBHOOK").contains("\"attempts\":2");
            clock.advance(Duration.ofMinutes(16));
            await().atMost(DEADLINE)
                    .until(() -> Alerting.rows(dead, "SELECT kind FROM alert_event ORDER BY id").stream()
                            .map(r -> r.get(0))
                            .toList()
                            .containsAll(List.of("routed", "notify.dead", "escalated")));
        }
    }
}
