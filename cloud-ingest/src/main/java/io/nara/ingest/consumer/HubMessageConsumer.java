package io.nara.ingest.consumer;

import io.nara.mqtt.ActionListener;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.HubTopic;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BiFunction;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives hub messages through an MQTT 5 shared subscription ({@code $share/<group>/nara/v1/hub/+/...}), so several
 * ingest nodes split the load and each message reaches one of them.
 *
 * <p>Acknowledges each message to the broker (PUBACK) only after the handler's future completes, and asks the broker
 * for at most {@code receiveMaximum} unacknowledged messages: that is the ingest's back-pressure. The hub-level ack
 * that lets a hub prune its outbox is the handler's business, not this class's.
 *
 * <p>A node consumes through two {@link Lane}s, each a connection of its own with its own receive maximum: alerts,
 * and the bulk (observation batches and statuses). The broker makes a certificate's name the client id, so each
 * connection needs a certificate of its own; a node given only one consumes everything through one lane. In one connection an urgent alert waited behind up to
 * {@code receiveMaximum} batches of 500 observations each (a reconnect storm, an InfluxDB outage): the broker sends a
 * client nothing beyond its receive maximum, whatever the topic. An alert's ack leaves through its own lane's
 * connection too, so it never waits for a free in-flight slot behind the batches' acks either.
 *
 * <p>Publishes (the hubs' acks, their configs) never fail for the MQTT client's own limit: the broker allows a client
 * only so many unacknowledged publishes (its receive maximum, Mosquitto's default 20), fewer than the messages this node
 * handles at once. A publish that does not fit waits in order until an earlier one completes; the hub message whose
 * ack waits is not PUBACKed meanwhile, so the broker sends this node no more than it can answer: back-pressure on
 * consuming instead of an ack lost after the data was stored.
 *
 * <p>The broker's receive maximum is not trusted alone: Mosquitto 2.0 was seen sending an ingest node every hub's
 * retained status at subscribe and over a thousand unacknowledged batches past its receive maximum of 32 in a 10 000-hub
 * reconnect storm, until the node ran out of heap. What arrives past {@link IncomingWindow} is acknowledged to the
 * broker unhandled and logged; the hub, which has no ack, sends it again.
 */
public final class HubMessageConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(HubMessageConsumer.class);

    /**
     * What one connection consumes, and how many unacknowledged messages the broker may send it.
     *
     * @param clientSuffix appended to the node id for this lane's MQTT client id ("" for none); the broker replaces
     *                     it with the certificate's name, but the id names the lane in the client's own logs
     */
    public record Lane(String name, String clientSuffix, List<HubTopic.Kind> kinds, int receiveMaximum) {

        public Lane {
            if (kinds.isEmpty() || receiveMaximum < 1) {
                throw new IllegalArgumentException("a lane consumes at least one kind, at least one message at a time");
            }
            kinds = List.copyOf(kinds);
        }

        /** Alerts: one small PostgreSQL transaction each, never behind a batch. */
        public static Lane alerts(int receiveMaximum) {
            return new Lane("alerts", "-alerts", List.of(HubTopic.Kind.ALERT), receiveMaximum);
        }

        /** Everything on one connection, for a node without a certificate for an alert connection. */
        public static Lane all(int receiveMaximum) {
            return new Lane(
                    "one", "", List.of(HubTopic.Kind.OBS, HubTopic.Kind.ALERT, HubTopic.Kind.STATUS), receiveMaximum);
        }

        /** Observation batches and hub statuses: the volume. */
        public static Lane bulk(int receiveMaximum) {
            return new Lane("bulk", "", List.of(HubTopic.Kind.OBS, HubTopic.Kind.STATUS), receiveMaximum);
        }
    }

    private final Vertx vertx;
    private final BrokerConnection broker;
    private final String clientId;
    private final String shareGroup;
    private final Lane lane;
    private final BiFunction<String, byte[], Future<?>> handler;
    private Context context;
    /** The client of the current connection attempt; a new one for each (see {@link #connect}). */
    private volatile MqttAsyncClient client;

    private volatile boolean stopped;
    private volatile boolean subscribed;
    private long connectAttempts;
    private MqttConnectionOptions options;
    /** What this lane handles at once; what the broker sends past it is left to the hubs to send again. */
    private final IncomingWindow window;
    /** Publishes waiting for a free in-flight slot, oldest first; only touched on {@link #context}. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    /**
     * @param nodeId  the node's id; the lane's client id is this plus the lane's suffix
     * @param handler handles (topic, payload) on the Vert.x context; the message is PUBACKed when it completes
     */
    public HubMessageConsumer(
            Vertx vertx,
            BrokerConnection broker,
            String nodeId,
            String shareGroup,
            Lane lane,
            BiFunction<String, byte[], Future<?>> handler) {
        this.vertx = vertx;
        this.broker = broker;
        this.clientId = nodeId + lane.clientSuffix();
        this.shareGroup = shareGroup;
        this.lane = lane;
        this.handler = handler;
        this.window = new IncomingWindow(IncomingWindow.BOUND_PER_RECEIVE_MAXIMUM * lane.receiveMaximum());
    }

    /**
     * Starts on a thread of its own instead of the caller's event loop, for the alert lane: an alert then never waits
     * in an event loop's queue behind the batches' handling (a freshly started node in a reconnect storm held alerts
     * there for one to two seconds). A worker verticle with a pool of one thread keeps the lane's one-thread order.
     *
     * @return completes once started (connecting goes on in the background, as with {@link #start()})
     */
    public Future<Void> startOnThreadOfItsOwn() {
        return vertx.deployVerticle(
                        new VerticleBase() {
                            @Override
                            public Future<?> start() {
                                HubMessageConsumer.this.start();
                                return Future.succeededFuture();
                            }
                        },
                        new DeploymentOptions()
                                .setThreadingModel(ThreadingModel.WORKER)
                                .setWorkerPoolName("nara-mqtt-" + clientId)
                                .setWorkerPoolSize(1))
                .mapEmpty();
    }

    /** Starts on the caller's context. */
    public void start() {
        context = vertx.getOrCreateContext();
        // Loading the key store (PKCS12 key derivation) takes a while: once, on a worker, not on the event loop at
        // every attempt. A clean session: a node that dies takes no queue with it; whatever it had not acknowledged,
        // the hub sends again when its ack does not come.
        vertx.executeBlocking(() -> {
                    MqttConnectionOptions built = broker.options(true, null, null);
                    built.setReceiveMaximum(lane.receiveMaximum());
                    // This class reconnects, each time with a new client (see connect).
                    built.setAutomaticReconnect(false);
                    return built;
                })
                .onSuccess(built -> {
                    options = built;
                    connect();
                })
                .onFailure(e -> LOG.error(
                        "cannot load the ingest's TLS identity for {}: {}", broker.serverUri(), e.getMessage(), e));
    }

    /** Connected and subscribed. */
    public boolean ready() {
        MqttAsyncClient current = client;
        return subscribed && current != null && current.isConnected();
    }

    /** Publishes with QoS 1; completes when the broker has it. */
    public Future<Void> publish(String topic, byte[] payload) {
        return publish(topic, payload, false);
    }

    /** Publishes with QoS 1, retained or not (a hub's config is retained); completes when the broker has it. */
    public Future<Void> publish(String topic, byte[] payload, boolean retained) {
        Promise<Void> promise = Promise.promise();
        context.runOnContext(v -> {
            Runnable attempt = () -> tryPublish(topic, payload, retained, promise);
            if (waiting.isEmpty()) {
                attempt.run();
            } else {
                waiting.add(attempt);
            }
        });
        return promise.future();
    }

    /** Publishes now, or queues the attempt again if the client has no free in-flight slot; on the context. */
    private void tryPublish(String topic, byte[] payload, boolean retained, Promise<Void> promise) {
        try {
            // Paho calls back on its own thread; complete on ours so callers' continuations stay on the context.
            client.publish(
                    topic,
                    payload,
                    1,
                    retained,
                    null,
                    new ActionListener(
                            () -> context.runOnContext(v -> {
                                promise.tryComplete();
                                publishWaiting();
                            }),
                            e -> context.runOnContext(v -> {
                                promise.tryFail(new IllegalStateException(
                                        "the broker did not take the publish on " + topic + ": " + e.getMessage(), e));
                                publishWaiting();
                            })));
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                waiting.addFirst(() -> tryPublish(topic, payload, retained, promise));
                // Normally an earlier publish completing wakes the queue; this covers a slot freed otherwise.
                vertx.setTimer(100, id -> publishWaiting());
            } else {
                promise.tryFail(new IllegalStateException("cannot publish on " + topic + ": " + e.getMessage(), e));
            }
        }
    }

    /** Gives waiting publishes the slots that are free now, in order; on the context. */
    private void publishWaiting() {
        int before;
        do {
            before = waiting.size();
            Runnable next = waiting.poll();
            if (next == null) {
                return;
            }
            next.run();
        } while (waiting.size() < before);
    }

    public Future<Void> stop() {
        stopped = true;
        MqttAsyncClient current = client;
        return vertx.executeBlocking(() -> {
            if (current != null) {
                if (current.isConnected()) {
                    current.disconnect().waitForCompletion(2_000);
                }
                current.close(true);
            }
            return null;
        });
    }

    /**
     * Connects with a client of its own, on the context. A new client for every attempt, not Paho's automatic
     * reconnect: Paho 1.2.5 reusing a client after a lost connection can start the new connection while the old
     * connection's sender thread is still stopping, and then never starts a sender. The TLS connection stands, no
     * CONNECT is sent, and the lane consumed nothing for a minute after a broker restart (BrokerRestartIT, a thread
     * dump: "MQTT Con" sleeping in {@code CommsSender.start}). A clean session: a node that dies takes no queue with
     * it; whatever it had not acknowledged, the hub sends again when its ack does not come.
     */
    private void connect() {
        if (stopped) {
            return;
        }
        MqttAsyncClient previous = client;
        MqttAsyncClient fresh;
        try {
            fresh = new MqttAsyncClient(broker.serverUri().toString(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException("cannot create MQTT client for " + broker.serverUri(), e);
        }
        fresh.setManualAcks(true);
        fresh.setCallback(new Callback(fresh));
        client = fresh;
        if (previous != null) {
            vertx.executeBlocking(() -> closeForcibly(previous));
        }
        try {
            fresh.connect(
                    options,
                    null,
                    new ActionListener(
                            () -> LOG.info("ingest {} connected to {}", clientId, broker.serverUri()),
                            e -> context.runOnContext(v -> reconnectLater(e.getMessage()))));
        } catch (MqttException e) {
            reconnectLater(e.getMessage());
        }
    }

    /**
     * Connects again after a pause that grows with each failed attempt, 0.5, 1, then 2 s: a lane, the alerts' above
     * all, is back within 2 s of the broker (a 30 s cap left a node idle for 16 s after a broker restart).
     */
    private void reconnectLater(String why) {
        long delay = Math.min(2_000, 500L << Math.min(2, connectAttempts++));
        LOG.warn(
                "ingest {}: no connection to {} ({}); connecting again in {} ms",
                clientId,
                broker.serverUri(),
                why,
                delay);
        vertx.setTimer(delay, id -> connect());
    }

    /** Ends a client that is no longer this lane's; blocking. */
    private Void closeForcibly(MqttAsyncClient old) {
        try {
            old.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            LOG.debug("ingest {}: the old client was not connected ({})", clientId, e.getMessage());
        }
        try {
            old.close(true);
        } catch (MqttException e) {
            LOG.debug("ingest {}: closing the old client: {}", clientId, e.getMessage());
        }
        return null;
    }

    private void subscribe() {
        MqttSubscription[] subscriptions = lane.kinds().stream()
                .map(kind -> new MqttSubscription("$share/" + shareGroup + "/" + HubTopic.filterForAllHubs(kind), 1))
                .toArray(MqttSubscription[]::new);
        try {
            client.subscribe(
                    subscriptions,
                    null,
                    new ActionListener(
                            () -> {
                                subscribed = true;
                                LOG.info(
                                        "ingest {} subscribed to its {} lane as share group '{}'",
                                        clientId,
                                        lane.name(),
                                        shareGroup);
                            },
                            e -> LOG.error("subscription failed: {}", e.getMessage())),
                    new MqttProperties());
        } catch (MqttException e) {
            LOG.error("cannot subscribe: {}", e.getMessage(), e);
        }
    }

    /**
     * PUBACKs a message through the client it came with. One from an earlier connection is not: the broker forgot it
     * with that clean session, and its id may name another message on this one.
     */
    private void complete(MqttAsyncClient from, MqttMessage message) {
        if (from != client) {
            return;
        }
        try {
            from.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            // The connection is gone; the broker forgets the message with the clean session, the hub re-sends.
            LOG.warn("cannot acknowledge message {} to the broker: {}", message.getId(), e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {

        /** The client this callback belongs to; events of a client that is no longer the lane's are ignored. */
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            context.runOnContext(v -> {
                if (owner == client) {
                    connectAttempts = 0;
                    subscribe();
                }
            });
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            context.runOnContext(v -> {
                if (owner != client || stopped) {
                    return;
                }
                subscribed = false;
                LOG.warn("ingest {} lost the broker: {}", clientId, response.getReasonString());
                reconnectLater("lost");
            });
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (!window.admit()) {
                // Not handled, so not acknowledged to the hub: it sends the message again after its ack timeout.
                // PUBACKed all the same, so the broker's own count of what this client holds comes down.
                if (window.warnNow(System.nanoTime())) {
                    LOG.warn(
                            "ingest {}: the broker sent more than {} unacknowledged messages (its receive maximum is"
                                    + " {}); {} on {} and {} in all were not handled: their hubs send batches and"
                                    + " alerts again, and a status is replaced by the hub's next",
                            clientId,
                            window.bound(),
                            lane.receiveMaximum(),
                            message.getId(),
                            topic,
                            window.refused());
                }
                complete(owner, message);
                return;
            }
            byte[] payload = message.getPayload();
            context.runOnContext(v -> {
                Future<?> handled;
                try {
                    handled = handler.apply(topic, payload);
                } catch (RuntimeException e) {
                    handled = Future.failedFuture(e);
                }
                handled.onComplete(r -> {
                    window.done();
                    complete(owner, message);
                });
            });
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
