package io.nara.gateway.installer;

import io.nara.gateway.analyzer.AnalyzerEvents;
import io.nara.gateway.analyzer.AnalyzerTransport;
import io.nara.gateway.ble.BleTransport;
import io.nara.gateway.coap.CoapKeys;
import io.nara.gateway.coap.CoapTransport;
import io.nara.gateway.gpio.GpioController;
import io.nara.gateway.gpio.HubSignals;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the configured device transports as one, so the hub service wires them with a few lines. A
 * transport that fails to start is logged and left off: the others, and the outbox and uplink, keep running.
 */
public final class DeviceTransports {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceTransports.class);

    private final Vertx vertx;
    private final TransportSettings settings;
    private final ReadingPipeline pipeline;
    private final Clock clock;
    private final ZoneId zone;
    private final DeviceStates states;
    private final HubSignals signals;
    private final Function<String, Instant> lastMeasured;
    private final List<Supplier<Future<Void>>> stops = new ArrayList<>();
    private final List<String> running = new ArrayList<>();
    private volatile BleTransport ble;
    private volatile GpioController gpio;
    /** The CoAP devices' keys, or null when the hub runs no CoAP server. */
    private final CoapKeys coapKeys;

    /**
     * What the cloud's enrolment page shows for a CoAP device whose key the hub lacks (the page recognises the English
     * part and shows the installer's instruction).
     */
    public static final String KEY_MISSING = "nyckeln saknas i hubbens nyckelfil / key not in the hub's key file";
    /** ... once the installer has given its key and until the device sends again. */
    public static final String KEY_GIVEN = "nyckeln finns nu på hubben, enheten har inte skickat än"
            + " / key now on the hub; the device has not sent since";

    public DeviceTransports(
            Vertx vertx,
            TransportSettings settings,
            ReadingPipeline pipeline,
            Clock clock,
            ZoneId zone,
            DeviceStates states,
            HubSignals signals,
            Function<String, Instant> lastMeasured) {
        this.vertx = vertx;
        this.settings = settings;
        this.pipeline = pipeline;
        this.clock = clock;
        this.zone = zone;
        this.states = states;
        this.signals = signals;
        this.lastMeasured = lastMeasured;
        this.coapKeys =
                settings.coap() == null ? null : new CoapKeys(settings.coap().pskFile());
    }

    /** The pins (help button, LED, buzzer), or null when the hub has none. */
    public GpioController gpio() {
        return gpio;
    }

    /** The CoAP devices' keys, or null when the hub runs no CoAP server (no key file configured). */
    public CoapKeys coapKeys() {
        return coapKeys;
    }

    /**
     * The hub adopted a new config from the cloud: BLE sessions follow the bindings (a device bound from the cloud is
     * paired and read without a restart), and pairing mode opened from the cloud is opened here too.
     */
    public void configChanged(HubConfig config) {
        if (config.pairingUntil() != null && config.pairingUntil().isAfter(clock.instant())) {
            states.pairingMode(config.pairingUntil());
        }
        BleTransport current = ble;
        if (current != null) {
            current.reconcile();
        }
    }

    public Future<Void> start() {
        List<Future<?>> started = new ArrayList<>();
        if (settings.coap() != null) {
            // A device whose key the hub lacks cannot connect; it is offered to the cloud all the same, so the nurse
            // sees it tried and the installer knows its key is missing from the hub's key file.
            CoapTransport coap = new CoapTransport(
                    vertx,
                    settings.coap(),
                    coapKeys,
                    pipeline,
                    zone,
                    id -> {
                        states.transport(id, "coap");
                        states.seen(id);
                    },
                    identity -> states.discovered().seen(identity, "coap", null, null, KEY_MISSING));
            started.add(guard("coap", coap.start(), coap::stop));
        }
        if (!settings.analyzers().isEmpty()) {
            AnalyzerTransport analyzers = new AnalyzerTransport(
                    vertx,
                    pipeline,
                    settings.analyzers(),
                    AnalyzerTransport.DEFAULT_TIMEOUT_MS,
                    clock,
                    new AnalyzerEvents() {
                        @Override
                        public void connected(String deviceId, boolean up) {
                            states.connection(
                                    deviceId, up ? DeviceStates.Connection.CONNECTED : DeviceStates.Connection.WAITING);
                        }

                        @Override
                        public void messageReceived(String deviceId) {
                            states.seen(deviceId);
                            // An analyzer talking on its port is offered to the cloud while it is bound to nobody
                            // (the status leaves bound devices out); an open port alone proves no analyzer.
                            settings.analyzers().stream()
                                    .filter(a -> a.deviceId().equals(deviceId))
                                    .findFirst()
                                    .ifPresent(a ->
                                            states.discovered().seen(deviceId, "analyzer", null, null, a.source()));
                        }
                    });
            settings.analyzers().forEach(a -> states.transport(a.deviceId(), a.source()));
            started.add(guard("analyzers", analyzers.start(), analyzers::stop));
        }
        if (settings.gpio() != null && !"off".equals(settings.gpio().provider())) {
            GpioController gpio =
                    new GpioController(vertx, settings.gpio(), pipeline, signals, lastMeasured, clock, zone);
            this.gpio = gpio;
            started.add(guard("gpio", gpio.start(), gpio::stop));
            vertx.setPeriodic(1_000, id -> signals.devicesNeedingAttention(states.needingAttention()));
        }
        if (settings.ble() != null) {
            BleTransport ble = new BleTransport(vertx, settings.ble(), pipeline, states, clock, zone);
            this.ble = ble;
            started.add(guard("ble (" + settings.ble().backend() + ")", ble.start(), ble::stop));
        }
        return Future.join(started).transform(r -> Future.succeededFuture());
    }

    private Future<Void> guard(String name, Future<Void> start, Supplier<Future<Void>> stop) {
        return start.onSuccess(v -> {
                    synchronized (running) {
                        running.add(name);
                        stops.add(stop);
                    }
                })
                .onFailure(e -> LOG.error("transport {} did not start: {}", name, e.getMessage()));
    }

    /** Names of the transports that started, for the status page and the demo. */
    public List<String> running() {
        synchronized (running) {
            return List.copyOf(running);
        }
    }

    public Future<Void> stop() {
        List<Future<?>> stopped = new ArrayList<>();
        synchronized (running) {
            stops.forEach(s -> stopped.add(s.get()));
            stops.clear();
            running.clear();
        }
        return Future.join(stopped).transform(r -> Future.succeededFuture());
    }
}
