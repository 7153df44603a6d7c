package io.nara.systemtest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A plain MQTT 5 client with one of the dev certificates, recording everything it receives. */
class TestMqttClient implements AutoCloseable {

    /** A received message. */
    record Received(String topic, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final int TIMEOUT_MILLIS = 10_000;

    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger disconnects = new AtomicInteger();

    /** Connects as {@code identity} (whose CN is the user name) with a client id of its own. */
    TestMqttClient(DevStack stack, String identity, String clientId) throws MqttException {
        client = new MqttAsyncClient(stack.get("NARA_MQTT_URL"), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnects.incrementAndGet();
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message.getPayload()));
                onMessage(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        client.connect(stack.broker(identity).options(true, null, null)).waitForCompletion(TIMEOUT_MILLIS);
    }

    /** Called on Paho's thread for every message; for tests that need more than the list of what arrived. */
    void onMessage(String topic, byte[] payload) {}

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(TIMEOUT_MILLIS);
    }

    /** Subscribes and returns the broker's SUBACK reason code: the granted QoS, or 0x87 when not authorized. */
    int subscribeResult(String filter) throws MqttException {
        IMqttToken token = client.subscribe(filter, 1);
        token.waitForCompletion(TIMEOUT_MILLIS);
        return token.getReasonCodes()[0];
    }

    /** How often the broker closed this client's connection (a session taken over, for one). */
    int disconnects() {
        return disconnects.get();
    }

    boolean isConnected() {
        return client.isConnected();
    }

    void publish(String topic, byte[] payload) throws MqttException {
        publish(topic, payload, false);
    }

    /** Publishes retained (an empty payload clears the topic's retained message). */
    void publishRetained(String topic, byte[] payload) throws MqttException {
        publish(topic, payload, true);
    }

    /**
     * Publishes at QoS 1 and waits for the broker's PUBACK. Paho's count of publishes in flight can lag behind the
     * PUBACKs it has reported (seen once in CI: "Too many publishes in progress" in a loop of publishes that each
     * waited for theirs), so a publish Paho refuses for that reason is sent again every millisecond, within the usual
     * timeout.
     */
    private void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (true) {
            try {
                client.publish(topic, payload, 1, retained).waitForCompletion(TIMEOUT_MILLIS);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(1); // the poll interval of the retry, not a wait for luck: the deadline bounds it
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(TIMEOUT_MILLIS);
        }
        client.close();
    }
}
