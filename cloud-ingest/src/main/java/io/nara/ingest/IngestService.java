package io.nara.ingest;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.alert.AlertFeed;
import io.nara.ingest.alert.AlertStore;
import io.nara.ingest.audit.AccessLogRoutes;
import io.nara.ingest.auth.Sessions;
import io.nara.ingest.careplan.CarePlanApi;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.careplan.SilenceWatch;
import io.nara.ingest.clinic.ClinicReadings;
import io.nara.ingest.clinic.ClinicRoutes;
import io.nara.ingest.consumer.HubMessageConsumer;
import io.nara.ingest.db.Database;
import io.nara.ingest.escalation.Escalator;
import io.nara.ingest.fhir.FhirPush;
import io.nara.ingest.fhir.FhirRoutes;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.inbox.AlertActions;
import io.nara.ingest.inbox.ChangeFeed;
import io.nara.ingest.inbox.Evidence;
import io.nara.ingest.metrics.DeploymentState;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.retention.Retention;
import io.nara.ingest.notify.Dispatcher;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.patient.PatientRoutes;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.relative.RelativeRoutes;
import io.nara.ingest.routing.AlertRouter;
import io.nara.ingest.routing.AlertingSettings;
import io.nara.ingest.unattributed.UnattributedApi;
import io.nara.ingest.unattributed.UnattributedReadings;
import io.nara.ingest.web.WebServer;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud ingest node: consumes hub messages, stores them (observations in InfluxDB, alerts and hub state in
 * PostgreSQL), acknowledges to the hub only after the stores confirmed, keeps what it must refuse, and serves the web
 * app and API.
 */
public final class IngestService extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final int RECEIVE_MAXIMUM = 32;

    private final IngestSettings settings;
    private final Clock clock;
    private final AlertingSettings alerting;
    private final FhirPush.Settings fhirPush;
    private final NodeMetrics.Settings metricsSettings;
    private final NodeMetrics metrics;
    private final Retention.Settings retentionSettings;
    private Retention retention;
    private FhirContext fhir;
    private FhirPush pusher;
    private final MessageCodec codec = new MessageCodec();
    private ChangeFeed changeFeed;
    private Evidence evidence;
    private Escalator escalator;
    private Dispatcher dispatcher;

    private Database db;
    /** The node's one InfluxDB client, shared by every store and reader below and closed once, last. */
    private InfluxDatabase influx;
    private ObservationStore observations;
    private WorkerExecutor influxWorker;
    private AlertStore alerts;
    private CarePlanService carePlans;
    private SilenceWatch silenceWatch;
    private AlertFeed alertFeed;
    private HubRegistry hubs;
    private RejectedMessages rejected;
    private HubMessageConsumer consumer;
    private WebServer web;
    private volatile boolean influxOk = true;
    private volatile boolean postgresOk = true;

    public IngestService(IngestSettings settings, Clock clock) {
        this(settings, clock, AlertingSettings.defaults(), FhirPush.Settings.none());
    }

    /**
     * With routing, escalation, notification and sign-in settings (issue 7) and a push of new readings to an external
     * FHIR server (issue 8; {@link FhirPush.Settings#none()} for none).
     */
    public IngestService(IngestSettings settings, Clock clock, AlertingSettings alerting, FhirPush.Settings fhirPush) {
        this(settings, clock, alerting, fhirPush, NodeMetrics.Settings.none(), Retention.Settings.defaults());
    }

    /**
     * With Prometheus metrics served on {@code GET /metrics} where {@code metrics} says, and PostgreSQL retention
     * periods.
     */
    public IngestService(IngestSettings settings, Clock clock, AlertingSettings alerting, FhirPush.Settings fhirPush,
                         NodeMetrics.Settings metrics, Retention.Settings retention) {
        this.retentionSettings = retention;
        this.settings = settings;
        this.clock = clock;
        this.alerting = alerting;
        this.fhirPush = fhirPush;
        this.metricsSettings = metrics;
        this.metrics = new NodeMetrics(settings.nodeId());
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            db = Database.open(vertx, settings.postgres(), metrics);
            influx = InfluxDatabase.connect(settings.influx());
            observations = new ObservationStore(influx);
            // Building the FHIR model takes a second of reflection: here, not on the event loop.
            fhir = FhirContext.forR4();
            fhir.newJsonParser().encodeResourceToString(new org.hl7.fhir.r4.model.Observation());
            return null;
        }).compose(v -> {
            influxWorker = vertx.createSharedWorkerExecutor("nara-influx", 4);
            alerts = new AlertStore(db, new AlertRouter(clock, alerting, settings.nodeId()));
            changeFeed = new ChangeFeed(vertx, db);
            changeFeed.start();
            evidence = new Evidence(influx);
            escalator = new Escalator(db, clock, alerting, settings.nodeId());
            dispatcher = new Dispatcher(vertx, db, clock, alerting);
            // Every node scans; the database makes each escalation, reminder and delivery happen once (see Escalator).
            vertx.setPeriodic(alerting.escalationScanEvery().toMillis(), id -> escalator.scan()
                    .onFailure(e -> LOG.warn("escalation and reminder scan failed: {}", e.getMessage())));
            vertx.setPeriodic(alerting.dispatchEvery().toMillis(), id -> dispatcher.deliverDue()
                    .onFailure(e -> LOG.warn("notification round failed: {}", e.getMessage())));
            hubs = new HubRegistry(db);
            rejected = new RejectedMessages(db);
            alertFeed = new AlertFeed(vertx, db, codec);
            alertFeed.start();
            consumer = new HubMessageConsumer(vertx, settings.broker(), settings.nodeId(), settings.shareGroup(),
                    RECEIVE_MAXIMUM, this::handle);
            consumer.start();
            // Care plans: config published retained to each hub; the cloud's silence rules every 30 s (issue 6).
            carePlans = new CarePlanService(db, codec,
                    (topic, payload) -> consumer.publish(topic, payload, true), clock);
            // Through the alert store, so the cloud's own alerts are routed and escalated like a hub's (issue 7).
            silenceWatch = new SilenceWatch(db, carePlans, alerts, clock);
            carePlans.start(vertx, silenceWatch, 30_000);
            vertx.setPeriodic(5_000, id -> checkInflux());
            // Once per period, not per batch: a minute many batches touched is recomputed once (ObservationRollup).
            vertx.setPeriodic(ObservationRollup.RECHECK_AFTER.toMillis(), id -> influxWorker.<Void>executeBlocking(() -> {
                observations.recheckRollup();
                return null;
            }, false).onFailure(e -> LOG.warn("rollup recheck failed: {}", e.getMessage())));
            if (fhirPush.enabled()) {
                pusher = new FhirPush(vertx, db, clock, fhirPush, fhir);
                pusher.start();
                LOG.info("pushing new readings to {}", fhirPush.baseUrl());
            }
            // The clinic's worklist and evaluation figures and the patient page (issue 8); their InfluxDB reads share
            // the ingest's client and worker pool.
            ClinicReadings clinicReadings = new ClinicReadings(influx);
            web = new WebServer(vertx, codec, db, settings.apiKey(), this::health, new WebServer.Alerting(clock,
                    alerting, new Sessions(db, clock, alerting), new AlertActions(db, clock, alerting), evidence),
                    List.of(new CarePlanApi(carePlans),
                            new UnattributedApi(observations, influxWorker, carePlans, alerts),
                            new ClinicRoutes(clinicReadings, influxWorker),
                            new PatientRoutes(influx, clinicReadings, carePlans, influxWorker),
                            new FhirRoutes(fhir, influx, influxWorker),
                            new RelativeRoutes(evidence, influxWorker),
                            new AccessLogRoutes()));
            metrics.sseClients(web::sseClients);
            metrics.certificates("mqtt-client", settings.broker().identity().keystore(),
                    settings.broker().identity().passwordFile());
            metrics.certificates("mqtt-trust", settings.broker().identity().truststore(),
                    settings.broker().identity().passwordFile());
            retention = new Retention(db, clock, retentionSettings);
            vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), Retention.EVERY.toMillis(), id -> retention.run()
                    .onFailure(e -> LOG.warn("retention round failed: {}", e.getMessage())));
            refreshDeploymentMetrics();
            vertx.setPeriodic(NodeMetrics.REFRESH.toMillis(), id -> refreshDeploymentMetrics());
            return web.listen(settings.httpHost(), settings.httpPort())
                    .compose(port -> metrics.listen(vertx, metricsSettings));
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> consumerStopped = consumer == null ? Future.succeededFuture() : consumer.stop();
        return consumerStopped.eventually(() -> vertx.executeBlocking(() -> {
            if (alertFeed != null) {
                alertFeed.stop();
            }
            if (changeFeed != null) {
                changeFeed.stop();
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

    /** This node's FHIR push, for tests that drive it directly; null when no push is configured. */
    public FhirPush fhirPush() {
        return pusher;
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

    private void refreshDeploymentMetrics() {
        db.transaction(c -> DeploymentState.read(c, clock.instant())).onSuccess(metrics::deployment)
                .onFailure(e -> LOG.warn("deployment metrics not read: {}", e.getMessage()));
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

    public Health health() {
        return new Health(consumer != null && consumer.ready(), influxOk, postgresOk,
                alertFeed != null && alertFeed.listening());
    }

    /** Handles one message from a hub; the future completes when it is stored and acknowledged, or refused. */
    Future<Void> handle(String topic, byte[] payload) {
        long arrived = System.nanoTime();
        String kind = kindOf(topic);
        metrics.received(kind);
        return handleKind(topic, payload).andThen(r -> {
            if (r.failed()) {
                metrics.failed(kind);
            } else if (r.result() == Handled.STORED) {
                metrics.stored(kind);
                if (!"status".equals(kind)) {
                    metrics.acknowledged(System.nanoTime() - arrived);
                }
            } else {
                metrics.refused(kind);
            }
        }).mapEmpty();
    }

    /** What became of a message that did not fail. */
    private enum Handled { STORED, REFUSED }

    private static String kindOf(String topic) {
        return HubTopic.parse(topic).map(t -> t.kind().name().toLowerCase(java.util.Locale.ROOT)).orElse("other");
    }

    private Future<Handled> handleKind(String topic, byte[] payload) {
        Optional<HubTopic> parsed = HubTopic.parse(topic);
        if (parsed.isEmpty()) {
            return refuse(null, topic, payload, "not a Nära v1 hub topic");
        }
        String hubId = parsed.get().hubId();
        try {
            return switch (parsed.get().kind()) {
                case OBS -> storeObservations(hubId, codec.decode(payload, ObservationBatch.class)).map(Handled.STORED);
                case ALERT -> storeAlert(hubId, codec.decode(payload, AlertMessage.class)).map(Handled.STORED);
                case STATUS -> track(hubs.status(hubId, codec.decode(payload, HubStatus.class), clock.instant()))
                        .map(Handled.STORED);
                case ACK, CONFIG -> refuse(hubId, topic, payload, "hubs do not publish on " + parsed.get().kind());
            };
        } catch (InvalidMessageException e) {
            return refuse(hubId, topic, payload, e.getMessage());
        }
    }

    private Future<Void> storeObservations(String hubId, ObservationBatch batch) {
        return track(keepUnattributed(hubId, batch))
                .compose(toWrite -> influxWorker.<Void>executeBlocking(() -> {
                    long start = System.nanoTime();
                    try {
                        observations.write(hubId, toWrite);
                        metrics.influxWrite(System.nanoTime() - start, true);
                    } catch (RuntimeException e) {
                        metrics.influxWrite(System.nanoTime() - start, false);
                        throw e;
                    }
                    return null;
                }, false).andThen(r -> influxOk = r.succeeded()))
                .compose(v -> track(hubs.seen(hubId, clock.instant())))
                // One transaction: the newest reading for the silence rules, and the FHIR push queue.
                .compose(v -> track(db.transaction(c -> {
                    CarePlanService.noteReadings(c, hubId, batch);
                    if (fhirPush.enabled()) {
                        FhirPush.enqueue(c, hubId, batch, clock.instant(), fhirPush.panelHold());
                    }
                    return null;
                })))
                .compose(v -> acknowledge(hubId, batch.outbox(), batch.observations().stream().map(Observation::seq).toList()))
                .onSuccess(v -> batch.observations().stream().map(Observation::received).max(Instant::compareTo)
                        .ifPresent(newest -> metrics.ingestLag(Duration.between(newest, clock.instant()))))
                .onFailure(e -> LOG.error("could not store observations {}..{} from hub {}: {}; not acknowledged",
                        batch.seqFrom(), batch.seqTo(), hubId, e.getMessage()));
    }

    /**
     * Keeps the batch's unattributed readings for the nurses (issue 6) before they are written; a reading a nurse has
     * already assigned (the hub replays what it had no acknowledgement for) is written under its patient again.
     */
    private Future<ObservationBatch> keepUnattributed(String hubId, ObservationBatch batch) {
        if (batch.observations().stream().allMatch(o -> o.patientId() != null)) {
            return Future.succeededFuture(batch);
        }
        return db.transaction(c -> UnattributedReadings.keep(c, hubId, batch, clock.instant())).map(assigned -> {
            if (assigned.isEmpty()) {
                return batch;
            }
            List<Observation> rewritten = batch.observations().stream().map(o -> o.patientId() == null
                    && assigned.containsKey(o.seq()) ? o.withPatient(assigned.get(o.seq())) : o).toList();
            return new ObservationBatch(batch.v(), batch.outbox(), batch.seqFrom(), batch.seqTo(), rewritten);
        });
    }

    private Future<Void> storeAlert(String hubId, AlertMessage message) {
        long seq = message.alert().seq();
        long start = System.nanoTime();
        return track(alerts.store(hubId, message.outbox(), message.alert()))
                .onSuccess(id -> metrics.alertRouted(System.nanoTime() - start))
                .onSuccess(id -> id.ifPresent(alertId -> LOG.info("alert {} from hub {} seq {}: {} {}", alertId,
                        hubId, seq, message.alert().severity(), message.alert().ruleId())))
                .compose(id -> track(hubs.seen(hubId, clock.instant())))
                .compose(v -> acknowledge(hubId, message.outbox(), List.of(seq)))
                .onFailure(e -> LOG.error("could not store alert seq {} from hub {}: {}; not acknowledged", seq, hubId,
                        e.getMessage()));
    }

    private Future<Void> acknowledge(String hubId, String outbox, List<Long> seqs) {
        return consumer.publish(HubTopic.of(hubId, HubTopic.Kind.ACK).name(), codec.encode(Ack.of(outbox, seqs)));
    }

    /** Refuses a payload: a log line naming hub and problem, and the payload kept for inspection. */
    private Future<Handled> refuse(String hubId, String topic, byte[] payload, String problem) {
        LOG.warn("rejected message from hub {} on {}: {}", hubId == null ? "(unknown)" : hubId, topic, problem);
        return track(rejected.keep(hubId, topic, payload, problem)).map(Handled.REFUSED)
                .onFailure(e -> LOG.error("could not keep rejected message from hub {}: {}", hubId, e.getMessage()));
    }

    /** Notes whether PostgreSQL answered, for the health check. */
    private <T> Future<T> track(Future<T> postgresWork) {
        return postgresWork.andThen(r -> postgresOk = r.succeeded());
    }

    private void checkInflux() {
        influxWorker.executeBlocking(observations::ping, false).onSuccess(ok -> influxOk = ok);
    }
}
