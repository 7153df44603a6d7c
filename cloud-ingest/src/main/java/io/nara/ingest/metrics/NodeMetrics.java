package io.nara.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nara.ingest.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest node's Prometheus metrics (Micrometer), served as text on {@code GET /metrics} by an HTTP server of its
 * own, apart from the web app: it has no sign-in, so it carries no patient, person or hub identifier, only counts,
 * durations and the kind of message. Who may read it is decided by where it listens ({@link Settings}): loopback by
 * default, the monitoring network in production, never the internet.
 */
public final class NodeMetrics implements Database.Observer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);
    /** How often the deployment's queues and hubs are read from PostgreSQL (every node reads them). */
    public static final Duration REFRESH = Duration.ofSeconds(15);

    /** Where {@code /metrics} listens; port 0 picks a free one, a negative port serves none. */
    public record Settings(String host, int port) {
        public static Settings none() {
            return new Settings("127.0.0.1", -1);
        }

        public boolean enabled() {
            return port >= 0;
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer ackLatency;
    private final Timer influxWrite;
    private final Counter influxErrors;
    private final Counter pastRetention;
    private final Timer postgresTransaction;
    private final Counter postgresErrors;
    private final Timer alertRouting;
    private final Timer ingestLag;
    private final AtomicReference<DeploymentState> deployment = new AtomicReference<>(DeploymentState.UNKNOWN);
    private HttpServer server;
    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        ackLatency = histogram("nara.ack.latency", "From a hub message's arrival to the acknowledgement published");
        influxWrite = histogram("nara.influx.write", "One batch written to InfluxDB");
        influxErrors = Counter.builder("nara.influx.write.errors")
                .description("InfluxDB writes that failed")
                .register(registry);
        pastRetention = Counter.builder("nara.influx.samples.past.retention")
                .description("Raw continuous samples received after their retention had passed (rollup kept)")
                .register(registry);
        postgresTransaction = histogram("nara.postgres.transaction", "One PostgreSQL transaction, retries included");
        postgresErrors = Counter.builder("nara.postgres.errors")
                .description("PostgreSQL transactions that failed")
                .register(registry);
        alertRouting = histogram("nara.alert.routing", "A hub alert stored and routed to the people on duty");
        ingestLag = histogram(
                "nara.ingest.lag",
                "From the hub receiving a reading to the cloud storing it " + "(includes time a hub was offline)");
        gauge("nara.hubs", "Hubs the cloud has heard from", s -> s.hubs());
        gauge("nara.hubs.offline", "Hubs offline by their last will or silent for 15 minutes", s -> s.hubsOffline());
        gauge("nara.hubs.offline.share", "Share of the fleet offline (0..1)", DeploymentState::offlineShare);
        gauge(
                "nara.hub.outbox.pending",
                "Records waiting in the hubs' outboxes, by their last status",
                s -> s.hubOutboxPending());
        gauge("nara.notifications.pending", "Notifications not delivered yet", s -> s.notificationsPending());
        gauge("nara.notifications.dead", "Notifications dead-lettered", s -> s.notificationsDead());
        gauge(
                "nara.notifications.oldest.pending.seconds",
                "Age of the oldest pending notification",
                DeploymentState::oldestPendingSeconds);
        Gauge.builder(
                        "nara.notification.latency.seconds",
                        deployment,
                        d -> d.get().notificationP50Seconds())
                .description("Created to delivered, notifications delivered in the last 15 min")
                .tag("quantile", "0.5")
                .register(registry);
        Gauge.builder(
                        "nara.notification.latency.seconds",
                        deployment,
                        d -> d.get().notificationP90Seconds())
                .description("Created to delivered, notifications delivered in the last 15 min")
                .tag("quantile", "0.9")
                .register(registry);
        gauge("nara.fhir.push.pending", "Readings waiting to be pushed to the journal", s -> s.fhirPushPending());
        gauge("nara.fhir.push.dead", "Readings the FHIR push dead-lettered", s -> s.fhirPushDead());
        gauge("nara.escalations", "Escalation steps in all alert trails (deployment-wide)", s -> s.escalations());
        // Every kind's counters exist from the start, so a rate over them is 0 rather than absent before traffic.
        for (String kind : List.of("obs", "alert", "status", "other")) {
            for (String name : List.of(
                    "nara.messages.received",
                    "nara.messages.stored",
                    "nara.messages.refused",
                    "nara.messages.failed")) {
                counters.computeIfAbsent(
                        name + "|" + kind,
                        k -> Counter.builder(name).tag("kind", kind).register(registry));
            }
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Timer histogram(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<DeploymentState> value) {
        Gauge.builder(name, deployment, d -> value.applyAsDouble(d.get()))
                .description(description)
                .register(registry);
    }

    /** A hub message arrived ({@code kind}: obs, alert, status, or other for what is no Nära topic). */
    public void received(String kind) {
        count("nara.messages.received", kind);
    }

    /** A hub message was stored (and, for obs and alert, acknowledged). */
    public void stored(String kind) {
        count("nara.messages.stored", kind);
    }

    /** A hub message was refused and kept in rejected_message. */
    public void refused(String kind) {
        count("nara.messages.refused", kind);
    }

    /** A hub message could not be stored now (a store is down); the hub sends it again. */
    public void failed(String kind) {
        count("nara.messages.failed", kind);
    }

    private void count(String name, String kind) {
        counters.computeIfAbsent(
                        name + "|" + kind,
                        k -> Counter.builder(name).tag("kind", kind).register(registry))
                .increment();
    }

    public void acknowledged(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Raw continuous samples a hub sent after their retention had passed: acknowledged, kept as rollup only. */
    public void pastRetention(int samples) {
        pastRetention.increment(samples);
    }

    public void influxWrite(long nanos, boolean ok) {
        influxWrite.record(nanos, TimeUnit.NANOSECONDS);
        if (!ok) {
            influxErrors.increment();
        }
    }

    @Override
    public void transaction(long nanos, boolean ok) {
        postgresTransaction.record(nanos, TimeUnit.NANOSECONDS);
        if (!ok) {
            postgresErrors.increment();
        }
    }

    public void alertRouted(long nanos) {
        alertRouting.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** How long ago the hub received the newest reading of a batch just stored. */
    public void ingestLag(Duration lag) {
        ingestLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void deployment(DeploymentState state) {
        deployment.set(state);
    }

    /** The number of live alert streams (SSE) this node serves. */
    public void sseClients(IntSupplier clients) {
        Gauge.builder("nara.sse.clients", clients, IntSupplier::getAsInt)
                .description("Open alert streams (server-sent events) on this node")
                .register(registry);
    }

    /**
     * The expiry of every certificate in a PKCS12 store as {@code nara_certificate_expiry_timestamp_seconds}, named by
     * {@code use} and the certificate's alias. A store that cannot be read is logged and left out: the node's start
     * already failed on it if it mattered.
     */
    public void certificates(String use, Path store, Path passwordFile) {
        try {
            char[] password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8)
                    .get(0)
                    .trim()
                    .toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, password);
            }
            for (String alias : Collections.list(keys.aliases())) {
                Certificate certificate = keys.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    double notAfter = x509.getNotAfter().getTime() / 1000.0;
                    Gauge.builder("nara.certificate.expiry.timestamp.seconds", () -> notAfter)
                            .description("When the certificate stops being valid (Unix time)")
                            .tags("use", use, "alias", alias)
                            .register(registry);
                }
            }
        } catch (Exception e) {
            LOG.warn("certificate expiry of {} ({}) not exported: {}", use, store, e.toString());
        }
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** Serves {@code GET /metrics} (and nothing else) where the settings say; the future holds the port. */
    public Future<Integer> listen(Vertx vertx, Settings settings) {
        if (!settings.enabled()) {
            return Future.succeededFuture(-1);
        }
        server = vertx.createHttpServer().requestHandler(request -> {
            if (!"/metrics".equals(request.path())) {
                request.response().setStatusCode(404).end();
                return;
            }
            request.response()
                    .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(scrape());
        });
        return server.listen(settings.port(), settings.host()).map(HttpServer::actualPort);
    }

    /** Stops listening to GC notifications and closes the registry (the HTTP server closes with its Vert.x). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }
}
