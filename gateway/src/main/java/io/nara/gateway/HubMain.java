package io.nara.gateway;

import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
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

    @Option(names = "--keystore", required = true, description = "PKCS12 with the hub's key and certificate.")
    Path keystore;

    @Option(names = "--truststore", required = true, description = "PKCS12 with the CA certificate.")
    Path truststore;

    @Option(names = "--password-file", required = true, description = "File holding the stores' password.")
    Path passwordFile;

    @Option(names = "--data-dir", required = true, description = "Where the outbox and config live.")
    Path dataDir;

    @Option(names = "--config", description = "Bootstrap config (HubConfig JSON) for a new hub.")
    Path bootstrapConfig;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "Status page address (default ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8081", description = "Status page port (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--device-zone", defaultValue = "Europe/Stockholm", description = "Zone of device clocks.")
    ZoneId deviceZone;

    @Option(names = "--clock-untrusted", description = "Treat the hub's clock as not synchronised.")
    boolean clockUntrusted;

    @Option(names = "--simulate", description = "Run the simulated home.")
    boolean simulate;

    @Option(names = "--simulate-every", defaultValue = "0", description = "Seconds between simulated normal readings; 0 = on demand only.")
    long simulateEverySeconds;

    @Override
    public Integer call() throws InterruptedException {
        HubSettings settings = new HubSettings(hubId,
                new BrokerConnection(mqttUrl, new TlsIdentity(keystore, truststore, passwordFile)),
                dataDir, bootstrapConfig, httpHost, httpPort, deviceZone, !clockUntrusted, simulate,
                simulateEverySeconds * 1000, Uplink.Settings.defaults());
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().onComplete(r -> stopped.countDown());
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        HubService service = new HubService(settings, Clock.systemUTC());
        vertx.deployVerticle(service).onSuccess(id -> System.out.println(
                        "hub " + hubId + " running; status page http://" + httpHost + ":" + service.statusPort() + "/"))
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
