package io.nara.mqtt;

import java.net.URI;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Where and as whom to connect to the broker, and the Paho options that every Nära client shares.
 *
 * @param serverUri  {@code ssl://host:port}; plain {@code tcp://} is refused, patient data never travels in clear text
 * @param identity   the client certificate
 */
public record BrokerConnection(URI serverUri, TlsIdentity identity) {

    public BrokerConnection {
        if (serverUri == null || !"ssl".equals(serverUri.getScheme())) {
            throw new IllegalArgumentException("broker URI must be ssl://host:port, was " + serverUri);
        }
        if (identity == null) {
            throw new IllegalArgumentException("a client certificate is required");
        }
    }

    /**
     * Options with TLS, MQTT 5 and automatic reconnect. Reconnect backoff starts at one second and is capped at two:
     * an urgent alert must reach the nurse within seconds of the broker coming back, and a refused TCP connection to a
     * broker that is down costs it nothing (the TLS handshake happens only once it listens again).
     *
     * @param cleanStart whether the broker should forget this client's session (subscriptions and queued messages)
     * @param will       the last will, or null
     * @param willTopic  topic of the last will, or null
     */
    public MqttConnectionOptions options(boolean cleanStart, String willTopic, MqttMessage will) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(new String[] {serverUri.toString()});
        // TCP_NODELAY: without it a small message (an alert, an ack) waits out the peer's delayed ACK.
        options.setSocketFactory(new NoDelaySocketFactory(identity.sslContext().getSocketFactory()));
        options.setHttpsHostnameVerificationEnabled(true);
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(cleanStart ? 0L : 7L * 24 * 3600);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (will != null) {
            options.setWill(willTopic, will);
        }
        return options;
    }
}
