package io.nara.gateway;

import io.nara.gateway.analyzer.AnalyzerEndpoint;
import io.nara.gateway.ble.BleSettings;
import io.nara.gateway.clock.HubClock;
import io.nara.gateway.coap.CoapSettings;
import io.nara.gateway.enrol.Enrolment;
import io.nara.gateway.gpio.GpioSettings;
import io.nara.gateway.installer.TransportSettings;
import io.nara.gateway.memory.HeapGiveBack;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.systemd.ServiceManager;
import io.nara.gateway.uplink.Uplink;
import io.nara.gateway.voice.Speaker;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the hub service. */
@Command(name = "nara-hub", mixinStandardHelpOptions = true, description = "The Nära home hub.")
public final class HubMain implements Callable<Integer> {

    @Option(names = "--hub-id", required = true, description = "This hub's id (the CN of its certificate).")
    String hubId;

    @Option(names = "--mqtt-url", required = true, description = "Broker, ssl://host:port.")
    URI mqttUrl;

    @Option(
            names = "--keystore",
            description = "PKCS12 with the hub's key and certificate (a certificate given to the "
                    + "hub, e.g. from the dev PKI); without it the hub enrols with --enrol-url.")
    Path keystore;

    @Option(
            names = "--truststore",
            required = true,
            description = "The cloud's CA certificate: PEM, or PKCS12 with --password-file.")
    Path truststore;

    @Option(
            names = "--password-file",
            description = "File holding the PKCS12 stores' password (with --keystore or a PKCS12 truststore).")
    Path passwordFile;

    @Option(
            names = "--enrol-url",
            description = "The cloud's enrolment (EST) address, https://host:port: the hub makes "
                    + "its own key, enrols with the one-time code and keeps its identity in <data-dir>/identity/.")
    URI enrolUrl;

    @Option(
            names = "--enrolment-code-file",
            description = "File whose first line is the hub's one-time enrolment code "
                    + "(read again on every attempt until the hub is enrolled).")
    Path enrolmentCodeFile;

    @Option(names = "--data-dir", required = true, description = "Where the outbox and config live.")
    Path dataDir;

    @Option(names = "--config", description = "Bootstrap config (HubConfig JSON) for a new hub.")
    Path bootstrapConfig;

    @Option(
            names = "--http-host",
            defaultValue = "127.0.0.1",
            description = "Status page address (default ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8081", description = "Status page port (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--device-zone", defaultValue = "Europe/Stockholm", description = "Zone of device clocks.")
    ZoneId deviceZone;

    @Option(
            names = "--clock",
            defaultValue = "timesyncd",
            description =
                    "How the hub knows its clock is right: timesyncd, chrony, file:/path, or assume (development only). Default ${DEFAULT-VALUE}.")
    String clockSource;

    @Option(names = "--simulate", description = "Run the simulated home.")
    boolean simulate;

    @Option(
            names = "--simulate-every",
            defaultValue = "0",
            description = "Seconds between simulated normal readings; 0 = on demand only.")
    long simulateEverySeconds;

    @Option(
            names = "--replay-rate",
            defaultValue = "500",
            description =
                    "Observations sent per second at most, so a long outage does not flood the broker; 0 = no limit (default ${DEFAULT-VALUE}).")
    int replayRate;

    @Option(
            names = "--batch-size",
            defaultValue = "200",
            description = "Observations per message (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--ack-timeout",
            defaultValue = "30",
            description = "Seconds before an unacknowledged message is sent again (default ${DEFAULT-VALUE}).")
    int ackTimeoutSeconds;

    @Option(
            names = "--max-records",
            defaultValue = "2000000",
            description =
                    "Outbox records before the storage policy thins continuous samples (default ${DEFAULT-VALUE}).")
    long maxRecords;

    @Option(
            names = "--max-outbox-mb",
            defaultValue = "1024",
            description = "Hard limit on the outbox database file, in MiB (default ${DEFAULT-VALUE}).")
    long maxOutboxMegabytes;

    // Device transports. Each is off unless configured.
    @Option(names = "--ble", description = "Talk to bound Bluetooth devices through BlueZ.")
    boolean ble;

    @Option(names = "--ble-backend", defaultValue = "bluez-dbus", description = "bluez-dbus (default) or tinyb.")
    String bleBackend;

    @Option(names = "--ble-bus", description = "D-Bus address of BlueZ (default: the system bus).")
    String bleBus;

    @Option(
            names = "--ble-adapter",
            defaultValue = "hci0",
            description = "Bluetooth adapter (default ${DEFAULT-VALUE}).")
    String bleAdapter;

    @Option(
            names = "--ble-passkey",
            description = "Fixed passkey for devices that demand one (default: NoInputNoOutput pairing).")
    Integer blePasskey;

    @Option(
            names = "--coap-psk-file",
            description = "Enables the CoAP/DTLS server: identity=key lines, one per IP device. "
                    + "The hub writes it too (nara-installer coap-key, in pairing mode), so it must be in a folder the hub may write; "
                    + "a missing file is made with the first key.")
    Path coapPskFile;

    @Option(names = "--coap-host", defaultValue = "0.0.0.0", description = "CoAP address (default ${DEFAULT-VALUE}).")
    String coapHost;

    @Option(
            names = "--coap-port",
            defaultValue = "5684",
            description = "CoAP over DTLS port (default ${DEFAULT-VALUE}).")
    int coapPort;

    @Option(
            names = "--coap-plain-port",
            defaultValue = "-1",
            description = "Plain CoAP port for a bench; -1 = none (default).")
    int coapPlainPort;

    @Option(
            names = "--analyzer",
            description =
                    "astm-tcp:DEVICE:[HOST:]PORT, poct1-tcp:DEVICE:[HOST:]PORT or astm-serial:DEVICE:PATH[:BAUD]; repeatable.")
    List<String> analyzers = new ArrayList<>();

    @Option(
            names = "--voice",
            defaultValue = "off",
            description = "Speak to the patient: espeak (espeak-ng, Swedish) or off (default). The care plan's voice"
                    + " section sets on/off, volume and quiet hours.")
    String voice;

    @Option(
            names = "--voice-player",
            defaultValue = "aplay -q",
            description = "The command that plays a WAV file (the file is appended), default 'aplay -q'.")
    String voicePlayer;

    @Option(names = "--gpio", defaultValue = "off", description = "Pins: gpiod (Raspberry Pi), mock, or off (default).")
    String gpio;

    @Option(
            names = "--help-button-pin",
            defaultValue = "17",
            description = "BCM pin of the help button (default ${DEFAULT-VALUE}).")
    int helpButtonPin;

    @Option(
            names = "--led-pin",
            defaultValue = "27",
            description = "BCM pin of the status LED (default ${DEFAULT-VALUE}).")
    int ledPin;

    @Option(
            names = "--buzzer-pin",
            defaultValue = "22",
            description = "BCM pin of the buzzer (default ${DEFAULT-VALUE}).")
    int buzzerPin;

    @Option(names = "--help-button-patient", description = "Whose help button it is (default: the hub's only patient).")
    String helpButtonPatient;

    @Option(
            names = "--update-result-file",
            description =
                    "The updater's last-result file (the package's: "
                            + "/var/lib/nara-hub-update/last-result); a refused or rolled-back update in it goes to the cloud in the status.")
    Path updateResultFile;

    @Option(
            names = "--reminder",
            description = "HH:MM=LOINC: buzz when that measurement is missing by then; repeatable.")
    List<String> reminders = new ArrayList<>();

    private TransportSettings transports() {
        GpioSettings pins = GpioSettings.defaults(gpio);
        pins = new GpioSettings(
                gpio,
                helpButtonPin,
                ledPin,
                buzzerPin,
                pins.debounce(),
                pins.helpRearm(),
                pins.alertShown(),
                helpButtonPatient,
                reminders.stream().map(GpioSettings.Reminder::parse).toList());
        BleSettings bleDefaults = BleSettings.defaults();
        return new TransportSettings(
                ble
                        ? new BleSettings(
                                bleBackend,
                                bleBus,
                                bleAdapter,
                                blePasskey,
                                bleDefaults.connectTimeout(),
                                bleDefaults.maxBackoff())
                        : null,
                coapPskFile == null ? null : new CoapSettings(coapHost, coapPort, coapPlainPort, coapPskFile),
                analyzers.stream().map(AnalyzerEndpoint::parse).toList(),
                "off".equals(gpio) ? null : pins,
                voice());
    }

    /** The hub's voice, or null with {@code --voice off}. */
    Speaker.Settings voice() {
        return switch (voice) {
            case "off" -> null;
            case "espeak" ->
                Speaker.Settings.defaults()
                        .withPlayer(List.of(voicePlayer.trim().split("\\s+")));
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--voice must be espeak or off, not '" + voice + "'");
        };
    }

    /** The hub's enrolment, or null when --keystore gives it a certificate. */
    Enrolment enrolment(Vertx vertx) {
        if (keystore != null) {
            if (enrolUrl != null || passwordFile == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--keystore needs --password-file and excludes --enrol-url");
            }
            return null;
        }
        if (enrolUrl == null || enrolmentCodeFile == null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "give either --keystore (a certificate for the hub) or --enrol-url with --enrolment-code-file");
        }
        return new Enrolment(
                vertx,
                hubId,
                dataDir,
                Enrolment.Settings.of(enrolUrl, enrolmentCodeFile, truststore, passwordFile),
                Clock.systemUTC());
    }

    /**
     * A hub's work is a few devices and one uplink: two event loops and four workers (the outbox has its own), not
     * Vert.x's server defaults of two event loops a core and 20 + 20 worker threads, each thread a stack and native
     * memory of its own on a 512 MB Pi (docs/benchmarks.md, "Hub memory on a Pi").
     */
    static VertxOptions vertxOptions() {
        return new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4).setInternalBlockingPoolSize(2);
    }

    @Override
    public Integer call() throws InterruptedException {
        Vertx vertx = Vertx.vertx(vertxOptions());
        Enrolment enrolment;
        try {
            enrolment = enrolment(vertx);
        } catch (CommandLine.ParameterException e) {
            vertx.close();
            throw e;
        }
        TlsIdentity identity = enrolment != null
                ? enrolment.identity().tlsIdentity()
                : new TlsIdentity(keystore, truststore, passwordFile);
        HubSettings settings = new HubSettings(
                hubId,
                new BrokerConnection(mqttUrl, identity),
                dataDir,
                bootstrapConfig,
                httpHost,
                httpPort,
                deviceZone,
                clockSource.equals("assume"),
                simulate,
                simulateEverySeconds * 1000,
                new Uplink.Settings(batchSize, 4, ackTimeoutSeconds * 1000L, 60_000, replayRate),
                new StorageLimits(maxRecords, maxOutboxMegabytes * 1024 * 1024),
                transports(),
                updateResultFile);
        ServiceManager systemd = ServiceManager.fromEnvironment(vertx, System.getenv());
        long heapGiveBack = HeapGiveBack.start(vertx, HeapGiveBack.EVERY);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.stopping();
            vertx.cancelTimer(heapGiveBack);
            vertx.close().onComplete(r -> stopped.countDown());
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        HubService service = new HubService(settings, Clock.systemUTC(), HubClock.parse(clockSource), enrolment);
        vertx.deployVerticle(service)
                .onSuccess(id -> {
                    System.out.println("hub " + hubId + " " + HubService.VERSION + " running; status page http://"
                            + httpHost + ":" + service.statusPort() + "/; installer token in "
                            + service.installerToken().file());
                    systemd.ready("running " + HubService.VERSION, service::alive);
                })
                .onFailure(e -> {
                    System.err.println("hub failed to start: " + e.getMessage());
                    vertx.close();
                    stopped.countDown();
                    System.exit(1);
                });
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new HubMain()).execute(args));
    }
}
