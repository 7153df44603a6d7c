package io.nara.ingest;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.alerting.AlertFeed;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.accesslog.AccessLogRoutes;
import io.nara.ingest.auth.Sessions;
import io.nara.ingest.careplan.CarePlanApi;
import io.nara.ingest.careplan.CarePlanWhatIfApi;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.careplan.SilenceWatch;
import io.nara.ingest.clinic.ClinicReadings;
import io.nara.ingest.clinic.ClinicRoutes;
import io.nara.ingest.consumer.HubMessageConsumer;
import io.nara.ingest.consumer.IncomingReadings;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrol.BrokerAccounts;
import io.nara.ingest.enrol.CrlPublisher;
import io.nara.ingest.enrol.EnrolmentSettings;
import io.nara.ingest.enrol.EstServer;
import io.nara.ingest.enrol.HubCa;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.ingest.enrolment.Enrolment;
import io.nara.ingest.enrolment.EnrolmentApi;
import io.nara.ingest.enrolment.HubAuthorities;
import io.nara.ingest.enrolment.HubAuthority;
import io.nara.ingest.alerting.Escalator;
import io.nara.ingest.fhir.FhirPush;
import io.nara.ingest.fhir.FhirRoutes;
import io.nara.ingest.fleet.FleetApi;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.admin.AdminRoutes;
import io.nara.ingest.inbox.InboxRoutes;
import io.nara.ingest.web.AccountRoutes;
import io.nara.ingest.observation.Evidence;
import io.nara.ingest.metrics.DeploymentState;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.retention.Retention;
import io.nara.ingest.rights.PatientRightsRoutes;
import io.nara.ingest.notify.Dispatcher;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.observation.StoredBatchListener;
import io.nara.ingest.observation.RawSamplePolicy;
import io.nara.ingest.observation.Resends;
import io.nara.ingest.patient.PatientRoutes;
import io.nara.ingest.rejected.RefusalLimiter;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.relative.RelativeRoutes;
import io.nara.ingest.alerting.AlertingSettings;
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
    /** The hub CA and its EST listener; null on a node that does not enrol hubs. */
    private final EnrolmentSettings enrolmentSettings;
    private HubEnrolment enrolment;
    private CrlPublisher crl;
    private BrokerAccounts accounts;
    private EstServer est;
    private final Retention.Settings retentionSettings;
    private Retention retention;
    private FhirContext fhir;
    private FhirPush pusher;
    /** Added to while the node starts, read by the event loop afterwards. */
    private final List<StoredBatchListener> batchListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MessageCodec codec = new MessageCodec();
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
    private CarePlanService carePlans;
    private SilenceWatch silenceWatch;
    private AlertFeed alertFeed;
    private HubRegistry hubs;
    private RejectedMessages rejected;
    /** Refusals kept one by one per hub and window; the rest are counted. */
    static final int REFUSALS_KEPT = 20;
    static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);
    private final RefusalLimiter refusals = new RefusalLimiter(REFUSALS_KEPT, REFUSAL_WINDOW);
    private final HubAuthorities authorities = new HubAuthorities(codec);
    private HubMessageConsumer consumer;
    private WebServer web;
    private final java.nio.file.Path releaseRepository;
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
        this(settings, clock, alerting, fhirPush, NodeOptions.defaults());
    }

    /**
     * With the parts a deployment turns on by option ({@link NodeOptions}): Prometheus metrics, PostgreSQL retention,
     * the hub CA (EST enrolment and the CRL the broker checks) and the hub releases' apt repository.
     */
    public IngestService(IngestSettings settings, Clock clock, AlertingSettings alerting, FhirPush.Settings fhirPush,
                         NodeOptions options) {
        this.retentionSettings = options.retention();
        this.releaseRepository = options.releaseRepository();
        this.settings = settings;
        this.clock = clock;
        this.alerting = alerting;
        this.fhirPush = fhirPush;
        this.metricsSettings = options.metrics();
        this.metrics = new NodeMetrics(settings.nodeId());
        this.enrolmentSettings = options.enrolment();
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            db = Database.open(vertx, settings.postgres(), metrics);
            influx = InfluxDatabase.connect(settings.influx());
            observations = new ObservationStore(influx);
            ensureRawSamplePolicy();
            // Building the FHIR model takes a second of reflection: here, not on the event loop.
            fhir = FhirContext.forR4();
            fhir.newJsonParser().encodeResourceToString(new org.hl7.fhir.r4.model.Observation());
            if (enrolmentSettings != null) {
                enrolment = new HubEnrolment(HubCa.load(enrolmentSettings.caCert(), enrolmentSettings.caKey()),
                        enrolmentSettings.lifetimes());
            }
            return null;
        }).compose(v -> {
            influxWorker = vertx.createSharedWorkerExecutor("nara-influx", 4);
            lifecycle = new AlertLifecycle(db, clock, alerting.escalation(), alerting.channels(), settings.nodeId());
            alerts = new AlertStore(db, lifecycle);
            evidence = new Evidence(influx);
            escalator = new Escalator(db, clock, lifecycle);
            dispatcher = new Dispatcher(vertx, db, clock, alerting.channels(), AlertLifecycle::undeliverable);
            // Every node scans; the database makes each escalation, reminder and delivery happen once (see Escalator).
            vertx.setPeriodic(alerting.escalation().scanEvery().toMillis(), id -> escalator.scan()
                    .onFailure(e -> LOG.warn("escalation and reminder scan failed: {}", e.getMessage())));
            vertx.setPeriodic(alerting.channels().dispatchEvery().toMillis(), id -> dispatcher.deliverDue()
                    .onFailure(e -> LOG.warn("notification round failed: {}", e.getMessage())));
            hubs = new HubRegistry(db);
            rejected = new RejectedMessages(db);
            vertx.setPeriodic(REFUSAL_WINDOW.toMillis(), id -> reportRefusals());
            if (enrolment != null) {
                crl = new CrlPublisher(vertx, db, enrolment.ca(), clock, enrolmentSettings.crlFile(),
                        enrolmentSettings.crlReloadCommand());
                // A CRL that cannot be written is logged, not fatal: the broker keeps the last one it read.
                crl.start().onFailure(e -> LOG.error("could not write the CRL: {}", e.getMessage(), e));
                accounts = new BrokerAccounts(vertx, enrolmentSettings.accountCommand());
                est = new EstServer(vertx, db, enrolment, crl, accounts, rejected, clock);
            }
            alertFeed = new AlertFeed(vertx, db);
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
            // Every second, so /health turns green within about a second of PostgreSQL coming back, not at the next
            // hub message.
            vertx.setPeriodic(1_000, id -> checkPostgres());
            // Once per period, not per batch: a minute many batches touched is recomputed once (ObservationRollup).
            vertx.setPeriodic(ObservationRollup.RECHECK_AFTER.toMillis(), id -> influxWorker.<Void>executeBlocking(() -> {
                observations.recheckRollup();
                return null;
            }, false).onFailure(e -> LOG.warn("rollup recheck failed: {}", e.getMessage())));
            if (fhirPush.enabled()) {
                pusher = new FhirPush(vertx, db, clock, fhirPush, fhir);
                batchListeners.add(pusher::enqueue);
                pusher.start();
                LOG.info("pushing new readings to {}", fhirPush.baseUrl());
            }
            // The clinic's worklist and evaluation figures and the patient page (issue 8); their InfluxDB reads share
            // the ingest's client and worker pool.
            ClinicReadings clinicReadings = new ClinicReadings(influx);
            Sessions sessions = new Sessions(db, clock, alerting.signIn());
            InboxRoutes inbox = new InboxRoutes(lifecycle, evidence);
            web = new WebServer(vertx, codec, db, settings.apiKey(), this::health, clock, sessions, alerting.signIn(),
                    alerting.channels().inboxUrl(),
                    List.of(new AccountRoutes(sessions), inbox, new AdminRoutes(), new CarePlanApi(carePlans), new CarePlanWhatIfApi(carePlans, observations, influxWorker),
                            new EnrolmentApi(new Enrolment(db, codec, carePlans, clock), carePlans),
                            new UnattributedApi(observations, influxWorker, carePlans, alerts),
                            new ClinicRoutes(clinicReadings, influxWorker),
                            new PatientRoutes(influx, clinicReadings, carePlans, influxWorker),
                            new FhirRoutes(fhir, influx, influxWorker, alerting.channels().inboxUrl()),
                            new RelativeRoutes(evidence, influxWorker),
                            new AccessLogRoutes(),
                            new PatientRightsRoutes(influx, influxWorker,
                                    retentionSettings.journal()),
                            new FleetApi(enrolment, crl, accounts),
                            new io.nara.ingest.release.ReleaseRoutes(releaseRepository)));
            metrics.sseClients(inbox::sseClients);
            metrics.certificates("mqtt-client", settings.broker().identity().keystore(),
                    settings.broker().identity().passwordFile());
            metrics.certificates("mqtt-trust", settings.broker().identity().truststore(),
                    settings.broker().identity().passwordFile());
            retention = new Retention(db, clock, retentionSettings);
            vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), Retention.EVERY.toMillis(), id -> retention.run()
                    .onFailure(e -> LOG.warn("retention round failed: {}", e.getMessage())));
            refreshDeploymentMetrics();
            vertx.setPeriodic(NodeMetrics.REFRESH.toMillis(), id -> refreshDeploymentMetrics());
            Future<?> estListening = est == null ? Future.succeededFuture() : est.listen(enrolmentSettings);
            return estListening.compose(listening -> web.listen(settings.httpHost(), settings.httpPort(),
                            settings.tls()))
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
        return new Health(consumer != null && consumer.ready(), influxOk && rawPolicyReady, postgresOk,
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
        Future<Handled> handled;
        try {
            handled = switch (parsed.get().kind()) {
                case OBS -> authoriseObservations(hubId, topic, payload,
                        IncomingReadings.check(codec.decode(payload, ObservationBatch.class), clock.instant()));
                case ALERT -> authoriseAlert(hubId, topic, payload,
                        IncomingReadings.check(codec.decode(payload, AlertMessage.class), clock.instant()));
                case STATUS -> track(hubs.status(hubId, codec.decode(payload, HubStatus.class), clock.instant()))
                        .map(Handled.STORED);
                case ACK, CONFIG -> refuse(hubId, topic, payload, "hubs do not publish on " + parsed.get().kind());
            };
        } catch (InvalidMessageException e) {
            return refuse(hubId, topic, payload, e.getMessage());
        } catch (IllegalArgumentException e) {
            return refuse(hubId, topic, payload, e.getMessage());
        }
        // A value a store refuses (PostgreSQL's data and constraint errors) is a refusal of this message, kept for
        // the operator, not a database outage: the next message is stored as usual.
        return handled.recover(e -> Database.isDataError(e)
                ? refuse(hubId, topic, payload, "a store refused a value: " + e.getMessage())
                : Future.failedFuture(e));
    }

    /**
     * Lets through the readings the hub may report (its bound devices, for their patients); the others are refused:
     * kept whole with the reasons in the rejected messages and counted for the fleet page, never written to InfluxDB,
     * alerts or FHIR. Refused readings are acknowledged once kept, so the hub's outbox does not resend them forever.
     */
    private Future<Handled> authoriseObservations(String hubId, String topic, byte[] payload, ObservationBatch batch) {
        // One transaction for what the batch is judged by: the hub's bindings and its outbox's stored sequence numbers.
        record Known(HubAuthority authority, long storedTo) {
        }
        return track(db.transaction(c -> new Known(authorities.load(c, hubId),
                Resends.storedTo(c, hubId, batch.outbox())))).compose(known -> {
            HubAuthority authority = known.authority();
            long storedTo = known.storedTo();
            List<Observation> allowed = new java.util.ArrayList<>();
            List<String> reasons = new java.util.ArrayList<>();
            List<Long> refused = new java.util.ArrayList<>();
            for (Observation o : batch.observations()) {
                Optional<String> reason = authority.refuse(o);
                if (reason.isPresent()) {
                    reasons.add(reason.get());
                    refused.add(o.seq());
                } else {
                    allowed.add(o);
                }
            }
            if (refused.isEmpty()) {
                return storeObservations(hubId, topic, payload, batch, storedTo).map(Handled.STORED);
            }
            Future<Void> kept = refuseUnauthorised(hubId, topic, payload, reasons);
            if (allowed.isEmpty()) {
                return kept.compose(v -> acknowledge(hubId, batch.outbox(), refused)).map(Handled.REFUSED);
            }
            ObservationBatch part = ObservationBatch.of(batch.outbox(), allowed);
            return kept.compose(v -> storeObservations(hubId, topic, payload, part, storedTo))
                    .compose(v -> acknowledge(hubId, batch.outbox(), refused)).map(Handled.STORED);
        });
    }

    private Future<Handled> authoriseAlert(String hubId, String topic, byte[] payload, AlertMessage message) {
        return track(db.transaction(c -> authorities.load(c, hubId).refuse(message.alert()))).compose(reason ->
                reason.isEmpty() ? storeAlert(hubId, message).map(Handled.STORED)
                        : refuseUnauthorised(hubId, topic, payload, List.of(reason.get())).compose(v ->
                                acknowledge(hubId, message.outbox(), List.of(message.alert().seq())))
                                .map(Handled.REFUSED));
    }

    private Future<Void> refuseUnauthorised(String hubId, String topic, byte[] payload, List<String> reasons) {
        String problem = "not authorised: " + String.join("; ", reasons.subList(0, Math.min(20, reasons.size())))
                + (reasons.size() > 20 ? "; and " + (reasons.size() - 20) + " more" : "");
        LOG.warn("refused message from hub {} on {}: {}", hubId, topic, problem);
        return track(rejected.keepUnauthorised(hubId, topic, payload, problem));
    }

    /** @param storedTo the highest sequence number of the batch's outbox already stored ({@link Resends#storedTo}) */
    private Future<Void> storeObservations(String hubId, String topic, byte[] payload, ObservationBatch batch,
                                           long storedTo) {
        return track(keepUnattributed(hubId, batch))
                .compose(attributed -> withoutConflictingResends(hubId, topic, payload, attributed, storedTo))
                .compose(toWrite -> toWrite.isEmpty() ? Future.<Void>succeededFuture()
                        : writeObservations(hubId, toWrite.get()).compose(v -> noteStored(hubId, toWrite.get())))
                .compose(v -> track(hubs.seen(hubId, clock.instant())))
                .onFailure(e -> LOG.error("could not store observations {}..{} from hub {}: {}; not acknowledged",
                        batch.seqFrom(), batch.seqTo(), hubId, e.getMessage()))
                // Every reading of the batch: a refused re-send too, since its first copy is stored.
                .compose(v -> acknowledge(hubId, batch.outbox(), batch.observations().stream().map(Observation::seq).toList())
                        .onFailure(e -> LOG.error("stored observations {}..{} from hub {} but could not send the "
                                + "acknowledgement: {}; the hub will send them again", batch.seqFrom(), batch.seqTo(),
                                hubId, e.getMessage())))
                .onSuccess(v -> batch.observations().stream().map(Observation::received).max(Instant::compareTo)
                        .ifPresent(newest -> metrics.ingestLag(Duration.between(newest, clock.instant()))));
    }

    /**
     * The batch without the re-sent readings that differ from their stored copy (the first is kept; the differing copy
     * is refused and recorded); empty when nothing is left to write. Only a batch reaching back to sequence numbers
     * already stored is compared with InfluxDB.
     */
    private Future<Optional<ObservationBatch>> withoutConflictingResends(String hubId, String topic, byte[] payload,
                                                                         ObservationBatch batch, long storedTo) {
        List<Observation> resent = Resends.resent(batch, storedTo);
        if (resent.isEmpty()) {
            return Future.succeededFuture(Optional.of(batch));
        }
        return influxWorker.<List<Resends.Conflict>>executeBlocking(() -> Resends.conflicts(resent,
                observations.storedCopies(hubId, batch.outbox(), resent)), false).compose(conflicts -> {
            if (conflicts.isEmpty()) {
                return Future.succeededFuture(Optional.of(batch));
            }
            java.util.Set<Long> refused = conflicts.stream().map(Resends.Conflict::seq)
                    .collect(java.util.stream.Collectors.toSet());
            String problem = "re-sent with other content: " + String.join("; ", conflicts.stream().limit(20)
                    .map(Resends.Conflict::problem).toList()) + (conflicts.size() > 20
                    ? "; and " + (conflicts.size() - 20) + " more" : "");
            LOG.warn("hub {} outbox {}: {}", hubId, batch.outbox(), problem);
            List<Observation> rest = batch.observations().stream().filter(o -> !refused.contains(o.seq())).toList();
            return track(rejected.keep(hubId, topic, payload, problem)).map(v -> rest.isEmpty()
                    ? Optional.<ObservationBatch>empty() : Optional.of(ObservationBatch.of(batch.outbox(), rest)));
        });
    }

    private Future<Void> writeObservations(String hubId, ObservationBatch toWrite) {
        return influxWorker.<Void>executeBlocking(() -> {
            long start = System.nanoTime();
            try {
                int pastRetention = observations.write(hubId, toWrite);
                metrics.influxWrite(System.nanoTime() - start, true);
                if (pastRetention > 0) {
                    // Stored by design: the samples are past their retention; their one-minute rollup was kept.
                    metrics.pastRetention(pastRetention);
                    LOG.info("hub {} outbox {}: {} raw continuous samples were already past their retention ({}); "
                            + "kept as their one-minute rollup only", hubId, toWrite.outbox(), pastRetention,
                            retentionSettings.rawSamples());
                }
            } catch (RuntimeException e) {
                metrics.influxWrite(System.nanoTime() - start, false);
                throw e;
            }
            return null;
        }, false).andThen(r -> influxOk = r.succeeded());
    }

    /** One transaction: the newest readings for the silence rules, the stored sequence numbers, the FHIR queue. */
    private Future<Void> noteStored(String hubId, ObservationBatch written) {
        return track(db.transaction(c -> {
            CarePlanService.noteReadings(c, hubId, written, clock.instant());
            Resends.noteStored(c, hubId, written);
            for (StoredBatchListener listener : batchListeners) {
                listener.stored(c, hubId, written, clock.instant());
            }
            return null;
        }));
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
                .onFailure(e -> LOG.error("could not store alert seq {} from hub {}: {}; not acknowledged", seq, hubId,
                        e.getMessage()))
                .compose(v -> acknowledge(hubId, message.outbox(), List.of(seq))
                        .onFailure(e -> LOG.error("stored alert seq {} from hub {} but could not send the "
                                + "acknowledgement: {}; the hub will send it again", seq, hubId, e.getMessage())));
    }

    private Future<Void> acknowledge(String hubId, String outbox, List<Long> seqs) {
        return consumer.publish(HubTopic.of(hubId, HubTopic.Kind.ACK).name(), codec.encode(Ack.of(outbox, seqs)));
    }

    /**
     * Refuses a payload: a log line naming hub and problem, and the payload kept for inspection; beyond
     * {@link #REFUSALS_KEPT} a minute per hub only counted, and the count reported once (see {@link #reportRefusals}).
     */
    private Future<Handled> refuse(String hubId, String topic, byte[] payload, String problem) {
        if (!refusals.keep(hubId, clock.instant())) {
            return Future.succeededFuture(Handled.REFUSED);
        }
        LOG.warn("rejected message from hub {} on {}: {}", hubId == null ? "(unknown)" : hubId, topic, problem);
        return track(rejected.keep(hubId, topic, payload, problem)).map(Handled.REFUSED)
                .onFailure(e -> LOG.error("could not keep rejected message from hub {}: {}", hubId, e.getMessage()));
    }

    /** The counts of refusals not kept one by one, once a minute; and the retention of refused payloads. */
    private void reportRefusals() {
        for (RefusalLimiter.Suppressed s : refusals.drain(clock.instant())) {
            LOG.warn("hub {}: {} further refusals in the minute from {}, counted, not kept one by one",
                    s.hubId() == null ? "(unknown)" : s.hubId(), s.count(), s.windowStart());
            rejected.keepCount(s, REFUSAL_WINDOW)
                    .onFailure(e -> LOG.error("could not keep the refusal count of hub {}: {}", s.hubId(), e.getMessage()));
        }
        rejected.purge(clock.instant())
                .onFailure(e -> LOG.warn("could not delete old refused payloads: {}", e.getMessage()));
    }

    /** Notes whether PostgreSQL answered, for the health check. */
    private <T> Future<T> track(Future<T> postgresWork) {
        // A refused value proves PostgreSQL answered.
        return postgresWork.andThen(r -> postgresOk = r.succeeded() || Database.isDataError(r.cause()));
    }

    private boolean checkingPostgres;

    private void checkPostgres() {
        if (checkingPostgres) {
            return;
        }
        checkingPostgres = true;
        track(db.transaction(c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return null;
        })).onComplete(r -> checkingPostgres = false);
    }

    private void checkInflux() {
        influxWorker.executeBlocking(() -> {
            if (!rawPolicyReady) {
                ensureRawSamplePolicy();
            }
            return observations.ping();
        }, false).onSuccess(ok -> influxOk = ok);
    }

    /**
     * Creates or aligns the raw-sample retention policy; blocking. An InfluxDB that cannot do it now (down at start, or
     * a user without the right) is asked again at every InfluxDB check; until then /health reports InfluxDB not ready,
     * raw samples are not written (their batches are not acknowledged, so the hub sends them again) and readers across
     * policies fail rather than show a part.
     */
    private void ensureRawSamplePolicy() {
        java.time.Duration keep = retentionSettings.rawSamples();
        try {
            RawSamplePolicy.Outcome outcome = RawSamplePolicy.ensure(influx, keep);
            LOG.info("InfluxDB retention policy {} for raw continuous samples: {} ({})", ObservationStore.RAW_POLICY,
                    keep, outcome.name().toLowerCase(java.util.Locale.ROOT));
            rawPolicyReady = true;
        } catch (RuntimeException e) {
            LOG.error("cannot set InfluxDB retention policy {} to {} (asked again in 5 s): {}",
                    ObservationStore.RAW_POLICY, keep, e.getMessage());
        }
    }
}
