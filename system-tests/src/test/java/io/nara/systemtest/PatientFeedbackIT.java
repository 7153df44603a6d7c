package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.nara.gateway.HubService;
import io.nara.gateway.HubSettings;
import io.nara.gateway.clock.HubClock;
import io.nara.gateway.gpio.GpioController;
import io.nara.gateway.gpio.GpioSettings;
import io.nara.gateway.gpio.LedState;
import io.nara.gateway.installer.TransportSettings;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.gateway.voice.Phrases;
import io.nara.gateway.voice.Speaker;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.VoiceSettings;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patient learns, at home, that a nurse saw her alarm: she presses the help button (Pi4J's mock pins), the alert
 * reaches the cloud (the LED's fast blink), nurse Anna acknowledges it through the API, and the hub's LED turns to
 * "seen by a nurse" and its voice says "Sjuksköterskan har sett ditt larm" (rendered by the real espeak-ng; the player
 * stands in for the sound device). A measurement is confirmed aloud, as the plan's voice section allows. Real broker,
 * PostgreSQL, InfluxDB and ingest; hub and cloud share a clock set to a Tuesday noon, when Anna is on duty.
 */
class PatientFeedbackIT {

    private static final String HUB = "hub-it-feedback-1";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);

    @TempDir
    static Path dir;

    private static Services.Ingest ingest;
    private static HubService hub;
    private static Services.Hub home;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, AlertingSettings.defaults(), Alerting.organisation());
        // The doctor's plan speaks at 60 and is quiet at night; the cuff is the patient's.
        HubConfig plan = new HubConfig(
                1,
                1,
                List.of(new CarePlan(
                        Alerting.PATIENT,
                        "1",
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        new VoiceSettings(true, 60, "22:00–07:00"))),
                List.of(new DeviceBinding("sim-cuff-fb-1", "sim-cuff", Alerting.PATIENT)));
        HomeEnrolment.enrol(ingest, HUB, plan);

        Path bootstrap = dir.resolve("bootstrap-config.json");
        Files.write(bootstrap, new MessageCodec().encode(HomeEnrolment.household(Alerting.PATIENT)));
        GpioSettings pins = GpioSettings.defaults("mock");
        HubSettings settings = new HubSettings(
                HUB,
                stack.broker(HUB),
                dir,
                bootstrap,
                "127.0.0.1",
                0,
                ZoneId.of("Europe/Stockholm"),
                true,
                true,
                0,
                new Uplink.Settings(200, 4, 10_000, 2_000, 0),
                StorageLimits.defaults(),
                new TransportSettings(null, null, List.of(), pins)
                        // The real espeak-ng renders; "true" stands in for the sound device.
                        .withVoice(Speaker.Settings.defaults().withPlayer(List.of("true"))));
        Vertx vertx = Vertx.vertx();
        hub = new HubService(settings, clock, HubClock.assumeSynchronized());
        home = new Services.Hub(vertx, hub, dir);
        vertx.deployVerticle(hub).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        HomeEnrolment.awaitApplied(ingest, HUB);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(home, ingest);
    }

    private static GpioController pins() {
        return hub.transports().gpio();
    }

    @Test
    void theNurseAcknowledgesTheHelpAlertAndThePatientIsToldAtHome() throws Exception {
        await().atMost(DEADLINE).until(() -> pins() != null && pins().ledState() == LedState.ALL_WELL);

        // She presses the help button and holds it past the debounce.
        ((MockDigitalInput) pins().button()).mockState(DigitalState.LOW);
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest,
                                "SELECT count(*) FROM alert WHERE hub_id = '" + HUB + "' AND rule_id = 'help-button'")
                        .get(0)
                        .get(0)
                        .equals(1L));
        ((MockDigitalInput) pins().button()).mockState(DigitalState.HIGH);
        // Sent is not seen: the cloud has it, nobody has acknowledged it.
        await().atMost(DEADLINE).until(() -> pins().ledState() == LedState.ALERT_SENT);
        assertThat(hub.voice().queued()).doesNotContain(Phrases.NURSE_SAW);

        long alertId = (Long)
                Alerting.rows(ingest, "SELECT id FROM alert WHERE hub_id = '" + HUB + "' AND rule_id = 'help-button'")
                        .get(0)
                        .get(0);
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> ack = anna.post("/api/alerts/" + alertId + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);

        await().atMost(DEADLINE).until(() -> pins().ledState() == LedState.SEEN_BY_NURSE);
        await().atMost(DEADLINE).until(() -> hub.voice().speaker().played().contains(Phrases.NURSE_SAW));
        // What the hub was told names the alert by the hub's own number and the kind of person, never her name.
        List<List<Object>> told = Alerting.rows(
                ingest,
                "SELECT convert_from(payload, 'UTF8'), published_version = version FROM hub_alert_seen"
                        + " WHERE hub_id = '" + HUB + "'");
        assertThat(told).hasSize(1);
        assertThat((String) told.get(0).get(0)).contains("\"seenBy\":\"NURSE\"").doesNotContain("Anna");
        assertThat(told.get(0).get(1)).isEqualTo(true);
    }

    @Test
    void aMeasurementIsConfirmedAloud() throws Exception {
        Services.simulate(home, "/api/simulate/cuff?systolic=128&diastolic=80&pulse=66");
        await().atMost(DEADLINE).until(() -> hub.voice().speaker().played().contains("Blodtrycket är registrerat"));
    }
}
