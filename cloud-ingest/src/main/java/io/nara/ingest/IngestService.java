package io.nara.ingest;

import io.nara.ingest.accesslog.AccessLogRoutes;
import io.nara.ingest.admin.AdminRoutes;
import io.nara.ingest.alerting.AlertFeed;
import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.alerting.Escalator;
import io.nara.ingest.auth.Sessions;
import io.nara.ingest.careplan.CarePlanApi;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.careplan.CarePlanWhatIfApi;
import io.nara.ingest.careplan.SilenceWatch;
import io.nara.ingest.clinic.ClinicReadings;
import io.nara.ingest.clinic.ClinicRoutes;
import io.nara.ingest.consumer.HubMessageConsumer;
import io.nara.ingest.consumer.HubMessageHandler;
import io.nara.ingest.consumer.StoreHealth;
import io.nara.ingest.contact.PatientContactRoutes;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrol.BrokerAccounts;
import io.nara.ingest.enrol.CrlPublisher;
import io.nara.ingest.enrol.EnrolmentSettings;
import io.nara.ingest.enrol.EstServer;
import io.nara.ingest.enrol.HubCa;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.ingest.enrolment.Enrolment;
import io.nara.ingest.enrolment.EnrolmentApi;
import io.nara.ingest.feedback.AlertSeenPublisher;
import io.nara.ingest.fleet.FleetApi;
import io.nara.ingest.homecare.HomeCareRoutes;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.inbox.InboxRoutes;
import io.nara.ingest.metrics.DeploymentState;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.notify.Dispatcher;
import io.nara.ingest.observation.Evidence;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.observation.RawSamplePolicy;
import io.nara.ingest.observation.StoredBatchListener;
import io.nara.ingest.patient.PatientRoutes;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.relative.RelativeAlarm;
import io.nara.ingest.relative.RelativeRoutes;
import io.nara.ingest.release.ReleaseRoutes;
import io.nara.ingest.retention.Retention;
import io.nara.ingest.rights.PatientRightsRoutes;
import io.nara.ingest.unattributed.UnattributedApi;
import io.nara.ingest.web.AccountRoutes;
import io.nara.ingest.web.ApiRoutes;
import io.nara.ingest.web.WebServer;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud ingest node: wires its parts together and starts and stops them. The hub messages go to a
 * {@link HubMessageHandler} (store, then acknowledge, or refuse); the periodic jobs are one list ({@link PeriodicJobs});
 * the rest serve the web app and API.
 */
public final class IngestService extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final int RECEIVE_MAXIMUM = 32;
    /** Alerts are small and each one matters at once: a window of their own (see HubMessageConsumer). */
    private static final int ALERT_RECEIVE_MAXIMUM = 16;

    private final IngestSettings settings;
    private final Clock clock;
    private final AlertingSettings alerting;
    /** The feature modules (NodeFeature), started with the node. */
    private final List<NodeFeature> features;

    private final NodeMetrics.Settings metricsSettings;
    private final NodeMetrics metrics;
    /** The hub CA and its EST listener; null on a node that does not enrol hubs. */
    private final EnrolmentSettings enrolmentSettings;

    private HubEnrolment enrolment;
    private CrlPublisher crl;
    private BrokerAccounts accounts;
    private EstServer est;
    private final Retention.Settings retentionSettings;
    private Retention retention;
    /** Added to while the node starts, read by the event loop afterwards. */
    private final List<StoredBatchListener> batchListeners = new CopyOnWriteArrayList<>();

    private final MessageCodec codec = new MessageCodec();
    private final StoreHealth storeHealth = new StoreHealth();
    private final PeriodicJobs jobs = new PeriodicJobs();
    private Evidence evidence;
    private Escalator escalator;
    private Dispatcher dispatcher;

    private Database db;
    /** The node's one InfluxDB client, shared by every store and reader below and closed once, last. */
    private InfluxDatabase influx;
    /** Whether the raw-sample retention policy is known to be in place (set on a worker, read by the next check). */
    private volatile boolean rawPolicyReady;

    private ObservationStore observations;
    private WorkerExecutor influxWorker;
    private AlertStore alerts;
    private AlertLifecycle lifecycle;
    private AlertSeenPublisher alertSeen;
    private CarePlanService carePlans;
    private SilenceWatch silenceWatch;
    private AlertFeed alertFeed;
    private HubMessageConsumer consumer;
    private HubMessageConsumer alertConsumer;
    private Future<Void> alertLaneStarted = Future.succeededFuture();
    private WebServer web;
    private final Path releaseRepository;

    private boolean checkingPostgres;

    public IngestService(IngestSettings settings, Clock clock) {
        this(settings, clock, AlertingSettings.defaults(), NodeFeature.installed());
    }

    /**
     * With routing, escalation, notification and sign-in settings and the feature modules to start
     * ({@link NodeFeature#installed()}: those on the class path, with their default settings).
     */
    public IngestService(IngestSettings settings, Clock clock, AlertingSettings alerting, List<NodeFeature> features) {
        this(settings, clock, alerting, features, NodeOptions.defaults());
    }

    /**
     * With the parts a deployment turns on by option ({@link NodeOptions}): Prometheus metrics, PostgreSQL retention,
     * the hub CA (EST enrolment and the CRL the broker checks) and the hub releases' apt repository.
     */
    public IngestService(
            IngestSettings settings,
            Clock clock,
            AlertingSettings alerting,
            List<NodeFeature> features,
            NodeOptions options) {
        this.retentionSettings = options.retention();
        this.releaseRepository = options.releaseRepository();
        this.settings = settings;
        this.clock = clock;
        this.alerting = alerting;
        this.features = List.copyOf(features);
        this.metricsSettings = options.metrics();
        this.metrics = new NodeMetrics(settings.nodeId());
        this.enrolmentSettings = options.enrolment();
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
                    openStores();
                    return null;
                })
                .compose(v -> {
                    wire();
                    jobs.start(vertx);
                    Future<?> estListening = est == null ? Future.succeededFuture() : est.listen(enrolmentSettings);
                    return alertLaneStarted
                            .compose(started -> estListening)
                            .compose(listening -> web.listen(settings.httpHost(), settings.httpPort(), settings.tls()))
                            .compose(port -> metrics.listen(vertx, metricsSettings));
                });
    }

    /** What takes blocking I/O or long to build: on a worker, not on the event loop. */
    private void openStores() throws IOException {
        // Reading the key stores is file I/O and key derivation: here, not in wire() on the event loop.
        metrics.certificates(
                "mqtt-client",
                settings.broker().identity().keystore(),
                settings.broker().identity().passwordFile());
        metrics.certificates(
                "mqtt-trust",
                settings.broker().identity().truststore(),
                settings.broker().identity().passwordFile());
        db = Database.open(vertx, settings.postgres(), metrics);
        influx = InfluxDatabase.connect(settings.influx());
        observations = new ObservationStore(influx);
        ensureRawSamplePolicy();
        // The node features' slow set-up (the FHIR model takes a second of reflection): here, not on the event loop.
        features.forEach(NodeFeature::prepare);
        if (enrolmentSettings != null) {
            enrolment = new HubEnrolment(
                    HubCa.load(enrolmentSettings.caCert(), enrolmentSettings.caKey()), enrolmentSettings.lifetimes());
        }
    }

    /** The relative's alarm goes through the cloud alert's one path, and a second press into its trail. */
    private RelativeAlarm.Alerts relativeAlarms() {
        return new RelativeAlarm.Alerts() {
            @Override
            public Optional<Long> raise(Connection c, String hubId, Alert alert) throws SQLException {
                return alerts.storeCloud(c, hubId, alert);
            }

            @Override
            public void add(Connection c, long alertId, Instant at, String actor, String note) throws SQLException {
                AlertLifecycle.added(c, alertId, at, "relative.alarm.again", actor, note);
            }
        };
    }

    /** Creates the node's parts on its context, and lists their periodic jobs in {@link #jobs}. */
    private void wire() {
        influxWorker = vertx.createSharedWorkerExecutor("nara-influx", 4);
        // A person's acknowledgement is told to the patient's hub (retained on the node's connection, made below).
        alertSeen = new AlertSeenPublisher(db, codec, (topic, payload) -> consumer.publish(topic, payload, true));
        lifecycle = new AlertLifecycle(
                db,
                clock,
                alerting.escalation(),
                alerting.channels(),
                settings.nodeId(),
                (c, alertId, personId, teamId, now) -> {
                    List<String> hubs = alertSeen.acknowledged(c, alertId, personId, teamId, now);
                    return hubs.isEmpty() ? null : () -> alertSeen.publishAfterCommit(hubs);
                });
        alerts = new AlertStore(db, lifecycle);
        evidence = new Evidence(influx);
        escalator = new Escalator(db, clock, lifecycle);
        dispatcher = new Dispatcher(vertx, db, clock, alerting.channels(), AlertLifecycle::undeliverable);
        RejectedMessages rejected = new RejectedMessages(db);
        if (enrolment != null) {
            crl = new CrlPublisher(
                    vertx,
                    db,
                    enrolment.ca(),
                    clock,
                    enrolmentSettings.crlFile(),
                    enrolmentSettings.crlReloadCommand());
            // A CRL that cannot be written is logged, not fatal: the broker keeps the last one it read.
            crl.start().onFailure(e -> LOG.error("could not write the CRL: {}", e.getMessage(), e));
            accounts = new BrokerAccounts(vertx, enrolmentSettings.accountCommand());
            est = new EstServer(vertx, db, enrolment, crl, accounts, rejected, clock);
        }
        alertFeed = new AlertFeed(vertx, db);
        alertFeed.start();
        HubMessageHandler handler = new HubMessageHandler(
                new HubMessageHandler.Stores(db, observations, influxWorker, alerts, new HubRegistry(db), rejected),
                codec,
                clock,
                batchListeners,
                metrics,
                storeHealth,
                retentionSettings.rawSamples(),
                (topic, payload) -> consumer.publish(topic, payload),
                (topic, payload) -> (alertConsumer != null ? alertConsumer : consumer).publish(topic, payload));
        if (settings.alertBroker() != null) {
            consumer = new HubMessageConsumer(
                    vertx,
                    settings.broker(),
                    settings.nodeId(),
                    settings.shareGroup(),
                    HubMessageConsumer.Lane.bulk(RECEIVE_MAXIMUM),
                    handler::handle);
            alertConsumer = new HubMessageConsumer(
                    vertx,
                    settings.alertBroker(),
                    settings.nodeId(),
                    settings.shareGroup(),
                    HubMessageConsumer.Lane.alerts(ALERT_RECEIVE_MAXIMUM),
                    handler::handle);
            alertLaneStarted = alertConsumer.startOnThreadOfItsOwn();
        } else {
            LOG.warn("no certificate for an alert connection (--alert-keystore): alerts share the node's one "
                    + "connection and can wait behind observation batches");
            consumer = new HubMessageConsumer(
                    vertx,
                    settings.broker(),
                    settings.nodeId(),
                    settings.shareGroup(),
                    HubMessageConsumer.Lane.all(RECEIVE_MAXIMUM),
                    handler::handle);
        }
        consumer.start();
        // Care plans: config published retained to each hub; the cloud's silence rules every 30 s.
        carePlans = new CarePlanService(db, codec, (topic, payload) -> consumer.publish(topic, payload, true), clock);
        // Through the alert store, so the cloud's own alerts are routed and escalated like a hub's.
        silenceWatch = new SilenceWatch(db, carePlans, alerts, clock);
        carePlans.start(vertx, silenceWatch, 30_000);
        // Node features: their routes join the web API below, their listeners are told of every stored batch in its
        // transaction.
        List<ApiRoutes> featureRoutes = new ArrayList<>();
        NodeFeature.Context featureContext = new NodeFeature.Context(
                vertx, db, influx, influxWorker, clock, alerting.channels().inboxUrl(), carePlans, alerts);
        for (NodeFeature feature : features) {
            NodeFeature.Contribution contribution = feature.start(featureContext);
            featureRoutes.addAll(contribution.routes());
            batchListeners.addAll(contribution.batchListeners());
        }
        // The clinic's worklist and evaluation figures and the patient page; their InfluxDB reads share the ingest's
        // client and worker pool.
        ClinicReadings clinicReadings = new ClinicReadings(influx);
        Sessions sessions = new Sessions(db, clock, alerting.signIn());
        InboxRoutes inbox = new InboxRoutes(lifecycle, evidence, carePlans);
        web = new WebServer(
                vertx,
                codec,
                db,
                settings.apiKey(),
                this::health,
                clock,
                sessions,
                alerting.signIn(),
                alerting.channels().inboxUrl(),
                Stream.concat(
                                Stream.of(
                                        new AccountRoutes(sessions),
                                        inbox,
                                        new AdminRoutes(),
                                        new CarePlanApi(carePlans),
                                        new CarePlanWhatIfApi(carePlans, observations, influxWorker),
                                        new EnrolmentApi(new Enrolment(db, codec, carePlans, clock), carePlans),
                                        new PatientContactRoutes(),
                                        new UnattributedApi(observations, influxWorker, carePlans, alerts),
                                        new HomeCareRoutes(observations, influxWorker, carePlans, alerts),
                                        new ClinicRoutes(clinicReadings, influxWorker),
                                        new PatientRoutes(influx, clinicReadings, carePlans, influxWorker),
                                        new RelativeRoutes(evidence, influxWorker, relativeAlarms()),
                                        new AccessLogRoutes(),
                                        new PatientRightsRoutes(influx, influxWorker, retentionSettings.journal()),
                                        new FleetApi(enrolment, crl, accounts),
                                        new ReleaseRoutes(releaseRepository)),
                                featureRoutes.stream())
                        .toList());
        metrics.sseClients(inbox::sseClients);
        retention = new Retention(db, clock, retentionSettings);

        // Every node scans; the database makes each escalation, reminder and delivery happen once (see Escalator).
        jobs.every(alerting.escalation().scanEvery(), "escalation and reminder scan", escalator::scan)
                .every(alerting.channels().dispatchEvery(), "notification round", dispatcher::deliverDue)
                .every(HubMessageHandler.REFUSAL_WINDOW, "refusal report", () -> {
                    handler.reportRefusals();
                    return Future.succeededFuture();
                })
                .every(Duration.ofSeconds(30), "alert-seen republish", alertSeen::publishPending)
                .every(Duration.ofSeconds(5), "InfluxDB check", this::checkInflux)
                // Every second, so /health turns green within about a second of PostgreSQL coming back, not at the
                // next hub message.
                .every(Duration.ofSeconds(1), "PostgreSQL check", this::checkPostgres)
                // Once per period, not per batch: a minute many batches touched is recomputed once (ObservationRollup).
                .every(
                        ObservationRollup.RECHECK_AFTER,
                        "rollup recheck",
                        () -> influxWorker.<Void>executeBlocking(
                                () -> {
                                    observations.recheckRollup();
                                    return null;
                                },
                                false))
                .add(new PeriodicJobs.Job("retention round", Duration.ofMinutes(1), Retention.EVERY, retention::run))
                .add(new PeriodicJobs.Job(
                        "deployment metrics refresh",
                        Duration.ZERO,
                        NodeMetrics.REFRESH,
                        () -> db.transaction(c -> DeploymentState.read(c, clock.instant()))
                                .onSuccess(metrics::deployment)));
    }

    @Override
    public Future<?> stop() {
        jobs.stop(vertx);
        Future<Void> consumerStopped = Future.all(
                        consumer == null ? Future.succeededFuture() : consumer.stop(),
                        alertConsumer == null ? Future.succeededFuture() : alertConsumer.stop())
                .mapEmpty();
        return consumerStopped.eventually(() -> vertx.executeBlocking(() -> {
            features.forEach(NodeFeature::stop);
            if (alertFeed != null) {
                alertFeed.stop();
            }
            if (influxWorker != null) {
                influxWorker.close();
            }
            if (influx != null) {
                influx.close();
            }
            if (db != null) {
                db.close();
            }
            metrics.close();
            return null;
        }));
    }

    /** This node's escalation scanner, for tests that drive it directly. */
    public Escalator escalator() {
        return escalator;
    }

    /** This node's notification dispatcher, for tests that drive it directly. */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** This node's feature of this type (e.g. the FHIR one, whose push tests drive directly), if it has one. */
    public <F extends NodeFeature> Optional<F> feature(Class<F> type) {
        return features.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public int httpPort() {
        return web.port();
    }

    /** The port of {@code GET /metrics}; -1 when metrics are not served. */
    public int metricsPort() {
        return metrics.port();
    }

    /** This node's PostgreSQL retention (it also runs every hour by itself). */
    public Retention retention() {
        return retention;
    }

    /** This node's metrics. */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** The EST enrolment port; -1 when this node does not enrol hubs. */
    public int estPort() {
        return est == null ? -1 : est.port();
    }

    /** The plain-HTTP port that only redirects to HTTPS, or -1 (plain HTTP, or no redirect). */
    public int redirectPort() {
        return web.redirectPort();
    }

    /** The web server's routes as {@code "METHOD /path"} ({@link WebServer#routes()}), for ApiAccessIT. */
    public List<String> webRoutes() {
        return web.routes();
    }

    /** Care plans and hub configs of this deployment. */
    public CarePlanService carePlans() {
        return carePlans;
    }

    /** The cloud's silence rules (they also run every 30 s by themselves). */
    public SilenceWatch silenceWatch() {
        return silenceWatch;
    }

    /** InfluxDB counts as healthy only once the raw-sample retention policy is in place too. */
    public Health health() {
        return new Health(
                consumer != null && consumer.ready() && (alertConsumer == null || alertConsumer.ready()),
                storeHealth.influxOk() && rawPolicyReady,
                storeHealth.postgresOk(),
                alertFeed != null && alertFeed.listening());
    }

    /** Its outcome is PostgreSQL's state in /health, not a log line every second of an outage. */
    private Future<Void> checkPostgres() {
        if (checkingPostgres) {
            return Future.succeededFuture();
        }
        checkingPostgres = true;
        return storeHealth
                .track(db.transaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                    return null;
                }))
                .andThen(r -> checkingPostgres = false)
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }

    private Future<Boolean> checkInflux() {
        return influxWorker
                .executeBlocking(
                        () -> {
                            if (!rawPolicyReady) {
                                ensureRawSamplePolicy();
                            }
                            return observations.ping();
                        },
                        false)
                .onSuccess(storeHealth::influx);
    }

    /**
     * Creates or aligns the raw-sample retention policy; blocking. An InfluxDB that cannot do it now (down at start, or
     * a user without the right) is asked again at every InfluxDB check; until then /health reports InfluxDB not ready,
     * raw samples are not written (their batches are not acknowledged, so the hub sends them again) and readers across
     * policies fail rather than show a part.
     */
    private void ensureRawSamplePolicy() {
        Duration keep = retentionSettings.rawSamples();
        try {
            RawSamplePolicy.Outcome outcome = RawSamplePolicy.ensure(influx, keep);
            LOG.info(
                    "InfluxDB retention policy {} for raw continuous samples: {} ({})",
                    ObservationStore.RAW_POLICY,
                    keep,
                    outcome.name().toLowerCase(Locale.ROOT));
            rawPolicyReady = true;
        } catch (RuntimeException e) {
            LOG.error(
                    "cannot set InfluxDB retention policy {} to {} (asked again in 5 s): {}",
                    ObservationStore.RAW_POLICY,
                    keep,
                    e.getMessage());
        }
    }
}
