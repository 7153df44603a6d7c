package io.nara.gateway.uplink;

import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.mqtt.ActionListener;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.Limits;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.AlertSeen;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to the cloud and prunes what the cloud acknowledges.
 *
 * <p>Alerts and observations each have a window of their own of at most {@code window} unacknowledged messages, so an
 * alert never waits behind observations the cloud has not acknowledged; alerts go first and are never throttled;
 * observations are sent at most {@code recordsPerSecond}, so a hub coming back after days offline does not flood the
 * broker (a backlog drains at that rate; live readings are a handful an hour).
 *
 * <p>A message is sent again, from the oldest unacknowledged entry of its kind, when it is known or likely to be lost:
 * after a reconnect; when the broker answers "no matching subscribers" (no ingest node was subscribed, so the broker
 * dropped it; retried within {@link #NO_SUBSCRIBER_RETRY_MAX_MILLIS}); when the cloud acknowledged a later message of the
 * same kind and this one is still unacknowledged {@link #OVERTAKEN_GRACE_MILLIS} later (the ingest failed to store it,
 * or it was in flight to a node that died); or when its acknowledgement is overdue ({@code ackTimeoutMillis}, and
 * for alerts at most {@link #ALERT_ACK_TIMEOUT_MILLIS}: an alert is one small transaction in the cloud). The cloud's
 * writes are idempotent, so a duplicate costs bandwidth, never correctness. Paho's own persistence is off on purpose:
 * the outbox is the only durable queue.
 *
 * <p>All state is confined to the Vert.x context the uplink was started on; Paho's callbacks hop onto it.
 */
public final class Uplink {

    private static final Logger LOG = LoggerFactory.getLogger(Uplink.class);

    /** An unacknowledged alert is sent again after this long at most, whatever the observations' timeout. */
    static final long ALERT_ACK_TIMEOUT_MILLIS = 3_000;
    /** How long a message overtaken by a later acknowledgement of its kind may still be in the ingest's hands. */
    static final long OVERTAKEN_GRACE_MILLIS = 1_000;
    /**
     * After "no matching subscribers" the kind is sent again after 250 ms, doubling while it repeats up to this for
     * alerts (an ingest that comes back gets them within a second) and five times this for observations (a backlog
     * re-sent every second to a broker with no ingest would be wasted traffic).
     */
    static final long NO_SUBSCRIBER_RETRY_MAX_MILLIS = 1_000;
    /** Longest pause between two attempts of a first connection; Paho's own reconnects are capped alike. */
    static final long CONNECT_RETRY_MAX_MILLIS = 2_000;
    /** PUBACK reason code 0x10: the broker accepted the message but delivered it to nobody. */
    private static final int NO_MATCHING_SUBSCRIBERS = 0x10;

    /**
     * Tuning; the defaults suit a home hub.
     *
     * @param batchSize        observations per message
     * @param window           unacknowledged messages at most
     * @param ackTimeoutMillis when an unacknowledged message is sent again
     * @param statusIntervalMillis how often the status message is refreshed
     * @param recordsPerSecond observations sent per second at most; 0 for no limit
     */
    public record Settings(
            int batchSize, int window, long ackTimeoutMillis, long statusIntervalMillis, int recordsPerSecond) {
        public Settings {
            if (batchSize < 1 || batchSize > Limits.MAX_OBSERVATIONS_PER_BATCH) {
                throw new IllegalArgumentException("batch size must be 1.." + Limits.MAX_OBSERVATIONS_PER_BATCH);
            }
            if (window < 1 || ackTimeoutMillis < 1 || statusIntervalMillis < 1 || recordsPerSecond < 0) {
                throw new IllegalArgumentException("uplink settings must be positive: " + this);
            }
        }

        public static Settings defaults() {
            return new Settings(200, 4, 30_000, 60_000, 500);
        }
    }

    /**
     * How the outbox is draining, for the status page and the log.
     *
     * @param pending          records waiting for an acknowledgement
     * @param recordsPerSecond acknowledged records per second, smoothed
     * @param secondsToGo      at that rate, until the outbox is empty; null while nothing drains
     */
    public record Progress(long pending, double recordsPerSecond, Long secondsToGo) {}

    private final Vertx vertx;
    private final String hubId;
    private final BrokerConnection broker;
    private final Outbox outbox;
    private final WorkerExecutor outboxWorker;
    private final HubConfigStore configStore;
    private final MessageCodec codec;
    private final Settings settings;
    private final Supplier<HubStatus> status;

    private Context context;
    private MqttAsyncClient client;
    /** Built once, on a worker (see connectFirstTime). */
    private MqttConnectionOptions options;

    private boolean connected;
    private boolean reading;
    /**
     * Counts {@link #restart}s. A read of the outbox that began before a restart started after the old cursor: what
     * it found is not published (the cursor would move past the entries the restart means to send again, which then
     * wait in the outbox, never in flight, so nothing would ever resend them); the pump reads again.
     */
    private long restarts;

    private long observationCursor;
    private long alertCursor;
    /** Unacknowledged alerts and observation batches, each kind by first seq: a window each. */
    private final Map<Kind, Lane> lanes = Map.of(Kind.ALERT, new Lane(), Kind.OBS, new Lane());

    private long lastAckAt;
    private long connectAttempts;
    /** Connections made since start; more than one means reconnects (the hub's metrics). */
    private volatile long connections;
    /** Earliest time (ms) the throttle lets the next observation batch go. */
    private long nextSendAt;

    private boolean throttleTimerSet;
    private long ackedSinceTick;
    private double ackRate;
    private long lastProgressLog;
    private final List<Long> timers = new ArrayList<>();
    private volatile Consumer<AlertSeen> alertSeenListener = seen -> {};

    /** One unacknowledged message: its last seq, when it was sent, and when a later one of its kind was acknowledged. */
    private static final class InFlight {
        final long lastSeq;
        final long sentAt;
        long overtakenAt;

        InFlight(long lastSeq, long sentAt) {
            this.lastSeq = lastSeq;
            this.sentAt = sentAt;
        }
    }

    /** The window of one kind of message and when it must be sent again because the broker had no subscriber. */
    private static final class Lane {
        final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
        long retryAt;
        long retryDelay;
    }

    public Uplink(
            Vertx vertx,
            String hubId,
            BrokerConnection broker,
            Outbox outbox,
            WorkerExecutor outboxWorker,
            HubConfigStore configStore,
            MessageCodec codec,
            Settings settings,
            Supplier<HubStatus> status) {
        this.vertx = vertx;
        this.hubId = HubTopic.requireValidHubId(hubId);
        this.broker = broker;
        this.outbox = outbox;
        this.outboxWorker = outboxWorker;
        this.configStore = configStore;
        this.codec = codec;
        this.settings = settings;
        this.status = status;
    }

    /**
     * Starts connecting; the future completes at once, not when connected. The uplink keeps trying until
     * {@link #stop()}.
     */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        connectFirstTime();
        return Future.succeededFuture();
    }

    private void connectFirstTime() {
        try {
            client = new MqttAsyncClient(broker.serverUri().toString(), hubId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException("cannot create MQTT client for " + broker.serverUri(), e);
        }
        client.setCallback(new Callback());
        timers.add(vertx.setPeriodic(250, id -> resendLost()));
        timers.add(vertx.setPeriodic(settings.statusIntervalMillis(), id -> publishStatus()));
        timers.add(vertx.setPeriodic(1_000, id -> measureProgress()));
        // Loading the key store (PKCS12 key derivation) is slow on a Pi: once, on a worker, not on the event loop at
        // every attempt (they come every 2 s while the broker is away).
        MqttMessage will = new MqttMessage(codec.encode(HubStatus.offline()), 1, true, new MqttProperties());
        vertx.executeBlocking(() -> broker.options(true, topic(Kind.STATUS), will))
                .onSuccess(built -> {
                    options = built;
                    connect();
                })
                .onFailure(e -> LOG.error(
                        "cannot load the hub's TLS identity for {}: {}", broker.serverUri(), e.getMessage(), e));
    }

    public boolean connected() {
        return connected;
    }

    /** Who is told, on the uplink's context, that a person acknowledged an alert about a patient of this hub. */
    public void onAlertSeen(Consumer<AlertSeen> listener) {
        alertSeenListener = listener;
    }

    /** Connections to the broker made since start. */
    public long connections() {
        return connections;
    }

    /** Called when new entries are in the outbox. */
    public void wake() {
        if (context == null) {
            return; // not started yet (the hub waits for enrolment); the outbox is sent once it starts
        }
        context.runOnContext(v -> pump());
    }

    public Future<Void> stop() {
        timers.forEach(vertx::cancelTimer);
        connected = false;
        if (client == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            if (client.isConnected()) {
                // A clean disconnect: the broker does not send the last will, so say offline ourselves.
                client.publish(topic(Kind.STATUS), codec.encode(HubStatus.offline()), 1, true)
                        .waitForCompletion(2_000);
                client.disconnect().waitForCompletion(2_000);
            }
            client.close(true);
            return null;
        });
    }

    private void connect() {
        try {
            // A clean session: after a broker restart a resumed session made Paho replay its own in-flight publishes
            // beside the outbox's re-send, and Mosquitto dropped the hub for a protocol error again and again. The
            // outbox is the one source of re-sends; an ack lost while disconnected only delays the next one, and the
            // config is retained, so nothing needs the broker to remember the hub.
            client.connect(
                    options,
                    null,
                    new ActionListener(() -> LOG.info("connected to {} as {}", broker.serverUri(), hubId), e -> {
                        // Paho reconnects by itself only after a connection it once had; the first one is ours.
                        long delay = Math.min(CONNECT_RETRY_MAX_MILLIS, 250L << Math.min(6, connectAttempts++));
                        LOG.warn(
                                "cannot connect to {}: {}; retrying in {} ms",
                                broker.serverUri(),
                                e.getMessage(),
                                delay);
                        context.runOnContext(v -> vertx.setTimer(delay, id -> connect()));
                    }));
        } catch (MqttException e) {
            LOG.warn("cannot start connecting to {}: {}", broker.serverUri(), e.getMessage());
            vertx.setTimer(CONNECT_RETRY_MAX_MILLIS, id -> connect());
        }
    }

    private void onConnected() {
        connected = true;
        connections++;
        connectAttempts = 0;
        restartFromOutbox();
        try {
            // alertseen is retained like config: a hub that was away gets the latest when it subscribes again.
            client.subscribe(
                    new String[] {topic(Kind.ACK), topic(Kind.CONFIG), topic(Kind.ALERT_SEEN)}, new int[] {1, 1, 1});
        } catch (MqttException e) {
            LOG.error("cannot subscribe to ack, config and alertseen: {}", e.getMessage(), e);
        }
        publishStatus();
        pump();
    }

    private void onDisconnected(String reason) {
        if (connected) {
            LOG.warn("connection to {} lost: {}", broker.serverUri(), reason);
        }
        connected = false;
        lanes.values().forEach(lane -> lane.inFlight.clear());
    }

    /** Forget what was sent; the next pump starts again from the oldest unacknowledged entry. */
    private void restartFromOutbox() {
        restart(Kind.ALERT);
        restart(Kind.OBS);
    }

    /** Forget what of one kind was sent; the next pump sends that kind again from its oldest unacknowledged entry. */
    private void restart(Kind kind) {
        Lane lane = lanes.get(kind);
        lane.inFlight.clear();
        lane.retryAt = 0;
        restarts++;
        if (kind == Kind.ALERT) {
            alertCursor = 0;
        } else {
            observationCursor = 0;
        }
    }

    private int free(Kind kind) {
        return settings.window() - lanes.get(kind).inFlight.size();
    }

    private void pump() {
        if (!connected || reading || (free(Kind.ALERT) <= 0 && free(Kind.OBS) <= 0)) {
            return;
        }
        reading = true;
        long readAfterRestarts = restarts;
        long alertsAfter = alertCursor;
        long observationsAfter = observationCursor;
        int freeAlerts = Math.max(0, free(Kind.ALERT));
        boolean observationsFit = free(Kind.OBS) > 0;
        outboxWorker
                .executeBlocking(() -> new Pending(
                        freeAlerts == 0 ? List.of() : outbox.pending(OutboxEntry.Kind.ALERT, alertsAfter, freeAlerts),
                        observationsFit
                                ? outbox.pending(OutboxEntry.Kind.OBSERVATION, observationsAfter, settings.batchSize())
                                : List.of()))
                .onComplete(result -> {
                    reading = false;
                    if (result.failed()) {
                        LOG.error("cannot read outbox: {}", result.cause().getMessage(), result.cause());
                        return;
                    }
                    if (readAfterRestarts != restarts) {
                        pump(); // read from before a restart: read again from the restarted cursors
                    } else if (connected && publish(result.result())) {
                        pump();
                    }
                });
    }

    private record Pending(List<OutboxEntry> alerts, List<OutboxEntry> observations) {}

    /** Publishes what fits in the window; returns whether anything was sent. */
    private boolean publish(Pending pending) {
        boolean sent = false;
        for (OutboxEntry entry : pending.alerts()) {
            if (free(Kind.ALERT) <= 0) {
                break;
            }
            OutboxEntry.AlertEntry alert = (OutboxEntry.AlertEntry) entry;
            if (!send(
                    Kind.ALERT, codec.encode(AlertMessage.of(outbox.id(), alert.alert())), alert.seq(), alert.seq())) {
                break;
            }
            alertCursor = alert.seq();
            sent = true;
        }
        if (!pending.observations().isEmpty() && free(Kind.OBS) > 0 && throttleAllows()) {
            List<Observation> observations =
                    new ArrayList<>(pending.observations().size());
            for (OutboxEntry entry : pending.observations()) {
                observations.add(((OutboxEntry.ObservationEntry) entry).observation());
            }
            ObservationBatch batch = ObservationBatch.of(outbox.id(), observations);
            if (send(Kind.OBS, codec.encode(batch), batch.seqFrom(), batch.seqTo())) {
                observationCursor = batch.seqTo();
                charge(observations.size());
                sent = true;
            }
        }
        return sent;
    }

    /** Whether the throttle lets a batch go now; if not, pumps again when it will. */
    private boolean throttleAllows() {
        long now = System.currentTimeMillis();
        if (settings.recordsPerSecond() == 0 || now >= nextSendAt) {
            return true;
        }
        if (!throttleTimerSet) {
            throttleTimerSet = true;
            vertx.setTimer(Math.max(1, nextSendAt - now), id -> {
                throttleTimerSet = false;
                pump();
            });
        }
        return false;
    }

    /** Spends the throttle's budget for {@code records} observations just sent. */
    private void charge(int records) {
        if (settings.recordsPerSecond() > 0) {
            long now = System.currentTimeMillis();
            nextSendAt = Math.max(now, nextSendAt) + records * 1_000L / settings.recordsPerSecond();
        }
    }

    private void measureProgress() {
        // Smoothed over a few seconds so the time to go does not jump with every batch.
        ackRate = ackRate * 0.7 + ackedSinceTick * 0.3;
        ackedSinceTick = 0;
        long size = outbox.size();
        long now = System.currentTimeMillis();
        {
            if (size > settings.batchSize() && now - lastProgressLog >= 10_000) {
                lastProgressLog = now;
                Progress p = progress();
                LOG.info(
                        "outbox: {} records to send, {} acknowledged per second, {}",
                        p.pending(),
                        Math.round(p.recordsPerSecond()),
                        p.secondsToGo() == null ? "not draining" : "about " + p.secondsToGo() + " s to go");
            }
        }
    }

    /** The outbox's drain progress. */
    public Progress progress() {
        long pending = outbox.size();
        Long toGo = ackRate < 0.5 ? null : Math.round(pending / ackRate);
        return new Progress(pending, ackRate, pending == 0 ? Long.valueOf(0) : toGo);
    }

    private boolean send(Kind kind, byte[] payload, long firstSeq, long lastSeq) {
        try {
            client.publish(topic(kind), payload, 1, false, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] reasons = token.getReasonCodes();
                    boolean delivered = reasons == null || reasons.length == 0 || reasons[0] != NO_MATCHING_SUBSCRIBERS;
                    context.runOnContext(v -> onPublished(kind, delivered));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.warn("publish of {} {}..{} failed: {}", kind.segment(), firstSeq, lastSeq, e.getMessage());
                }
            });
            lanes.get(kind).inFlight.put(firstSeq, new InFlight(lastSeq, System.currentTimeMillis()));
            return true;
        } catch (MqttException e) {
            LOG.warn("cannot publish {} {}..{}: {}", kind.segment(), firstSeq, lastSeq, e.getMessage());
            return false;
        }
    }

    private void onAck(Ack ack) {
        if (!ack.outbox().equals(outbox.id())) {
            LOG.info("ignoring an ack for outbox {}; this hub's outbox is {}", ack.outbox(), outbox.id());
            return;
        }
        lastAckAt = System.currentTimeMillis();
        outboxWorker.executeBlocking(() -> outbox.delete(ack.ranges())).onComplete(result -> {
            if (result.failed()) {
                LOG.error(
                        "cannot prune acknowledged entries {}: {}",
                        ack.ranges(),
                        result.cause().getMessage());
                return;
            }
            long now = System.currentTimeMillis();
            for (Lane lane : lanes.values()) {
                long newestAcked = -1;
                for (Iterator<Map.Entry<Long, InFlight>> it =
                                lane.inFlight.entrySet().iterator();
                        it.hasNext(); ) {
                    long first = it.next().getKey();
                    if (ack.ranges().stream().anyMatch(r -> r.contains(first))) {
                        it.remove();
                        newestAcked = Math.max(newestAcked, first);
                    }
                }
                // Acknowledged out of order: what was sent before is lost or failed, unless it is merely a little
                // slower.
                for (InFlight earlier : lane.inFlight.headMap(newestAcked).values()) {
                    if (earlier.overtakenAt == 0) {
                        earlier.overtakenAt = now;
                    }
                }
            }
            ackedSinceTick += result.result();
            LOG.debug("cloud acknowledged {}; {} pruned", ack.ranges(), result.result());
            pump();
        });
    }

    private void onConfig(HubConfig config) {
        outboxWorker.executeBlocking(() -> configStore.offer(config)).onComplete(result -> {
            if (result.failed()) {
                LOG.error(
                        "cannot apply config version {}: {}",
                        config.version(),
                        result.cause().getMessage());
            } else if (result.result()) {
                LOG.info("adopted config version {} from the cloud", config.version());
                publishStatus();
            }
        });
    }

    /** The broker's answer to one publish: delivered to a subscriber, or dropped for want of one. */
    private void onPublished(Kind kind, boolean delivered) {
        Lane lane = lanes.get(kind);
        if (delivered) {
            lane.retryDelay = 0;
            return;
        }
        if (lane.retryAt == 0) {
            long max = kind == Kind.ALERT ? NO_SUBSCRIBER_RETRY_MAX_MILLIS : 5 * NO_SUBSCRIBER_RETRY_MAX_MILLIS;
            lane.retryDelay = lane.retryDelay == 0 ? 250 : Math.min(max, lane.retryDelay * 2);
            lane.retryAt = System.currentTimeMillis() + lane.retryDelay;
            LOG.warn(
                    "the broker had no ingest subscribed for {}; sending again in {} ms",
                    kind.segment(),
                    lane.retryDelay);
        }
    }

    /** Sends again, kind by kind, what is known or likely to be lost (see the class comment). */
    private void resendLost() {
        if (!connected) {
            return;
        }
        long now = System.currentTimeMillis();
        boolean restarted = false;
        for (Kind kind : List.of(Kind.ALERT, Kind.OBS)) {
            Lane lane = lanes.get(kind);
            long timeout = kind == Kind.ALERT
                    ? Math.min(ALERT_ACK_TIMEOUT_MILLIS, settings.ackTimeoutMillis())
                    : settings.ackTimeoutMillis();
            String why = null;
            if (lane.retryAt != 0 && now >= lane.retryAt) {
                why = "no ingest was subscribed";
            } else if (lane.inFlight.values().stream()
                    .anyMatch(f -> f.overtakenAt != 0 && now - f.overtakenAt > OVERTAKEN_GRACE_MILLIS)) {
                why = "a later message was acknowledged before it";
            } else if (lane.inFlight.values().stream().anyMatch(f -> now - f.sentAt > timeout)) {
                why = "no acknowledgement within " + timeout + " ms";
            }
            if (why != null) {
                LOG.warn(
                        "sending {} again from the oldest unacknowledged ({} in flight): {}",
                        kind.segment(),
                        lane.inFlight.size(),
                        why);
                restart(kind);
                restarted = true;
            }
        }
        if (restarted) {
            pump();
        }
    }

    /** Something the status tells changed (a device seen for the first time): published now, not at the next tick. */
    public void statusChanged() {
        publishStatus();
    }

    private void publishStatus() {
        if (!connected) {
            return;
        }
        try {
            client.publish(topic(Kind.STATUS), codec.encode(status.get()), 1, true);
        } catch (MqttException e) {
            LOG.warn("cannot publish status: {}", e.getMessage());
        }
    }

    /** When the cloud last acknowledged anything, in epoch milliseconds; 0 for never. */
    public long lastAckAt() {
        return lastAckAt;
    }

    private String topic(Kind kind) {
        return HubTopic.of(hubId, kind).name();
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            context.runOnContext(v -> onConnected());
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            context.runOnContext(v -> onDisconnected(String.valueOf(response.getReasonString())));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            HubTopic parsed = HubTopic.parse(topic).orElse(null);
            if (parsed == null || !parsed.hubId().equals(hubId)) {
                LOG.warn("ignoring message on unexpected topic {}", topic);
                return;
            }
            try {
                if (parsed.kind() == Kind.ACK) {
                    Ack ack = codec.decode(message.getPayload(), Ack.class);
                    context.runOnContext(v -> onAck(ack));
                } else if (parsed.kind() == Kind.CONFIG) {
                    HubConfig config = codec.decode(message.getPayload(), HubConfig.class);
                    context.runOnContext(v -> onConfig(config));
                } else if (parsed.kind() == Kind.ALERT_SEEN) {
                    if (message.getPayload().length == 0) {
                        return; // a cleared retained message: nothing was seen
                    }
                    AlertSeen seen = codec.decode(message.getPayload(), AlertSeen.class);
                    context.runOnContext(v -> alertSeenListener.accept(seen));
                }
            } catch (InvalidMessageException e) {
                LOG.error(
                        "rejected {} message from the cloud: {}", parsed.kind().segment(), e.getMessage());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
