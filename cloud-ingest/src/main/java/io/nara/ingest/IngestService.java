package io.nara.ingest;

import io.nara.ingest.alert.AlertFeed;
import io.nara.ingest.alert.AlertStore;
import io.nara.ingest.consumer.HubMessageConsumer;
import io.nara.ingest.db.Database;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.rejected.RejectedMessages;
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
    private final MessageCodec codec = new MessageCodec();

    private Database db;
    private ObservationStore observations;
    private WorkerExecutor influxWorker;
    private AlertStore alerts;
    private AlertFeed alertFeed;
    private HubRegistry hubs;
    private RejectedMessages rejected;
    private HubMessageConsumer consumer;
    private WebServer web;
    private volatile boolean influxOk = true;
    private volatile boolean postgresOk = true;

    public IngestService(IngestSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            db = Database.open(vertx, settings.postgres());
            observations = new ObservationStore(settings.influx());
            return null;
        }).compose(v -> {
            influxWorker = vertx.createSharedWorkerExecutor("nara-influx", 4);
            alerts = new AlertStore(db);
            hubs = new HubRegistry(db);
            rejected = new RejectedMessages(db);
            alertFeed = new AlertFeed(vertx, db, codec);
            alertFeed.start();
            consumer = new HubMessageConsumer(vertx, settings.broker(), settings.nodeId(), settings.shareGroup(),
                    RECEIVE_MAXIMUM, this::handle);
            consumer.start();
            vertx.setPeriodic(5_000, id -> checkInflux());
            web = new WebServer(vertx, codec, db, settings.apiKey(), this::health);
            return web.listen(settings.httpHost(), settings.httpPort());
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
            if (observations != null) {
                observations.close();
            }
            if (db != null) {
                db.close();
            }
            return null;
        }));
    }

    public int httpPort() {
        return web.port();
    }

    public Health health() {
        return new Health(consumer != null && consumer.ready(), influxOk, postgresOk,
                alertFeed != null && alertFeed.listening());
    }

    /** Handles one message from a hub; the future completes when it is stored and acknowledged, or refused. */
    Future<Void> handle(String topic, byte[] payload) {
        Optional<HubTopic> parsed = HubTopic.parse(topic);
        if (parsed.isEmpty()) {
            return refuse(null, topic, payload, "not a Nära v1 hub topic");
        }
        String hubId = parsed.get().hubId();
        try {
            return switch (parsed.get().kind()) {
                case OBS -> storeObservations(hubId, codec.decode(payload, ObservationBatch.class));
                case ALERT -> storeAlert(hubId, codec.decode(payload, AlertMessage.class));
                case STATUS -> track(hubs.status(hubId, codec.decode(payload, HubStatus.class), clock.instant()));
                case ACK, CONFIG -> refuse(hubId, topic, payload, "hubs do not publish on " + parsed.get().kind());
            };
        } catch (InvalidMessageException e) {
            return refuse(hubId, topic, payload, e.getMessage());
        }
    }

    private Future<Void> storeObservations(String hubId, ObservationBatch batch) {
        return influxWorker.<Void>executeBlocking(() -> {
                    observations.write(hubId, batch);
                    return null;
                }, false)
                .andThen(r -> influxOk = r.succeeded())
                .compose(v -> track(hubs.seen(hubId, clock.instant())))
                .compose(v -> acknowledge(hubId, batch.outbox(), batch.observations().stream().map(Observation::seq).toList()))
                .onFailure(e -> LOG.error("could not store observations {}..{} from hub {}: {}; not acknowledged",
                        batch.seqFrom(), batch.seqTo(), hubId, e.getMessage()));
    }

    private Future<Void> storeAlert(String hubId, AlertMessage message) {
        long seq = message.alert().seq();
        return track(alerts.store(hubId, message.outbox(), message.alert()))
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
    private Future<Void> refuse(String hubId, String topic, byte[] payload, String problem) {
        LOG.warn("rejected message from hub {} on {}: {}", hubId == null ? "(unknown)" : hubId, topic, problem);
        return track(rejected.keep(hubId, topic, payload, problem))
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
