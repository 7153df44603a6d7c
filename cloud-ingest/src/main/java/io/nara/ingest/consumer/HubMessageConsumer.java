package io.nara.ingest.consumer;

import io.nara.mqtt.ActionListener;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.HubTopic;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
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
 * <p>Publishes (the hubs' acks, their configs) never fail for the MQTT client's own limit: the broker allows a client
 * only so many unacknowledged publishes (its receive maximum, Mosquitto's default 20), fewer than the messages this node
 * handles at once. A publish that does not fit waits in order until an earlier one completes; the hub message whose
 * ack waits is not PUBACKed meanwhile, so the broker sends this node no more than it can answer: back-pressure on
 * consuming instead of an ack lost after the data was stored.
 */
public final class HubMessageConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(HubMessageConsumer.class);
    private static final HubTopic.Kind[] CONSUMED = {HubTopic.Kind.OBS, HubTopic.Kind.ALERT, HubTopic.Kind.STATUS};

    private final Vertx vertx;
    private final BrokerConnection broker;
    private final String clientId;
    private final String shareGroup;
    private final int receiveMaximum;
    private final BiFunction<String, byte[], Future<?>> handler;
    private Context context;
    private MqttAsyncClient client;
    private volatile boolean subscribed;
    private long connectAttempts;
    private MqttConnectionOptions options;
    /** Publishes waiting for a free in-flight slot, oldest first; only touched on {@link #context}. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    /** @param handler handles (topic, payload) on the Vert.x context; the message is PUBACKed when it completes */
    public HubMessageConsumer(
            Vertx vertx,
            BrokerConnection broker,
            String clientId,
            String shareGroup,
            int receiveMaximum,
            BiFunction<String, byte[], Future<?>> handler) {
        this.vertx = vertx;
        this.broker = broker;
        this.clientId = clientId;
        this.shareGroup = shareGroup;
        this.receiveMaximum = receiveMaximum;
        this.handler = handler;
    }

    public void start() {
        context = vertx.getOrCreateContext();
        try {
            client = new MqttAsyncClient(broker.serverUri().toString(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException("cannot create MQTT client for " + broker.serverUri(), e);
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
        // Loading the key store (PKCS12 key derivation) takes a while: once, on a worker, not on the event loop at
        // every attempt. A clean session: a node that dies takes no queue with it; whatever it had not acknowledged,
        // the hub sends again when its ack does not come.
        vertx.executeBlocking(() -> {
                    MqttConnectionOptions built = broker.options(true, null, null);
                    built.setReceiveMaximum(receiveMaximum);
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
        return subscribed && client.isConnected();
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
        return vertx.executeBlocking(() -> {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
            client.close(true);
            return null;
        });
    }

    private void connect() {
        // A clean session: a node that dies takes no queue with it; whatever it had not acknowledged, the hub sends
        // again when its ack does not come.
        try {
            client.connect(
                    options,
                    null,
                    new ActionListener(() -> LOG.info("ingest {} connected to {}", clientId, broker.serverUri()), e -> {
                        long delay = Math.min(30_000, 500L << Math.min(6, connectAttempts++));
                        LOG.warn(
                                "cannot connect to {}: {}; retrying in {} ms",
                                broker.serverUri(),
                                e.getMessage(),
                                delay);
                        context.runOnContext(v -> vertx.setTimer(delay, id -> connect()));
                    }));
        } catch (MqttException e) {
            LOG.warn("cannot start connecting to {}: {}", broker.serverUri(), e.getMessage());
            vertx.setTimer(5_000, id -> connect());
        }
    }

    private void subscribe() {
        MqttSubscription[] subscriptions = new MqttSubscription[CONSUMED.length];
        for (int i = 0; i < CONSUMED.length; i++) {
            subscriptions[i] =
                    new MqttSubscription("$share/" + shareGroup + "/" + HubTopic.filterForAllHubs(CONSUMED[i]), 1);
        }
        try {
            client.subscribe(
                    subscriptions,
                    null,
                    new ActionListener(
                            () -> {
                                subscribed = true;
                                LOG.info("ingest {} subscribed as share group '{}'", clientId, shareGroup);
                            },
                            e -> LOG.error("subscription failed: {}", e.getMessage())),
                    new MqttProperties());
        } catch (MqttException e) {
            LOG.error("cannot subscribe: {}", e.getMessage(), e);
        }
    }

    private void complete(MqttMessage message) {
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            // The connection is gone; the broker forgets the message with the clean session, the hub re-sends.
            LOG.warn("cannot acknowledge message {} to the broker: {}", message.getId(), e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            connectAttempts = 0;
            subscribe();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            subscribed = false;
            LOG.warn("ingest {} lost the broker: {}", clientId, response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            context.runOnContext(v -> {
                Future<?> handled;
                try {
                    handled = handler.apply(topic, payload);
                } catch (RuntimeException e) {
                    handled = Future.failedFuture(e);
                }
                handled.onComplete(r -> complete(message));
            });
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
