package io.nara.load.fleet;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Gives the simulated hubs their accounts at the broker, as the ingest does for a hub that enrols: the broker's
 * dynamic-security plugin lets a certificate it does not know do nothing. One request per hundred hubs, as
 * {@code nara-broker-admin}; the rights are those of {@code deploy/mosquitto/dynsec.sh} for a hub.
 */
final class BrokerGrants {

    private static final String CONTROL = "$CONTROL/dynamic-security/v1";
    private static final int PER_REQUEST = 100;

    private BrokerGrants() {}

    static void grant(String host, int port, KeyManagerFactory admin, TrustManagerFactory trust, List<String> hubIds)
            throws InterruptedException {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("nara-broker-admin")
                .serverHost(host)
                .serverPort(port)
                .sslConfig(MqttClientSslConfig.builder()
                        .keyManagerFactory(admin)
                        .trustManagerFactory(trust)
                        .build())
                .buildBlocking();
        client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes responses = client.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            client.subscribeWith()
                    .topicFilter(CONTROL + "/response")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            for (int from = 0; from < hubIds.size(); from += PER_REQUEST) {
                List<String> commands = new ArrayList<>();
                for (String hubId : hubIds.subList(from, Math.min(hubIds.size(), from + PER_REQUEST))) {
                    commands.add(createRole(hubId));
                    commands.add("{\"command\":\"createClient\",\"username\":\"" + hubId
                            + "\",\"roles\":[{\"rolename\":\"hub:" + hubId + "\"}]}");
                }
                client.publishWith()
                        .topic(CONTROL)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"commands\":[" + String.join(",", commands) + "]}")
                                .getBytes(StandardCharsets.UTF_8))
                        .send();
                Optional<Mqtt5Publish> answer =
                        responses.receive(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
                String text = answer.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                        .orElseThrow(() -> new IllegalStateException("the broker did not answer a grant in 30 s"));
                // A second run finds the accounts there: "already exists" is the only error accepted.
                if (text.replaceAll("\"error\":\"[^\"]*already exists\"", "").contains("\"error\"")) {
                    throw new IllegalStateException("the broker refused a grant: " + text);
                }
            }
        } finally {
            client.disconnect();
        }
    }

    private static String createRole(String hubId) {
        String base = "nara/v1/hub/" + hubId + "/";
        List<String> acls = new ArrayList<>();
        for (String kind : List.of("obs", "alert", "status")) {
            acls.add(acl("publishClientSend", base + kind));
        }
        for (String kind : List.of("ack", "config", "alertseen")) {
            acls.add(acl("subscribeLiteral", base + kind));
            acls.add(acl("publishClientReceive", base + kind));
        }
        return "{\"command\":\"createRole\",\"rolename\":\"hub:" + hubId + "\",\"acls\":[" + String.join(",", acls)
                + "]}";
    }

    private static String acl(String type, String topic) {
        return "{\"acltype\":\"" + type + "\",\"topic\":\"" + topic + "\",\"allow\":true}";
    }
}
