package io.nara.gateway.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.testkit.PipelineFixture;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The help button, status LED and reminder buzzer through Pi4J's mock plugin. */
class GpioControllerTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");
    /** 09:30 local: after the 08:00 weight reminder. */
    private static final Instant NOW = Instant.parse("2026-11-23T08:30:00Z");

    @TempDir
    Path dir;

    private PipelineFixture hub;
    private GpioController gpio;
    private HubSignals signals;
    private final Map<String, Instant> lastMeasured = new ConcurrentHashMap<>();
    private final AtomicInteger buzzes = new AtomicInteger();
    private final AtomicInteger ledChanges = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        hub = new PipelineFixture(dir, "cuff-1:generic-blood-pressure");
        Clock clock = Clock.fixed(NOW, ZONE);
        signals = new HubSignals(clock, Duration.ofHours(2));
        signals.connected(true);
        GpioSettings settings = new GpioSettings(
                "mock",
                17,
                27,
                22,
                Duration.ofMillis(50),
                Duration.ofMinutes(5),
                Duration.ofHours(2),
                null,
                List.of(new GpioSettings.Reminder("29463-7", LocalTime.of(8, 0), Duration.ofMinutes(15), 3)));
        gpio = new GpioController(hub.vertx, settings, hub.pipeline, signals, lastMeasured::get, clock, ZONE);
        gpio.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        gpio.buzzer().addListener(e -> {
            if (e.state() == DigitalState.HIGH) {
                buzzes.incrementAndGet();
            }
        });
        gpio.led().addListener(e -> ledChanges.incrementAndGet());
    }

    @AfterEach
    void stop() throws Exception {
        gpio.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        hub.close();
    }

    private MockDigitalInput button() {
        return (MockDigitalInput) gpio.button();
    }

    private List<Alert> alerts() {
        return hub.stored.stream()
                .filter(e -> e instanceof OutboxEntry.AlertEntry)
                .map(e -> ((OutboxEntry.AlertEntry) e).alert())
                .toList();
    }

    @Test
    void aHeldPressRaisesOneUrgentHelpAlertForTheHubsPatient() {
        button().mockState(DigitalState.LOW);
        await().atMost(LIMIT).until(() -> alerts().size() == 1);
        Alert alert = alerts().get(0);
        assertThat(alert.ruleId()).isEqualTo("help-button");
        assertThat(alert.severity()).isEqualTo(Severity.URGENT);
        assertThat(alert.code()).isNull();
        assertThat(alert.value()).isNull();
        assertThat(alert.observationSeq()).isZero();
        assertThat(alert.patientId()).isEqualTo("patient-1");
        assertThat(alert.carePlanVersion()).isEqualTo("p1");
        assertThat(alert.message()).contains("asks to be contacted");
        await().atMost(LIMIT).until(() -> buzzes.get() >= 1); // the patient hears the press was taken
    }

    @Test
    void inAHomeOfTwoPatientsAPressAlertsTheNursesOfBoth() throws Exception {
        // A couple: a cuff of his own, a scale they share; no --help-button-patient, so the press is the household's.
        hub.configStore.offer(new MessageCodec().decode("""
                {"v":1,"version":2,"carePlans":[{"patientId":"patient-1","version":"p2","rules":[]}],
                 "devices":[{"deviceId":"cuff-1","model":"generic-blood-pressure","patientId":"patient-1"},
                  {"deviceId":"scale-1","model":"generic-weight-scale","users":[
                   {"patientId":"patient-1","userIndex":1},{"patientId":"patient-2","userIndex":2}]}]}
                """.getBytes(StandardCharsets.UTF_8), HubConfig.class));
        button().mockState(DigitalState.LOW);
        await().atMost(LIMIT).until(() -> alerts().size() == 2);
        assertThat(alerts()).extracting(Alert::patientId).containsExactly("patient-1", "patient-2");
        assertThat(alerts()).allSatisfy(alert -> {
            assertThat(alert.ruleId()).isEqualTo("help-button");
            assertThat(alert.severity()).isEqualTo(Severity.URGENT);
        });
        assertThat(alerts()).extracting(Alert::carePlanVersion).containsExactly("p2", "none");
        assertThat(alerts().get(0).seq()).isNotEqualTo(alerts().get(1).seq());
    }

    @Test
    void bouncesAreNotPressesAndASecondPressSoonAfterRaisesNoSecondAlert() {
        // Contact bounce: low and straight back high, well within the 50 ms debounce.
        for (int i = 0; i < 5; i++) {
            button().mockState(DigitalState.LOW);
            button().mockState(DigitalState.HIGH);
        }
        button().mockState(DigitalState.LOW);
        await().atMost(LIMIT).until(() -> alerts().size() == 1);
        await().atMost(LIMIT).until(() -> buzzes.get() == 1);
        button().mockState(DigitalState.HIGH);
        button().mockState(DigitalState.LOW); // pressed again a moment later: already told
        await().atMost(LIMIT).until(() -> buzzes.get() == 2);
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void ledShowsEachStateTheHubCanBeIn() {
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.ALL_WELL);
        assertThat(gpio.led().isHigh()).isTrue();

        signals.connected(false);
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.NO_CONNECTION);
        int before = ledChanges.get();
        await().atMost(LIMIT).until(() -> ledChanges.get() >= before + 2); // it blinks

        signals.connected(true);
        signals.devicesNeedingAttention(1);
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.DEVICE_ATTENTION);

        signals.alertStored();
        signals.outboxPending(3);
        signals.connected(false);
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.NO_CONNECTION); // alert not yet sent
        signals.connected(true);
        signals.outboxPending(0); // the cloud acknowledged everything, the alert included
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.ALERT_SENT);

        signals.alertSeen(); // a nurse acknowledged it in the cloud
        await().atMost(LIMIT).until(() -> gpio.ledState() == LedState.SEEN_BY_NURSE);
        int seenChanges = ledChanges.get();
        await().atMost(LIMIT).until(() -> ledChanges.get() >= seenChanges + 2); // long light, short pause

        signals.alertStored(); // a new alert: nobody has seen that one yet
        await().atMost(LIMIT).until(() -> gpio.ledState() != LedState.SEEN_BY_NURSE);
    }

    @Test
    void buzzerRemindsWhenTheScheduledWeightIsMissingAndStopsOnceMeasured() {
        List<List<String>> told = new CopyOnWriteArrayList<>();
        signals.onReminder(told::add); // the voice hears of it too
        gpio.checkReminders();
        await().atMost(LIMIT).until(() -> buzzes.get() >= 1);
        assertThat(told).containsExactly(List.of("29463-7"));

        lastMeasured.put("29463-7", NOW.minusSeconds(600)); // weighed this morning
        int before = buzzes.get();
        Reminders fresh = new Reminders(
                List.of(new GpioSettings.Reminder("29463-7", LocalTime.of(8, 0), Duration.ofMinutes(15), 3)), ZONE);
        assertThat(fresh.due(NOW, lastMeasured::get)).isFalse();
        gpio.checkReminders();
        assertThat(buzzes.get()).isEqualTo(before);
    }

    @Test
    void remindersAreLimitedAndSpacedOut() {
        Reminders r = new Reminders(
                List.of(new GpioSettings.Reminder("29463-7", LocalTime.of(8, 0), Duration.ofMinutes(15), 3)), ZONE);
        Instant eight = Instant.parse("2026-11-23T07:00:00Z"); // 08:00 in Stockholm
        assertThat(r.due(eight.minusSeconds(60), c -> null)).isFalse();
        assertThat(r.due(eight, c -> null)).isTrue();
        assertThat(r.due(eight.plusSeconds(60), c -> null)).isFalse();
        assertThat(r.due(eight.plus(Duration.ofMinutes(15)), c -> null)).isTrue();
        assertThat(r.due(eight.plus(Duration.ofMinutes(30)), c -> null)).isTrue();
        assertThat(r.due(eight.plus(Duration.ofMinutes(45)), c -> null)).isFalse(); // three is enough
        assertThat(r.due(eight.plus(Duration.ofDays(1)), c -> null)).isTrue(); // a new day
    }
}
