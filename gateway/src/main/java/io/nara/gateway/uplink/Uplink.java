package io.nara.gateway.uplink;

import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.mqtt.ActionListener;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.AlertMessage;
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
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
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
 * <p>At most {@code window} messages are unacknowledged at a time; alerts go before observations and are never
 * throttled; observations are sent at most {@code recordsPerSecond}, so a hub coming back after days offline does not
 * flood the broker (a backlog drains at that rate; live readings are a handful an hour). After a reconnect,
 * or when an acknowledgement is overdue, everything still in the outbox is sent again: the cloud's writes are
 * idempotent, so a duplicate costs bandwidth, never correctness. Paho's own persistence is off on purpose: the outbox
 * is the only durable queue.
 *
 * <p>All state is confined to the Vert.x context the uplink was started on; Paho's callbacks hop onto it.
 */
public final class Uplink {

    private static final Logger LOG = LoggerFactory.getLogger(Uplink.class);

    /**
     * Tuning; the defaults suit a home hub.
     *
     * @param batchSize        observations per message
     * @param window           unacknowledged messages at most
     * @param ackTimeoutMillis when an unacknowledged message is sent again
     * @param statusIntervalMillis how often the status message is refreshed
     * @param recordsPerSecond observations sent per second at most; 0 for no limit
     */
    public record Settings(int batchSize, int window, long ackTimeoutMillis, long statusIntervalMillis,
                           int recordsPerSecond) {
        public Settings {
            if (batchSize < 1 || batchSize > io.nara.protocol.Limits.MAX_OBSERVATIONS_PER_BATCH) {
                throw new IllegalArgumentException("batch size must be 1.." + io.nara.protocol.Limits.MAX_OBSERVATIONS_PER_BATCH);
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
    public record Progress(long pending, double recordsPerSecond, Long secondsToGo) {
    }

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
    private boolean connected;
    private boolean reading;
    private long observationCursor;
    private long alertCursor;
    /** Unacknowledged messages by their first seq, with the last seq and when they were sent. */
    private final Map<Long, InFlight> inFlight = new TreeMap<>();
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

    private record InFlight(long lastSeq, long sentAt) {
    }

    public Uplink(Vertx vertx, String hubId, BrokerConnection broker, Outbox outbox, WorkerExecutor outboxWorker,
                  HubConfigStore configStore, MessageCodec codec, Settings settings, Supplier<HubStatus> status) {
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
        timers.add(vertx.setPeriodic(Math.min(5_000, settings.ackTimeoutMillis()), id -> resendOverdue()));
        timers.add(vertx.setPeriodic(settings.statusIntervalMillis(), id -> publishStatus()));
        timers.add(vertx.setPeriodic(1_000, id -> measureProgress()));
        connect();
    }

    public boolean connected() {
        return connected;
    }

    /** Connections to the broker made since start. */
    public long connections() {
        return connections;
    }

    /** Called when new entries are in the outbox. */
    public void wake() {
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
        MqttMessage will = new MqttMessage(codec.encode(HubStatus.offline()), 1, true, new MqttProperties());
        try {
            // A clean session: after a broker restart a resumed session made Paho replay its own in-flight publishes
            // beside the outbox's re-send, and Mosquitto dropped the hub for a protocol error again and again. The
            // outbox is the one source of re-sends; an ack lost while disconnected only delays the next one, and the
            // config is retained, so nothing needs the broker to remember the hub.
            client.connect(broker.options(true, topic(Kind.STATUS), will), null, new ActionListener(
                    () -> LOG.info("connected to {} as {}", broker.serverUri(), hubId),
                    e -> {
                        // Paho reconnects by itself only after a connection it once had; the first one is ours.
                        long delay = Math.min(60_000, 1_000L << Math.min(6, connectAttempts++));
                        LOG.warn("cannot connect to {}: {}; retrying in {} ms", broker.serverUri(), e.getMessage(), delay);
                        context.runOnContext(v -> vertx.setTimer(delay, id -> connect()));
                    }));
        } catch (MqttException e) {
            LOG.warn("cannot start connecting to {}: {}", broker.serverUri(), e.getMessage());
            vertx.setTimer(5_000, id -> connect());
        }
    }

    private void onConnected() {
        connected = true;
        connections++;
        connectAttempts = 0;
        restartFromOutbox();
        try {
            client.subscribe(new String[] {topic(Kind.ACK), topic(Kind.CONFIG)}, new int[] {1, 1});
        } catch (MqttException e) {
            LOG.error("cannot subscribe to ack and config: {}", e.getMessage(), e);
        }
        publishStatus();
        pump();
    }

    private void onDisconnected(String reason) {
        if (connected) {
            LOG.warn("connection to {} lost: {}", broker.serverUri(), reason);
        }
        connected = false;
        inFlight.clear();
    }

    /** Forget what was sent; the next pump starts again from the oldest unacknowledged entry. */
    private void restartFromOutbox() {
        inFlight.clear();
        observationCursor = 0;
        alertCursor = 0;
    }

    private void pump() {
        if (!connected || reading || inFlight.size() >= settings.window()) {
            return;
        }
        reading = true;
        long alertsAfter = alertCursor;
        long observationsAfter = observationCursor;
        int free = settings.window() - inFlight.size();
        outboxWorker.executeBlocking(() -> new Pending(
                        outbox.pending(OutboxEntry.Kind.ALERT, alertsAfter, free),
                        outbox.pending(OutboxEntry.Kind.OBSERVATION, observationsAfter, settings.batchSize())))
                .onComplete(result -> {
                    reading = false;
                    if (result.failed()) {
                        LOG.error("cannot read outbox: {}", result.cause().getMessage(), result.cause());
                        return;
                    }
                    if (connected && publish(result.result())) {
                        pump();
                    }
                });
    }

    private record Pending(List<OutboxEntry> alerts, List<OutboxEntry> observations) {
    }

    /** Publishes what fits in the window; returns whether anything was sent. */
    private boolean publish(Pending pending) {
        boolean sent = false;
        for (OutboxEntry entry : pending.alerts()) {
            if (inFlight.size() >= settings.window()) {
                return sent;
            }
            OutboxEntry.AlertEntry alert = (OutboxEntry.AlertEntry) entry;
            if (!send(Kind.ALERT, codec.encode(AlertMessage.of(outbox.id(), alert.alert())), alert.seq(), alert.seq())) {
                return sent;
            }
            alertCursor = alert.seq();
            sent = true;
        }
        if (!pending.observations().isEmpty() && inFlight.size() < settings.window() && throttleAllows()) {
            List<Observation> observations = new ArrayList<>(pending.observations().size());
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
                LOG.info("outbox: {} records to send, {} acknowledged per second, {}", p.pending(),
                        Math.round(p.recordsPerSecond()), p.secondsToGo() == null ? "not draining"
                                : "about " + p.secondsToGo() + " s to go");
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
            client.publish(topic(kind), payload, 1, false, null, new ActionListener(() -> { },
                    e -> LOG.warn("publish of {} {}..{} failed: {}", kind.segment(), firstSeq, lastSeq, e.getMessage())));
            inFlight.put(firstSeq, new InFlight(lastSeq, System.currentTimeMillis()));
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
                LOG.error("cannot prune acknowledged entries {}: {}", ack.ranges(), result.cause().getMessage());
                return;
            }
            for (Iterator<Map.Entry<Long, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
                long first = it.next().getKey();
                if (ack.ranges().stream().anyMatch(r -> r.contains(first))) {
                    it.remove();
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
                LOG.error("cannot apply config version {}: {}", config.version(), result.cause().getMessage());
            } else if (result.result()) {
                LOG.info("adopted config version {} from the cloud", config.version());
                publishStatus();
            }
        });
    }

    private void resendOverdue() {
        long now = System.currentTimeMillis();
        boolean overdue = inFlight.values().stream().anyMatch(f -> now - f.sentAt() > settings.ackTimeoutMillis());
        if (connected && overdue) {
            LOG.warn("no acknowledgement for {} message(s) within {} ms; sending the outbox again", inFlight.size(),
                    settings.ackTimeoutMillis());
            restartFromOutbox();
            pump();
        }
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
                }
            } catch (InvalidMessageException e) {
                LOG.error("rejected {} message from the cloud: {}", parsed.kind().segment(), e.getMessage());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
