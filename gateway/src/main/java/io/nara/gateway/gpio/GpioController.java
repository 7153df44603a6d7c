package io.nara.gateway.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pi's pins (Pi4J 2): the help button, the status LED and the reminder buzzer. Pi4J calls listeners on its own
 * thread; everything here hops to the Vert.x context, so the debounce and the LED pattern need no locks.
 */
public final class GpioController {

    private static final Logger LOG = LoggerFactory.getLogger(GpioController.class);
    public static final String HELP_RULE = "help-button";
    static final String HELP_MESSAGE = "Patienten ber att bli kontaktad / The patient asks to be contacted";

    private final Vertx vertx;
    private final GpioSettings settings;
    private final ReadingPipeline pipeline;
    private final HubSignals signals;
    private final Reminders reminders;
    private final Function<String, Instant> lastMeasured;
    private final Clock clock;
    private io.vertx.core.Context context;
    private Context pi4j;
    private DigitalInput button;
    private DigitalOutput led;
    private DigitalOutput buzzer;
    private long pressTimer = -1;
    private Instant lastHelpAlert;
    private final AtomicInteger tick = new AtomicInteger();
    private volatile LedState ledState = LedState.ALL_WELL;
    private long ledTimer = -1;
    private long reminderTimer = -1;

    /** @param lastMeasured when a reading of a LOINC code last arrived on this hub, or null */
    public GpioController(
            Vertx vertx,
            GpioSettings settings,
            ReadingPipeline pipeline,
            HubSignals signals,
            Function<String, Instant> lastMeasured,
            Clock clock,
            ZoneId zone) {
        this.vertx = vertx;
        this.settings = settings;
        this.pipeline = pipeline;
        this.signals = signals;
        this.lastMeasured = lastMeasured;
        this.clock = clock;
        this.reminders = new Reminders(settings.reminders(), zone);
    }

    /** Opens the pins (on a worker: Pi4J loads native code and opens /dev/gpiochip*). */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> {
                    pi4j = switch (settings.provider()) {
                        case "mock" ->
                            Pi4J.newContextBuilder()
                                    .noAutoDetect()
                                    .add(new MockPlatform())
                                    .add(
                                            MockDigitalInputProvider.newInstance(),
                                            MockDigitalOutputProvider.newInstance())
                                    .build();
                        case "gpiod" ->
                            Pi4J.newContextBuilder()
                                    .noAutoDetect()
                                    .add(
                                            GpioDDigitalInputProvider.newInstance(),
                                            GpioDDigitalOutputProvider.newInstance())
                                    .build();
                        default ->
                            throw new IllegalArgumentException(
                                    "GPIO provider '" + settings.provider() + "' is not gpiod, mock or off");
                    };
                    String in = settings.provider().equals("mock")
                            ? MockDigitalInputProvider.ID
                            : GpioDDigitalInputProvider.ID;
                    String out = settings.provider().equals("mock")
                            ? MockDigitalOutputProvider.ID
                            : GpioDDigitalOutputProvider.ID;
                    button = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                            .id("help-button")
                            .name("Help button")
                            .address(settings.buttonPin())
                            .pull(PullResistance.PULL_UP)
                            .provider(in));
                    led = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                            .id("status-led")
                            .name("Status LED")
                            .address(settings.ledPin())
                            .initial(DigitalState.HIGH)
                            .shutdown(DigitalState.LOW)
                            .provider(out));
                    buzzer = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                            .id("buzzer")
                            .name("Buzzer")
                            .address(settings.buzzerPin())
                            .initial(DigitalState.LOW)
                            .shutdown(DigitalState.LOW)
                            .provider(out));
                    if (button instanceof MockDigitalInput mock) {
                        mock.mockState(DigitalState.HIGH); // what the pull-up does on a real pin: released reads high
                    }
                    button.addListener(e -> context.runOnContext(v -> buttonChanged(e.state())));
                    return null;
                })
                .onSuccess(v -> {
                    ledTimer = vertx.setPeriodic(250, id -> showLed());
                    reminderTimer = vertx.setPeriodic(30_000, id -> checkReminders());
                    LOG.info(
                            "GPIO ({}): help button BCM {}, LED BCM {}, buzzer BCM {}",
                            settings.provider(),
                            settings.buttonPin(),
                            settings.ledPin(),
                            settings.buzzerPin());
                })
                .mapEmpty();
    }

    public Future<Void> stop() {
        vertx.cancelTimer(ledTimer);
        vertx.cancelTimer(reminderTimer);
        Context c = pi4j;
        pi4j = null;
        return c == null
                ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    c.shutdown(); // drives the LED and buzzer to their shutdown state (off)
                    return null;
                });
    }

    public LedState ledState() {
        return ledState;
    }

    /** The pins, for the mock plugin in tests and the demo (the mock's input is driven with mockState). */
    public DigitalInput button() {
        return button;
    }

    public DigitalOutput led() {
        return led;
    }

    public DigitalOutput buzzer() {
        return buzzer;
    }

    /** Runs the reminder check now (it also runs every 30 s). */
    public void checkReminders() {
        List<String> missing = reminders.dueCodes(clock.instant(), lastMeasured);
        if (!missing.isEmpty()) {
            LOG.info("scheduled measurement(s) {} missing: reminding the patient", missing);
            beep(3);
            signals.reminded(missing);
        }
    }

    private void buttonChanged(DigitalState state) {
        boolean pressed = state == DigitalState.LOW; // wired to ground against the pull-up
        if (pressed && pressTimer < 0) {
            pressTimer = vertx.setTimer(settings.debounce().toMillis(), id -> {
                pressTimer = -1;
                if (button.state() == DigitalState.LOW) {
                    help();
                }
            });
        } else if (!pressed && pressTimer >= 0) {
            vertx.cancelTimer(pressTimer); // released within the debounce time: a bounce or a brush, not a press
            pressTimer = -1;
        }
    }

    private void help() {
        Instant now = clock.instant();
        if (lastHelpAlert != null && now.isBefore(lastHelpAlert.plus(settings.helpRearm()))) {
            LOG.info("help button pressed again within {}; the nurse has already been told", settings.helpRearm());
            beep(1);
            return;
        }
        HubConfig config = pipeline.config();
        // The button belongs to the household: without --help-button-patient, the nurses of every patient here hear it.
        List<String> patients = settings.patientId() != null ? List.of(settings.patientId()) : config.patients();
        if (patients.isEmpty()) {
            LOG.error(
                    "help button pressed but this hub serves no patient yet (no care plan, no device bound); no alert");
            return;
        }
        lastHelpAlert = now;
        beep(1); // the patient hears that the press was taken
        pipeline.raise(patients.stream()
                        .<LongFunction<Alert>>map(patientId -> seq -> new Alert(
                                seq,
                                patientId,
                                HELP_RULE,
                                Severity.URGENT,
                                null,
                                null,
                                null,
                                HELP_MESSAGE,
                                now,
                                0,
                                config.carePlanFor(patientId)
                                        .map(CarePlan::version)
                                        .orElse("none"),
                                null,
                                null))
                        .toList())
                .onSuccess(stored -> LOG.info(
                        "help button: alert(s) {} stored for {}",
                        stored.stream().map(OutboxEntry::seq).toList(),
                        patients))
                .onFailure(e -> {
                    lastHelpAlert = null; // not stored: the next press must try again
                    LOG.error("help button alert not stored: {}", e.getMessage());
                });
    }

    private void showLed() {
        LedState state = LedState.decide(signals.snapshot());
        if (state != ledState) {
            LOG.info("status LED: {}", state);
            ledState = state;
            tick.set(0);
        }
        boolean lit = state.lit(tick.getAndIncrement());
        if (led != null && led.isOn() != lit) {
            led.state(lit ? DigitalState.HIGH : DigitalState.LOW);
        }
    }

    private void beep(int times) {
        long period = Reminders.BEEP.toMillis();
        for (int i = 0; i < times; i++) {
            long on = 2 * i * period;
            vertx.setTimer(Math.max(1, on), id -> buzzer.high());
            vertx.setTimer(on + period, id -> buzzer.low());
        }
    }
}
