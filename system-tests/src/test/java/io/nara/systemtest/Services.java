package io.nara.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.HubService;
import io.nara.gateway.HubSettings;
import io.nara.gateway.clock.HubClock;
import io.nara.gateway.enrol.Enrolment;
import io.nara.gateway.installer.TransportSettings;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.status.InstallerToken;
import io.nara.gateway.uplink.Uplink;
import io.nara.ingest.IngestService;
import io.nara.ingest.IngestSettings;
import io.nara.ingest.NodeFeature;
import io.nara.ingest.NodeOptions;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrol.BrokerCommand;
import io.nara.ingest.enrol.EnrolmentSettings;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.web.WebTls;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Starts a hub and an ingest node in this JVM, configured for the dev stack, each on a Vert.x of its own. */
final class Services {

    static final String PATIENT = "patient-it-1";
    static final String CUFF = "sim-cuff-1";
    static final String SCALE = "sim-scale-1";
    static final String OXIMETER = "sim-oximeter-1";
    /** How long the helpers wait for the stack: generous, since several builds share the machine. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    /**
     * How long a node or hub may take to deploy (Flyway, pools, broker sessions): on a machine shared by several builds
     * an ingest took more than a minute (the memory benchmark and EnrolmentIT failed so at a load average of 30-50).
     */
    private static final long DEPLOY_SECONDS = 180;

    private Services() {}

    /** An ingest node with its own databases and share group. */
    record Ingest(
            Vertx vertx,
            IngestService service,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            String apiKey)
            implements AutoCloseable {
        String baseUrl() {
            return "http://127.0.0.1:" + service.httpPort();
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    /** A hub with the simulated home, its own data folder and status page. */
    record Hub(Vertx vertx, HubService service, Path dataDir) implements AutoCloseable {
        String statusUrl() {
            return "http://127.0.0.1:" + service.statusPort();
        }

        /** A POST to the status page as the installer: with the token an installer reads from the hub. */
        HttpRequest.Builder installerPost(String pathAndQuery) {
            return Services.installerPost(URI.create(statusUrl() + pathAndQuery), dataDir);
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    static Ingest startIngest(
            DevStack stack, String shareGroup, Database.Settings postgres, ObservationStore.Settings influx)
            throws Exception {
        return startIngest(
                stack,
                shareGroup,
                postgres,
                influx,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                0,
                NodeOptions.defaults());
    }

    /** ... with these node options (retention periods, metrics, ...). Not yet awaited healthy. */
    static Ingest startIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            NodeOptions options)
            throws Exception {
        return startIngest(
                stack, shareGroup, postgres, influx, Clock.systemUTC(), AlertingSettings.defaults(), 0, options);
    }

    /** ... on a fixed web port (0: any free one), serving hub releases from {@code releaseRepo} (null: none). */
    static Ingest startIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            int httpPort,
            Path releaseRepo)
            throws Exception {
        return startIngest(
                stack,
                shareGroup,
                postgres,
                influx,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                httpPort,
                NodeOptions.defaults().withReleaseRepository(releaseRepo));
    }

    /**
     * An ingest node that is also the hub CA: EST on a free port, the CRL written for the stack's broker; like every
     * ingest it authorises every hub message against the hub's bindings in the cloud.
     */
    static Ingest startEnrollingIngest(
            DevStack stack, Clock clock, AlertingSettings alerting, HubEnrolment.Settings lifetimes) throws Exception {
        Ingest ingest = startIngest(
                stack,
                newShareGroup(),
                stack.freshPostgres(),
                stack.freshInflux(),
                clock,
                alerting,
                0,
                NodeOptions.defaults().withEnrolment(enrolment(stack, lifetimes)));
        try {
            awaitHealthy(ingest);
            return ingest;
        } catch (Exception | Error e) {
            closeAll(ingest);
            throw e;
        }
    }

    /**
     * ... on its databases and share group, on a fixed web port, serving hub releases from {@code releaseRepo} (a
     * hub as a Pi appliance: it enrols and updates from the same node). Not yet awaited healthy.
     */
    static Ingest startEnrollingIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            int httpPort,
            Path releaseRepo)
            throws Exception {
        return startIngest(
                stack,
                shareGroup,
                postgres,
                influx,
                Clock.systemUTC(),
                AlertingSettings.defaults(),
                httpPort,
                NodeOptions.defaults()
                        .withEnrolment(enrolment(stack, HubEnrolment.Settings.defaults()))
                        .withReleaseRepository(releaseRepo));
    }

    /** EST with the stack's dev CA; the broker's CRL reload and account grants through the stack's own script. */
    private static EnrolmentSettings enrolment(DevStack stack, HubEnrolment.Settings lifetimes) {
        Path pki = stack.pkiDir();
        return new EnrolmentSettings(
                "127.0.0.1",
                0,
                pki.resolve("est.crt"),
                pki.resolve("est.key"),
                pki.resolve("ca.crt"),
                pki.resolve("ca.key"),
                pki.resolve("crl.pem"),
                new BrokerCommand(stack.stackScript("reload", "broker")),
                new BrokerCommand(stack.stackScript("account")),
                lifetimes);
    }

    private static Ingest startIngest(
            DevStack stack,
            String shareGroup,
            Database.Settings postgres,
            ObservationStore.Settings influx,
            Clock clock,
            AlertingSettings alerting,
            int httpPort,
            NodeOptions options)
            throws Exception {
        String apiKey = UUID.randomUUID().toString();
        String node = stack.newIngestNode();
        IngestSettings settings = new IngestSettings(
                        "it-ingest-" + UUID.randomUUID().toString().substring(0, 8),
                        shareGroup,
                        stack.broker(node),
                        influx,
                        postgres,
                        "127.0.0.1",
                        httpPort,
                        apiKey)
                .withAlertBroker(stack.broker(node + "-alerts"));
        Vertx vertx = Vertx.vertx();
        IngestService service = new IngestService(settings, clock, alerting, NodeFeature.installed(), options);
        try {
            vertx.deployVerticle(service)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(DEPLOY_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            // A node that did not start in time must not stay connected and take (and acknowledge) messages.
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw e;
        }
        return new Ingest(vertx, service, postgres, influx, apiKey);
    }

    /** An ingest node on HTTPS ({@code tls}) on fresh databases, once healthy; {@code publicAddress} is its https URL. */
    static Ingest startIngest(DevStack stack, WebTls tls, int port, String publicAddress) throws Exception {
        String apiKey = UUID.randomUUID().toString();
        Database.Settings postgres = stack.freshPostgres();
        ObservationStore.Settings influx = stack.freshInflux();
        String node = stack.newIngestNode();
        IngestSettings settings = new IngestSettings(
                "it-ingest-" + UUID.randomUUID().toString().substring(0, 8),
                newShareGroup(),
                stack.broker(node),
                influx,
                postgres,
                "127.0.0.1",
                port,
                apiKey,
                tls,
                stack.broker(node + "-alerts"));
        IngestService service = new IngestService(
                settings,
                Clock.systemUTC(),
                AlertingSettings.defaults().withWeb(publicAddress, true),
                NodeFeature.installed());
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(service)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(DEPLOY_SECONDS, TimeUnit.SECONDS);
            Ingest ingest = new Ingest(vertx, service, postgres, influx, apiKey);
            awaitHealthy(ingest);
            return ingest;
        } catch (Exception | Error e) {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** An ingest node on fresh databases and a share group of its own, once it reports healthy. */
    static Ingest startIngest(DevStack stack) throws Exception {
        Ingest ingest = startIngest(stack, newShareGroup(), stack.freshPostgres(), stack.freshInflux());
        try {
            awaitHealthy(ingest);
            return ingest;
        } catch (Exception | Error e) {
            closeAll(ingest);
            throw e;
        }
    }

    /** A share group no other test's node is in, so that each test's node gets all of its hubs' messages. */
    static String newShareGroup() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits until the node reports broker, databases and alert feed healthy. */
    static void awaitHealthy(Ingest ingest) {
        Awaitility.await()
                .atMost(DEADLINE)
                .until(() -> ingest.service().health().healthy());
    }

    static Hub startHub(DevStack stack, String hubId, Path dataDir, HubConfig config) throws Exception {
        return startHub(
                stack,
                hubId,
                dataDir,
                config,
                new Uplink.Settings(200, 4, 10_000, 60_000, 0),
                StorageLimits.defaults(),
                stack.broker(hubId));
    }

    /** A hub with its own uplink tuning, storage limits and broker (a broker that is not there cuts it off). */
    static Hub startHub(
            DevStack stack,
            String hubId,
            Path dataDir,
            HubConfig config,
            Uplink.Settings uplink,
            StorageLimits storage,
            BrokerConnection broker)
            throws Exception {
        return startHub(stack, hubId, dataDir, config, uplink, storage, broker, HubClock.assumeSynchronized());
    }

    /** ... and with a clock that is right only when {@code hubClock} says so. */
    static Hub startHub(
            DevStack stack,
            String hubId,
            Path dataDir,
            HubConfig config,
            Uplink.Settings uplink,
            StorageLimits storage,
            BrokerConnection broker,
            HubClock hubClock)
            throws Exception {
        return startHub(hubId, dataDir, config, uplink, storage, broker, hubClock, null);
    }

    /** A hub that enrols itself at the ingest's EST listener with the code in {@code codeFile} (no certificate given). */
    static Hub startEnrollingHub(
            DevStack stack, Ingest ingest, String hubId, Path dataDir, Path codeFile, Duration renewBefore)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        var enrolment = new Enrolment(
                vertx,
                hubId,
                dataDir,
                new Enrolment.Settings(
                        URI.create("https://localhost:" + ingest.service().estPort()),
                        codeFile,
                        stack.pkiDir().resolve("ca.crt"),
                        null,
                        Duration.ofSeconds(1),
                        renewBefore,
                        Duration.ofSeconds(1)),
                Clock.systemUTC());
        BrokerConnection broker = new BrokerConnection(
                URI.create(stack.get("NARA_MQTT_URL")), enrolment.identity().tlsIdentity());
        return startHub(
                vertx,
                hubId,
                dataDir,
                homeConfig(1),
                new Uplink.Settings(200, 4, 10_000, 60_000, 0),
                StorageLimits.defaults(),
                broker,
                HubClock.assumeSynchronized(),
                enrolment);
    }

    /**
     * A hub from nothing, as a new one arrives in a home: no certificate and no bootstrap config (its file holds only
     * its identity and the cloud's address); it makes its key, enrols with the code in {@code codeFile}, connects with
     * the certificate it got and waits for its config from the cloud; its devices through {@code transports}.
     */
    static Hub startNewHub(
            DevStack stack, Ingest ingest, String hubId, Path dataDir, Path codeFile, TransportSettings transports)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        var enrolment = new Enrolment(
                vertx,
                hubId,
                dataDir,
                new Enrolment.Settings(
                        URI.create("https://localhost:" + ingest.service().estPort()),
                        codeFile,
                        stack.pkiDir().resolve("ca.crt"),
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofDays(1),
                        Duration.ofMinutes(1)),
                Clock.systemUTC());
        BrokerConnection broker = new BrokerConnection(
                URI.create(stack.get("NARA_MQTT_URL")), enrolment.identity().tlsIdentity());
        HubSettings settings = new HubSettings(
                hubId,
                broker,
                dataDir,
                null,
                "127.0.0.1",
                0,
                ZoneId.of("Europe/Stockholm"),
                true,
                false,
                0,
                new Uplink.Settings(200, 4, 10_000, 2_000, 0),
                StorageLimits.defaults(),
                transports);
        HubService service = new HubService(settings, Clock.systemUTC(), HubClock.assumeSynchronized(), enrolment);
        try {
            vertx.deployVerticle(service)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw e;
        }
        return new Hub(vertx, service, dataDir);
    }

    private static Hub startHub(
            String hubId,
            Path dataDir,
            HubConfig config,
            Uplink.Settings uplink,
            StorageLimits storage,
            BrokerConnection broker,
            HubClock hubClock,
            Enrolment enrolment)
            throws Exception {
        return startHub(Vertx.vertx(), hubId, dataDir, config, uplink, storage, broker, hubClock, enrolment);
    }

    private static Hub startHub(
            Vertx vertx,
            String hubId,
            Path dataDir,
            HubConfig config,
            Uplink.Settings uplink,
            StorageLimits storage,
            BrokerConnection broker,
            HubClock hubClock,
            Enrolment enrolment)
            throws Exception {
        Path bootstrap = dataDir.resolve("bootstrap-config.json");
        write(bootstrap, config);
        HubSettings settings = new HubSettings(
                hubId,
                broker,
                dataDir,
                bootstrap,
                "127.0.0.1",
                0,
                ZoneId.of("Europe/Stockholm"),
                true,
                true,
                0,
                uplink,
                storage);
        HubService service = new HubService(settings, Clock.systemUTC(), hubClock, enrolment);
        vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(DEPLOY_SECONDS, TimeUnit.SECONDS);
        return new Hub(vertx, service, dataDir);
    }

    /** The hub's local status ({@code GET /api/status}) as JSON. */
    static JsonNode hubStatus(String statusUrl) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(statusUrl + "/api/status"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status page answered " + response.statusCode());
        }
        return new ObjectMapper().readTree(response.body());
    }

    /** Whether the hub's outbox is empty, as its status page says. */
    static boolean outboxEmpty(String statusUrl) throws Exception {
        return hubStatus(statusUrl).get("outboxPending").asLong() == 0;
    }

    /**
     * Closes what a test started, in order, skipping what it never got to start; closes the rest when one fails, and
     * throws the first failure with the others suppressed.
     */
    /**
     * A node's secret files as an operator installs them, in {@code dir}/secrets: the MQTT client certificate
     * {@code nara-ingest.p12}, {@code truststore.p12}, {@code keystore.password}, {@code influx.password},
     * {@code postgres.password} and a new {@code api.key}. For the package and image tests.
     */
    static Path nodeSecrets(DevStack stack, Path dir) throws IOException {
        TlsIdentity identity = stack.identity("nara-ingest");
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.copy(identity.keystore(), secrets.resolve("nara-ingest.p12"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(identity.truststore(), secrets.resolve("truststore.p12"));
        Files.copy(identity.passwordFile(), secrets.resolve("keystore.password"));
        Files.copy(stack.secret("influx.password"), secrets.resolve("influx.password"));
        Files.copy(stack.secret("postgres.password"), secrets.resolve("postgres.password"));
        Files.writeString(secrets.resolve("api.key"), UUID.randomUUID() + "\n");
        return secrets;
    }

    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits up to 30 s for what a Vert.x future of the ingest (a care-plan save, a device binding) gives. */
    static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A POST to a hub's status page with the installer token kept in its data folder. */
    static HttpRequest.Builder installerPost(URI uri, Path hubDataDir) {
        try {
            String token = InstallerToken.read(hubDataDir.resolve(InstallerToken.FILE_NAME))
                    .value();
            return HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks the hub's simulated home for a reading ({@code POST}, e.g. {@code /api/simulate/bp?systolic=85}). */
    static JsonNode simulate(Hub hub, String pathAndQuery) throws Exception {
        return simulate(hub.installerPost(pathAndQuery));
    }

    /**
     * ... of a hub running elsewhere (a packaged hub in a container), by its status page's address and its data
     * folder, which holds its installer token.
     */
    static JsonNode simulate(String statusUrl, Path hubDataDir, String pathAndQuery) throws Exception {
        return simulate(installerPost(URI.create(statusUrl + pathAndQuery), hubDataDir));
    }

    private static JsonNode simulate(HttpRequest.Builder request) throws Exception {
        var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new AssertionError("the simulated home answered " + response.statusCode() + ": " + response.body());
        }
        return new ObjectMapper().readTree(response.body());
    }

    /** The alert among what a simulated reading stored (the entry with a rule). */
    static JsonNode storedAlert(JsonNode stored) {
        for (JsonNode entry : stored.get("stored")) {
            if (entry.has("ruleId")) {
                return entry;
            }
        }
        throw new AssertionError("no alert among " + stored);
    }

    /** A home with a cuff and a scale for one patient whose plan alerts on systolic below 90. */
    static HubConfig homeConfig(long version) {
        return new HubConfig(
                1,
                version,
                List.of(new CarePlan(
                        PATIENT,
                        "v" + version,
                        List.of(
                                new ThresholdRule(
                                        "systolic-low",
                                        "8480-6",
                                        90.0,
                                        null,
                                        Severity.URGENT,
                                        "Systoliskt blodtryck under 90 mmHg / Systolic below 90 mmHg",
                                        null,
                                        null),
                                new ThresholdRule(
                                        "systolic-high",
                                        "8480-6",
                                        null,
                                        160.0,
                                        Severity.WARNING,
                                        "Systoliskt blodtryck över 160 mmHg / Systolic above 160 mmHg",
                                        null,
                                        null)))),
                List.of(
                        new DeviceBinding(CUFF, "sim-cuff", PATIENT),
                        new DeviceBinding(SCALE, "sim-scale", PATIENT),
                        new DeviceBinding(OXIMETER, "sim-oximeter", PATIENT)));
    }

    private static void write(Path file, HubConfig config) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, new MessageCodec().encode(config));
    }
}
