package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker's side of the security promise, checked with the real mosquitto clients: no certificate, no connection;
 * a hub writes only its own topics and reads only its own acks.
 */
class BrokerSecurityIT {

    private static final String HUB = "hub-it-sec-1";
    private static final String OTHER_HUB = "hub-it-sec-2";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static DevStack stack;

    @BeforeAll
    static void start() {
        stack = DevStack.ensureUp();
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                stack.get("NARA_MQTT_PORT"), "--cafile", stack.pkiDir().resolve("ca.crt").toString(),
                "-V", "mqttv5", "-q", "1", "-i", "no-certificate", "-t", HubTopic.of(HUB, Kind.OBS).name(), "-m", "{}"));
        DevStack.Result result = DevStack.run(stack.repoRoot(), command, 30);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void aHubCannotPublishOnAnotherHubsTopic() throws Exception {
        try (TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-observer")) {
            ingest.subscribe(HubTopic.filterForAllHubs(Kind.OBS));

            DevStack.Result forged = publishAs(OTHER_HUB, HubTopic.of(HUB, Kind.OBS).name(), "forged");
            assertThat(forged.output()).contains("Not authorized");
            DevStack.Result own = publishAs(OTHER_HUB, HubTopic.of(OTHER_HUB, Kind.OBS).name(), "sentinel");
            assertThat(own.exitCode()).as(own.output()).isZero();
            assertThat(own.output()).doesNotContain("Not authorized");

            // The broker handles one publisher's messages in order, so once the later one arrived the forged one
            // would have too.
            await().atMost(DEADLINE).until(() -> texts(ingest).contains("sentinel"));
            assertThat(texts(ingest)).doesNotContain("forged");
            assertThat(ingest.received()).extracting(TestMqttClient.Received::topic)
                    .containsOnly(HubTopic.of(OTHER_HUB, Kind.OBS).name());
        }
    }

    @Test
    void aHubReceivesOnlyItsOwnAcks() throws Exception {
        try (TestMqttClient eavesdropper = new TestMqttClient(stack, OTHER_HUB, "it-sec-eavesdropper");
             TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-acker")) {
            // Mosquitto grants the subscription and filters at delivery, so what counts is what arrives.
            eavesdropper.subscribe("nara/v1/hub/+/ack");
            ingest.publish(HubTopic.of(HUB, Kind.ACK).name(), "for-another-hub".getBytes(StandardCharsets.UTF_8));
            ingest.publish(HubTopic.of(OTHER_HUB, Kind.ACK).name(), "own".getBytes(StandardCharsets.UTF_8));
            await().atMost(DEADLINE).until(() -> texts(eavesdropper).contains("own"));
            assertThat(texts(eavesdropper)).containsExactly("own");
        }
    }

    @Test
    void aHubCannotPublishAcksOrConfig() throws Exception {
        assertThat(publishAs(HUB, HubTopic.of(HUB, Kind.ACK).name(), "{}").output()).contains("Not authorized");
        assertThat(publishAs(HUB, HubTopic.of(HUB, Kind.CONFIG).name(), "{}").output()).contains("Not authorized");
    }

    private static DevStack.Result publishAs(String identity, String topic, String message) {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                stack.get("NARA_MQTT_PORT"), "-V", "mqttv5", "-q", "1", "-i", identity + "-cli", "-t", topic,
                "-m", message));
        command.addAll(stack.mosquittoTlsArgs(identity));
        return DevStack.run(stack.repoRoot(), command, 30);
    }

    private static List<String> texts(TestMqttClient client) {
        return client.received().stream().map(TestMqttClient.Received::text).toList();
    }
}
