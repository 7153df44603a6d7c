package io.nara.ingest.consumer;

import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrolment.HubAuthorities;
import io.nara.ingest.enrolment.HubAuthority;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.observation.Resends;
import io.nara.ingest.observation.StoredBatchListener;
import io.nara.ingest.rejected.RefusalLimiter;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.unattributed.UnattributedReadings;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-then-ack path of one hub message: decode and check it, refuse what must be refused (kept with the problem
 * named), store the rest (observations in InfluxDB, alerts and hub state in PostgreSQL), and only then acknowledge to
 * the hub. The returned future completes when the message is stored and acknowledged, or refused; it fails when a
 * store is down, and the hub, unacknowledged, sends the message again.
 *
 * <p>An observation batch takes two PostgreSQL transactions, one on each side of its InfluxDB write: before, what it
 * is judged by and what must be settled before writing (the hub's bindings, its outbox's stored sequence numbers, its
 * unattributed readings kept and the patients nurses have assigned them to, since those are written under that
 * patient); after, what must only ever describe stored readings (the hub seen, the newest readings for the silence
 * rules, the stored sequence numbers a re-send is compared with, the stored-batch listeners' queues). One transaction
 * around both would hold a connection for the InfluxDB write; one before it would record readings not yet stored.
 */
public final class HubMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HubMessageHandler.class);
    /** Refusals kept one by one per hub and window; the rest are counted. */
    public static final int REFUSALS_KEPT = 20;

    public static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);

    /** The node's stores and the registries a hub message is stored in. */
    public record Stores(
            Database db,
            ObservationStore observations,
            WorkerExecutor influxWorker,
            AlertStore alerts,
            HubRegistry hubs,
            RejectedMessages rejected) {}

    private final Stores stores;
    private final Database db;
    private final MessageCodec codec;
    private final Clock clock;
    private final HubAuthorities authorities;
    private final List<StoredBatchListener> batchListeners;
    private final NodeMetrics metrics;
    private final StoreHealth health;
    /** Publishes an acknowledgement (topic, payload) to the hub; completes when the broker has it. */
    private final BiFunction<String, byte[], Future<Void>> publisher;
    /** An alert's ack goes out through the alerts' own connection, never behind the batches' acks. */
    private final BiFunction<String, byte[], Future<Void>> alertAckPublisher;
    /** The raw samples' retention, named in the log when samples arrive past it. */
    private final Duration rawSampleRetention;

    private final RefusalLimiter refusals = new RefusalLimiter(REFUSALS_KEPT, REFUSAL_WINDOW);

    /** @param batchListeners told of every stored batch; may be added to while the node starts */
    public HubMessageHandler(
            Stores stores,
            MessageCodec codec,
            Clock clock,
            List<StoredBatchListener> batchListeners,
            NodeMetrics metrics,
            StoreHealth health,
            Duration rawSampleRetention,
            BiFunction<String, byte[], Future<Void>> publisher,
            BiFunction<String, byte[], Future<Void>> alertAckPublisher) {
        this.stores = stores;
        this.db = stores.db();
        this.codec = codec;
        this.clock = clock;
        this.authorities = new HubAuthorities(codec);
        this.batchListeners = batchListeners;
        this.metrics = metrics;
        this.health = health;
        this.rawSampleRetention = rawSampleRetention;
        this.publisher = publisher;
        this.alertAckPublisher = alertAckPublisher;
    }

    /** Handles one message from a hub; the future completes when it is stored and acknowledged, or refused. */
    public Future<Void> handle(String topic, byte[] payload) {
        long arrived = System.nanoTime();
        String kind = kindOf(topic);
        metrics.received(kind);
        return handleKind(topic, payload)
                .andThen(r -> {
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
                })
                .mapEmpty();
    }

    /** What became of a message that did not fail. */
    private enum Handled {
        STORED,
        REFUSED
    }

    private static String kindOf(String topic) {
        return HubTopic.parse(topic)
                .map(t -> t.kind().name().toLowerCase(Locale.ROOT))
                .orElse("other");
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
                case OBS ->
                    storeBatch(
                            hubId,
                            topic,
                            payload,
                            IncomingReadings.check(codec.decode(payload, ObservationBatch.class), clock.instant()));
                case ALERT ->
                    authoriseAlert(
                            hubId,
                            topic,
                            payload,
                            IncomingReadings.check(codec.decode(payload, AlertMessage.class), clock.instant()));
                case STATUS ->
                    health.track(stores.hubs().status(hubId, codec.decode(payload, HubStatus.class), clock.instant()))
                            .map(Handled.STORED);
                case ACK, CONFIG, ALERT_SEEN ->
                    refuse(
                            hubId,
                            topic,
                            payload,
                            "hubs do not publish on " + parsed.get().kind());
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
     * A batch as judged before anything of it is written: the readings the hub may report (its bound devices, for
     * their patients), with the patients nurses have assigned to its unattributed ones, or none; the refused ones with
     * their reasons; and the highest sequence number of its outbox already stored ({@link Resends#storedTo}).
     */
    private record Judged(
            Optional<ObservationBatch> allowed, List<Long> refused, List<String> reasons, long storedTo) {}

    /**
     * Stores the readings the hub may report; the others are refused: kept whole with the reasons in the rejected
     * messages and counted for the fleet page, never written to InfluxDB, alerts or FHIR. Refused readings are
     * acknowledged once kept, so the hub's outbox does not resend them forever.
     */
    private Future<Handled> storeBatch(String hubId, String topic, byte[] payload, ObservationBatch batch) {
        Instant now = clock.instant();
        return health.track(db.transaction(c -> judge(c, hubId, batch, now))).compose(judged -> {
            if (judged.refused().isEmpty()) {
                return storeObservations(hubId, topic, payload, judged.allowed().orElseThrow(), judged.storedTo())
                        .map(Handled.STORED);
            }
            Future<Void> kept = refuseUnauthorised(hubId, topic, payload, judged.reasons());
            if (judged.allowed().isEmpty()) {
                return kept.compose(v -> acknowledge(hubId, batch.outbox(), judged.refused()))
                        .map(Handled.REFUSED);
            }
            return kept.compose(v -> storeObservations(
                            hubId, topic, payload, judged.allowed().get(), judged.storedTo()))
                    .compose(v -> acknowledge(hubId, batch.outbox(), judged.refused()))
                    .map(Handled.STORED);
        });
    }

    /**
     * The first of the batch's two transactions: the hub's bindings decide which readings it may report; of those, its
     * unattributed readings are kept for the nurses, and one a nurse has already assigned (the hub replays what it had
     * no acknowledgement for) is written under its patient again.
     */
    private Judged judge(Connection c, String hubId, ObservationBatch batch, Instant now) throws SQLException {
        HubAuthority authority = authorities.load(c, hubId);
        List<Observation> allowed = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (Observation o : batch.observations()) {
            Optional<String> reason = authority.refuse(o);
            if (reason.isPresent()) {
                reasons.add(reason.get());
                refused.add(o.seq());
            } else {
                allowed.add(o);
            }
        }
        if (allowed.isEmpty()) {
            return new Judged(Optional.empty(), refused, reasons, 0);
        }
        ObservationBatch part = refused.isEmpty() ? batch : ObservationBatch.of(batch.outbox(), allowed);
        long storedTo = Resends.storedTo(c, hubId, batch.outbox());
        Map<Long, String> assigned = UnattributedReadings.keep(c, hubId, part, now);
        if (assigned.isEmpty()) {
            return new Judged(Optional.of(part), refused, reasons, storedTo);
        }
        List<Observation> rewritten = part.observations().stream()
                .map(o -> o.patientId() == null && assigned.containsKey(o.seq())
                        ? o.withPatient(assigned.get(o.seq()))
                        : o)
                .toList();
        return new Judged(
                Optional.of(new ObservationBatch(part.v(), part.outbox(), part.seqFrom(), part.seqTo(), rewritten)),
                refused,
                reasons,
                storedTo);
    }

    private Future<Handled> authoriseAlert(String hubId, String topic, byte[] payload, AlertMessage message) {
        return health.track(db.urgentTransaction(c -> authorities.load(c, hubId).refuse(message.alert())))
                .compose(reason -> reason.isEmpty()
                        ? storeAlert(hubId, message).map(Handled.STORED)
                        : refuseUnauthorised(hubId, topic, payload, List.of(reason.get()))
                                .compose(v -> acknowledge(
                                        alertAckPublisher,
                                        hubId,
                                        message.outbox(),
                                        List.of(message.alert().seq())))
                                .map(Handled.REFUSED));
    }

    private Future<Void> refuseUnauthorised(String hubId, String topic, byte[] payload, List<String> reasons) {
        String problem = "not authorised: " + String.join("; ", reasons.subList(0, Math.min(20, reasons.size())))
                + (reasons.size() > 20 ? "; and " + (reasons.size() - 20) + " more" : "");
        LOG.warn("refused message from hub {} on {}: {}", hubId, topic, problem);
        return health.track(stores.rejected().keepUnauthorised(hubId, topic, payload, problem));
    }

    /**
     * Writes the batch to InfluxDB, then notes it stored, then acknowledges every reading of it.
     *
     * @param storedTo the highest sequence number of the batch's outbox already stored ({@link Resends#storedTo})
     */
    private Future<Void> storeObservations(
            String hubId, String topic, byte[] payload, ObservationBatch batch, long storedTo) {
        return withoutConflictingResends(hubId, topic, payload, batch, storedTo)
                .compose(toWrite -> toWrite.isEmpty()
                        ? noteSeen(hubId)
                        : writeObservations(hubId, toWrite.get()).compose(v -> noteStored(hubId, toWrite.get())))
                .onFailure(e -> LOG.error(
                        "could not store observations {}..{} from hub {}: {}; not acknowledged",
                        batch.seqFrom(),
                        batch.seqTo(),
                        hubId,
                        e.getMessage()))
                // Every reading of the batch: a refused re-send too, since its first copy is stored.
                .compose(v -> acknowledge(
                                hubId,
                                batch.outbox(),
                                batch.observations().stream()
                                        .map(Observation::seq)
                                        .toList())
                        .onFailure(e -> LOG.error(
                                "stored observations {}..{} from hub {} but could not send the "
                                        + "acknowledgement: {}; the hub will send them again",
                                batch.seqFrom(),
                                batch.seqTo(),
                                hubId,
                                e.getMessage())))
                .onSuccess(v -> batch.observations().stream()
                        .map(Observation::received)
                        .max(Instant::compareTo)
                        .ifPresent(newest -> metrics.ingestLag(Duration.between(newest, clock.instant()))));
    }

    /**
     * The batch without the re-sent readings that differ from their stored copy (the first is kept; the differing copy
     * is refused and recorded); empty when nothing is left to write. Only a batch reaching back to sequence numbers
     * already stored is compared with InfluxDB.
     */
    private Future<Optional<ObservationBatch>> withoutConflictingResends(
            String hubId, String topic, byte[] payload, ObservationBatch batch, long storedTo) {
        List<Observation> resent = Resends.resent(batch, storedTo);
        if (resent.isEmpty()) {
            return Future.succeededFuture(Optional.of(batch));
        }
        return stores.influxWorker()
                .<List<Resends.Conflict>>executeBlocking(
                        () -> Resends.conflicts(
                                resent, stores.observations().storedCopies(hubId, batch.outbox(), resent)),
                        false)
                .compose(conflicts -> {
                    if (conflicts.isEmpty()) {
                        return Future.succeededFuture(Optional.of(batch));
                    }
                    Set<Long> refused =
                            conflicts.stream().map(Resends.Conflict::seq).collect(Collectors.toSet());
                    String problem = "re-sent with other content: "
                            + String.join(
                                    "; ",
                                    conflicts.stream()
                                            .limit(20)
                                            .map(Resends.Conflict::problem)
                                            .toList())
                            + (conflicts.size() > 20 ? "; and " + (conflicts.size() - 20) + " more" : "");
                    LOG.warn("hub {} outbox {}: {}", hubId, batch.outbox(), problem);
                    List<Observation> rest = batch.observations().stream()
                            .filter(o -> !refused.contains(o.seq()))
                            .toList();
                    return health.track(stores.rejected().keep(hubId, topic, payload, problem))
                            .map(v -> rest.isEmpty()
                                    ? Optional.<ObservationBatch>empty()
                                    : Optional.of(ObservationBatch.of(batch.outbox(), rest)));
                });
    }

    private Future<Void> writeObservations(String hubId, ObservationBatch toWrite) {
        return stores.influxWorker()
                .<Void>executeBlocking(
                        () -> {
                            long start = System.nanoTime();
                            try {
                                int pastRetention = stores.observations().write(hubId, toWrite);
                                metrics.influxWrite(System.nanoTime() - start, true);
                                if (pastRetention > 0) {
                                    // Stored by design: the samples are past their retention; their one-minute rollup
                                    // was kept.
                                    metrics.pastRetention(pastRetention);
                                    LOG.info(
                                            "hub {} outbox {}: {} raw continuous samples were already past their retention ({}); "
                                                    + "kept as their one-minute rollup only",
                                            hubId,
                                            toWrite.outbox(),
                                            pastRetention,
                                            rawSampleRetention);
                                }
                            } catch (RuntimeException e) {
                                metrics.influxWrite(System.nanoTime() - start, false);
                                throw e;
                            }
                            return null;
                        },
                        false)
                .andThen(r -> health.influx(r.succeeded()));
    }

    /**
     * The second of the batch's two transactions, once InfluxDB has it: the hub seen, the newest readings for the
     * silence rules, the stored sequence numbers, and what the stored-batch listeners queue (the FHIR push).
     */
    private Future<Void> noteStored(String hubId, ObservationBatch written) {
        Instant now = clock.instant();
        return health.track(db.transaction(c -> {
            // The hub's row first: two batches of one hub then wait for each other here instead of taking the rows
            // below in different orders.
            HubRegistry.seen(c, hubId, now);
            CarePlanService.noteReadings(c, hubId, written, now);
            Resends.noteStored(c, hubId, written);
            for (StoredBatchListener listener : batchListeners) {
                listener.stored(c, hubId, written, now);
            }
            return null;
        }));
    }

    /** A batch with nothing left to write (every reading a refused re-send) still shows the hub is there. */
    private Future<Void> noteSeen(String hubId) {
        return health.track(stores.hubs().seen(hubId, clock.instant()));
    }

    private Future<Void> storeAlert(String hubId, AlertMessage message) {
        long seq = message.alert().seq();
        long start = System.nanoTime();
        return health.track(stores.alerts().store(hubId, message.outbox(), message.alert()))
                .onSuccess(id -> metrics.alertRouted(System.nanoTime() - start))
                .onSuccess(id -> id.ifPresent(alertId -> LOG.info(
                        "alert {} from hub {} seq {}: {} {}",
                        alertId,
                        hubId,
                        seq,
                        message.alert().severity(),
                        message.alert().ruleId())))
                .onFailure(e -> LOG.error(
                        "could not store alert seq {} from hub {}: {}; not acknowledged", seq, hubId, e.getMessage()))
                .compose(v -> acknowledge(alertAckPublisher, hubId, message.outbox(), List.of(seq))
                        .onFailure(e -> LOG.error(
                                "stored alert seq {} from hub {} but could not send the "
                                        + "acknowledgement: {}; the hub will send it again",
                                seq,
                                hubId,
                                e.getMessage())))
                // The hub's last contact is noted after the ack and apart from it: neither the hub's ack nor the
                // broker's PUBACK for the alert waits for an ordinary worker behind the batches' transactions.
                .onSuccess(v -> noteSeen(hubId)
                        .onFailure(e -> LOG.warn(
                                "stored and acknowledged alert seq {} from hub {} but could not note its last contact: {}",
                                seq,
                                hubId,
                                e.getMessage())));
    }

    private Future<Void> acknowledge(String hubId, String outbox, List<Long> seqs) {
        return acknowledge(publisher, hubId, outbox, seqs);
    }

    private Future<Void> acknowledge(
            BiFunction<String, byte[], Future<Void>> through, String hubId, String outbox, List<Long> seqs) {
        return through.apply(HubTopic.of(hubId, HubTopic.Kind.ACK).name(), codec.encode(Ack.of(outbox, seqs)));
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
        return health.track(stores.rejected().keep(hubId, topic, payload, problem))
                .map(Handled.REFUSED)
                .onFailure(e -> LOG.error("could not keep rejected message from hub {}: {}", hubId, e.getMessage()));
    }

    /**
     * The counts of refusals not kept one by one, and the retention of refused payloads; once per
     * {@link #REFUSAL_WINDOW}. Each failure is logged here, with the hub it concerns.
     */
    public void reportRefusals() {
        for (RefusalLimiter.Suppressed s : refusals.drain(clock.instant())) {
            LOG.warn(
                    "hub {}: {} further refusals in the minute from {}, counted, not kept one by one",
                    s.hubId() == null ? "(unknown)" : s.hubId(),
                    s.count(),
                    s.windowStart());
            stores.rejected()
                    .keepCount(s, REFUSAL_WINDOW)
                    .onFailure(e ->
                            LOG.error("could not keep the refusal count of hub {}: {}", s.hubId(), e.getMessage()));
        }
        stores.rejected()
                .purge(clock.instant())
                .onFailure(e -> LOG.warn("could not delete old refused payloads: {}", e.getMessage()));
    }
}
