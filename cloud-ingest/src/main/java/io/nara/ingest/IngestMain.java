package io.nara.ingest;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one cloud ingest node. Secrets come from files, never from the command line. */
@Command(name = "nara-ingest", mixinStandardHelpOptions = true, description = "A Nära cloud ingest node.")
public final class IngestMain implements Callable<Integer> {

    @Option(names = "--node-id", description = "MQTT client id of this node (default: random).")
    String nodeId;

    @Option(names = "--share-group", defaultValue = "ingest", description = "Shared-subscription group (default ${DEFAULT-VALUE}).")
    String shareGroup;

    @Option(names = "--mqtt-url", required = true, description = "Broker, ssl://host:port.")
    URI mqttUrl;

    @Option(names = "--keystore", required = true, description = "PKCS12 with the ingest's key and certificate.")
    Path keystore;

    @Option(names = "--truststore", required = true, description = "PKCS12 with the CA certificate.")
    Path truststore;

    @Option(names = "--password-file", required = true, description = "File holding the stores' password.")
    Path passwordFile;

    @Option(names = "--influx-url", required = true)
    String influxUrl;

    @Option(names = "--influx-user", required = true)
    String influxUser;

    @Option(names = "--influx-password-file", required = true)
    Path influxPasswordFile;

    @Option(names = "--influx-db", defaultValue = "nara")
    String influxDb;

    @Option(names = "--pg-url", required = true, description = "JDBC URL of PostgreSQL.")
    String pgUrl;

    @Option(names = "--pg-user", required = true)
    String pgUser;

    @Option(names = "--pg-password-file", required = true)
    Path pgPasswordFile;

    @Option(names = "--http-host", defaultValue = "127.0.0.1")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080")
    int httpPort;

    @Option(names = "--api-key-file", required = true, description = "File holding the operator key for the web app.")
    Path apiKeyFile;

    @Override
    public Integer call() throws Exception {
        IngestSettings settings = new IngestSettings(
                nodeId != null ? nodeId : "nara-ingest-" + UUID.randomUUID().toString().substring(0, 8), shareGroup,
                new BrokerConnection(mqttUrl, new TlsIdentity(keystore, truststore, passwordFile)),
                new ObservationStore.Settings(influxUrl, influxUser, secret(influxPasswordFile), influxDb),
                new Database.Settings(pgUrl, pgUser, secret(pgPasswordFile)), httpHost, httpPort, secret(apiKeyFile));
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
        IngestService service = new IngestService(settings, Clock.systemUTC());
        vertx.deployVerticle(service)
                .onSuccess(id -> System.out.println("ingest " + settings.nodeId() + " running; web app http://"
                        + httpHost + ":" + service.httpPort() + "/"))
                .onFailure(e -> {
                    System.err.println("ingest failed to start: " + e.getMessage());
                    vertx.close();
                    stopped.countDown();
                    System.exit(1);
                });
        stopped.await();
        return 0;
    }

    private static String secret(Path file) throws java.io.IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestMain()).execute(args));
    }
}
