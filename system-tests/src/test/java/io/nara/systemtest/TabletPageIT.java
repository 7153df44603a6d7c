package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;

/**
 * The patient's tablet at the hub, on a real hub enrolled in a real cloud: the installer shows a pairing code on the
 * hub's status page, the tablet (tablet size, then a phone) pairs with it, sees today's measurements done and missing
 * from the hub's own readings, answers the heart-failure questions with Ja/Nej; the answers reach the cloud as
 * SNOMED CT coded observations, and a "yes" to chest pain raises an URGENT alert the nurse on duty sees, besides the
 * page's advice to call 112. An unpaired browser and a removed tablet get 401; five wrong codes pause pairing.
 */
class TabletPageIT {

    private static final String HUB = "hub-it-tablet";
    private static final String PATIENT = Alerting.PATIENT;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aPairedTabletAsksTheDailyQuestionsAndAChestPainYesReachesTheNurse(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        HubConfig home = new HubConfig(
                1,
                1,
                List.of(CarePlanTemplate.heartFailure(new MessageCodec(), PATIENT)),
                List.of(
                        new DeviceBinding(Services.CUFF, "sim-cuff", PATIENT),
                        new DeviceBinding(Services.SCALE, "sim-scale", PATIENT)));
        try (Services.Ingest ingest = Services.startIngest(stack)) {
            Alerting.importOrganisation(ingest, Alerting.organisation());
            HomeEnrolment.enrol(ingest, HUB, home);
            try (Services.Hub hub = Services.startHub(stack, HUB, dir.resolve("hub"), home);
                    Browser installer = Browser.start("tablet-installer");
                    Browser tablet = Browser.start("tablet");
                    Browser phone = Browser.start("tablet-phone");
                    Browser nurse = Browser.start("tablet-nurse")) {
                HomeEnrolment.awaitApplied(ingest, HUB);
                String base = hub.statusUrl();

                // Never paired: the API refuses, the page asks for a code.
                HttpResponse<String> unpaired = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/tablet/today"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(unpaired.statusCode()).isEqualTo(401);
                assertThat(unpaired.body()).contains("inte parkopplad");
                HttpResponse<String> stranger =
                        send(base, "/api/tablet/answers", null, "{\"code\":\"29857009\",\"present\":true}");
                assertThat(stranger.statusCode()).as("an answer from no tablet").isEqualTo(401);

                // The installer's status page shows a code (behind the installer token) and the card text.
                installer.windowSize(1280, 900);
                installer.open(base + "/");
                installer
                        .find("#installer-token")
                        .sendKeys(hub.service().installerToken().value());
                String code = newCode(installer);
                assertThat(installer.find("#pairing-card").getText()).contains(code, "/tablet/");

                // The weight is taken this morning: done; the blood pressure is still missing.
                Services.simulate(hub, "/api/simulate/scale?kg=81.5");

                tablet.windowSize(1024, 768);
                tablet.open(base + "/tablet/");
                tablet.await("the pairing form", d -> tablet.find("#pairing").isDisplayed());
                Set<String> findings = new TreeSet<>();
                PageAccessibilityIT.check(tablet, findings, "tablet-pairing", "tablet");
                tablet.find("#code").sendKeys(code);
                tablet.find("#pair").click();
                tablet.await("today's page", d -> tablet.find("#day").isDisplayed());
                tablet.await(
                        "weight done, blood pressure missing",
                        d -> tablet.find("#measurements li[data-code='29463-7'] .done")
                                        .isDisplayed()
                                && tablet.find("#measurements li[data-code='8480-6'] .missing")
                                        .isDisplayed());
                assertThat(tablet.find("#measurements").getText()).contains("Kroppsvikt", "Blodtryck", "Saknas");
                Cookie cookie = tablet.driver().manage().getCookieNamed("nara-tablet");
                assertThat(cookie.isHttpOnly()).isTrue();
                assertThat(cookie.getSameSite()).isEqualTo("Strict");
                assertThat(tablet.findAll("#questions fieldset"))
                        .extracting(f -> f.getAttribute("data-code"))
                        .containsExactly(
                                Vocabulary.DYSPNOEA.code(),
                                Vocabulary.ORTHOPNOEA.code(),
                                Vocabulary.OEDEMA.code(),
                                Vocabulary.DIZZINESS.code(),
                                Vocabulary.CHEST_PAIN.code());
                PageAccessibilityIT.check(tablet, findings, "tablet-day", "tablet");

                // Breathless: yes, then changed to no the same day; the later answer counts.
                answer(tablet, Vocabulary.DYSPNOEA.code(), "yes");
                answer(tablet, Vocabulary.DYSPNOEA.code(), "no");
                for (String c :
                        List.of(Vocabulary.ORTHOPNOEA.code(), Vocabulary.OEDEMA.code(), Vocabulary.DIZZINESS.code())) {
                    answer(tablet, c, "no");
                }
                answer(tablet, Vocabulary.CHEST_PAIN.code(), "yes");
                tablet.await(
                        "the advice to call 112", d -> tablet.find("#advice").isDisplayed());
                assertThat(tablet.find("#advice").getText()).contains("ring 112");
                assertThat(tablet.find("#message").getText()).startsWith("Sparat");
                PageAccessibilityIT.check(tablet, findings, "tablet-answered", "tablet");
                tablet.screenshot("answered");

                // The cloud has the answers as SNOMED CT coded observations from the tablet, the later one counting.
                await().atMost(DEADLINE).untilAsserted(() -> {
                    assertThat(values(stack, ingest, Vocabulary.CHEST_PAIN.code()))
                            .containsExactly(1.0);
                    assertThat(values(stack, ingest, Vocabulary.DYSPNOEA.code()))
                            .containsExactly(1.0, 0.0);
                });

                // The hub's rules raised chest pain as URGENT; the nurse on duty sees it in her inbox.
                long alertId = await().atMost(DEADLINE)
                        .until(
                                () -> Alerting.rows(
                                                ingest,
                                                "SELECT id FROM alert WHERE patient_id = '" + PATIENT
                                                        + "' AND rule_id = 'symptom-chest-pain' AND severity = 'URGENT'")
                                        .stream()
                                        .map(r -> ((Number) r.get(0)).longValue())
                                        .findFirst()
                                        .orElse(0L),
                                id -> id > 0);
                String onDuty = nurseOnDuty();
                nurse.signInToInbox(ingest.baseUrl(), onDuty, onDuty + "-secret-1");
                String row = "tr[data-alert-id='" + alertId + "']";
                nurse.await(
                        "the chest-pain alert in the inbox",
                        d -> !nurse.findAll(row).isEmpty());
                assertThat(nurse.find(row).getText()).contains("Bröstsmärta");

                // A phone pairs too (a new code), at 390 × 844 without sideways scrolling.
                String second = newCode(installer);
                phone.phone();
                phone.open(base + "/tablet/");
                phone.await("the pairing form", d -> phone.find("#pairing").isDisplayed());
                phone.find("#code").sendKeys(second);
                phone.find("#pair").click();
                phone.await("today's page on the phone", d -> phone.find("#day").isDisplayed());
                assertThat(phone.find("#questions fieldset[data-code='267036007'] button.no")
                                .getAttribute("aria-pressed"))
                        .as("the day's answer shows on every paired device")
                        .isEqualTo("true");
                assertThat(((Number) phone.script("return document.documentElement.scrollWidth")).intValue())
                        .isLessThanOrEqualTo(390);
                PageAccessibilityIT.check(phone, findings, "tablet-day", "phone");
                assertThat(findings)
                        .as("axe and the Swedish scan on the tablet page")
                        .isEmpty();
                phone.screenshot("day");

                // The installer removes the phone: it is refused at once and asks for a code again.
                Cookie phoneCookie = phone.driver().manage().getCookieNamed("nara-tablet");
                installer.await(
                        "two tablets listed",
                        d -> installer.findAll("#tablets tr").size() == 2);
                installer
                        .find("#tablets tr[data-tablet='tablet-2'] button.remove")
                        .click();
                installer.await(
                        "one tablet listed",
                        d -> installer.findAll("#tablets tr").size() == 1);
                assertThat(send(
                                        base,
                                        "/api/tablet/answers",
                                        phoneCookie.getValue(),
                                        "{\"code\":\"29857009\",\"present\":true}")
                                .statusCode())
                        .isEqualTo(401);
                phone.open(base + "/tablet/");
                phone.await(
                        "the pairing form again", d -> phone.find("#pairing").isDisplayed());
                assertThat(phone.find("#pair-problem").getText()).contains("inte parkopplad");

                // A foreign page cannot pair or answer, whatever it sends.
                HttpResponse<String> foreign = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/tablet/pair"))
                                .header("Origin", "http://evil.example")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + second + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(foreign.statusCode()).isEqualTo(403);

                // Five wrong codes: pairing pauses, even for the right code.
                String right = newCode(installer);
                String wrong = right.equals("000000") ? "111111" : "000000";
                for (int i = 1; i < 5; i++) {
                    assertThat(send(base, "/api/tablet/pair", null, "{\"code\":\"" + wrong + "\"}")
                                    .statusCode())
                            .as("wrong code " + i)
                            .isEqualTo(401);
                }
                HttpResponse<String> fifth = send(base, "/api/tablet/pair", null, "{\"code\":\"" + wrong + "\"}");
                assertThat(fifth.statusCode()).isEqualTo(429);
                assertThat(fifth.body()).contains("För många felaktiga koder");
                assertThat(fifth.headers().firstValue("Retry-After")).isPresent();
                assertThat(send(base, "/api/tablet/pair", null, "{\"code\":\"" + right + "\"}")
                                .statusCode())
                        .isEqualTo(429);
            }
        }
    }

    @Test
    void withoutTheCloudTheAnswersWaitOnTheHubTheAlertIsRaisedThereAndThePageSaysSo(@TempDir Path dir)
            throws Exception {
        DevStack stack = DevStack.ensureUp();
        HubConfig home = new HubConfig(
                1,
                1,
                List.of(CarePlanTemplate.heartFailure(new MessageCodec(), Services.PATIENT)),
                List.of(new DeviceBinding(Services.SCALE, "sim-scale", Services.PATIENT)));
        // The home's Wi-Fi works, the cloud does not answer: a broker that is not there.
        BrokerConnection nowhere = new BrokerConnection(URI.create("ssl://127.0.0.1:9"), stack.identity(HUB + "-off"));
        try (Services.Hub hub = Services.startHub(
                        stack,
                        HUB + "-off",
                        dir.resolve("hub"),
                        home,
                        new Uplink.Settings(200, 4, 10_000, 60_000, 0),
                        StorageLimits.defaults(),
                        nowhere);
                Browser phone = Browser.start("tablet-offline")) {
            HttpResponse<String> issued =
                    HTTP.send(hub.installerPost("/api/tablets/code").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            String code = new JsonObject(issued.body()).getString("code");
            phone.phone();
            phone.open(hub.statusUrl() + "/tablet/");
            phone.await("the pairing form", d -> phone.find("#pairing").isDisplayed());
            phone.find("#code").sendKeys(code);
            phone.find("#pair").click();
            phone.await(
                    "the note that the cloud is unreachable",
                    d -> phone.find("#offline").isDisplayed());
            long pending =
                    Services.hubStatus(hub.statusUrl()).get("outboxPending").asLong();

            answer(phone, Vocabulary.CHEST_PAIN.code(), "yes");
            assertThat(phone.find("#message").getText())
                    .contains("Sparat på hubben, skickas när uppkopplingen är tillbaka");
            assertThat(phone.find("#advice").getText()).contains("ring 112");
            // The answer and the URGENT alert the hub's rules raised wait in the outbox for the cloud.
            assertThat(Services.hubStatus(hub.statusUrl()).get("outboxPending").asLong())
                    .isEqualTo(pending + 2);
            phone.screenshot("offline");
        }
    }

    private static String newCode(Browser installer) {
        String before = installer.find("#pairing-code").getText();
        installer.find("#new-pairing-code").click();
        installer.await("a new pairing code", d -> {
            String shown = installer.find("#pairing-code").getText();
            return shown.matches("\\d{6}") && !shown.equals(before) ? shown : null;
        });
        return installer.find("#pairing-code").getText();
    }

    private static void answer(Browser tablet, String code, String button) {
        String selector = "#questions fieldset[data-code='" + code + "'] button." + button;
        tablet.find(selector).click();
        tablet.await(
                "the answer " + button + " to " + code + " stored",
                d -> "true".equals(tablet.find(selector).getAttribute("aria-pressed")));
    }

    private static HttpResponse<String> send(String base, String path, String cookie, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) {
            b.header("Cookie", "nara-tablet=" + cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The tablet's answers of one symptom in InfluxDB, oldest first. */
    private static List<Double> values(DevStack stack, Services.Ingest ingest, String code) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(
                    "SELECT value FROM " + ObservationStore.EVERY_POLICY + " WHERE hub = '" + HUB + "' AND code = '"
                            + code + "' AND device = 'tablet-1'",
                    ingest.influx().database()));
            if (result.hasError()) {
                throw new AssertionError(result.getError());
            }
            var series = result.getResults().get(0).getSeries();
            if (series == null) {
                return List.of();
            }
            return series.stream()
                    .flatMap(s -> s.getValues().stream())
                    .map(v -> ((Number) v.get(1)).doubleValue())
                    .toList();
        }
    }

    /** Who of {@link Alerting#organisation()}'s nurses is on duty now (Stockholm time). */
    private static String nurseOnDuty() {
        LocalTime now = LocalTime.now(ZoneId.of("Europe/Stockholm"));
        return now.isBefore(LocalTime.of(7, 0)) ? "cecilia" : now.isBefore(LocalTime.of(16, 0)) ? "anna" : "bertil";
    }
}
