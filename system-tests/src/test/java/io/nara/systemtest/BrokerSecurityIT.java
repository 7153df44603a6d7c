package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker's side of the security promise, checked with the real mosquitto clients: no certificate, no connection;
 * a hub writes only its own topics and reads only its own acks; a subscription outside a client's rights is refused
 * when it is made (only an ingest node joins the shared subscription); a client id is its certificate's name.
 */
class BrokerSecurityIT {

    private static final String HUB = "hub-it-sec-1";
    private static final String OTHER_HUB = "hub-it-sec-2";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** MQTT 5 reason code "not authorized" in a SUBACK. */
    private static final int NOT_AUTHORIZED = 0x87;

    private static DevStack stack;

    @BeforeAll
    static void start() {
        stack = DevStack.ensureUp();
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        List<String> command = new ArrayList<>(List.of(
                "mosquitto_pub",
                "-h",
                "127.0.0.1",
                "-p",
                stack.get("NARA_MQTT_PORT"),
                "--cafile",
                stack.pkiDir().resolve("ca.crt").toString(),
                "-V",
                "mqttv5",
                "-q",
                "1",
                "-i",
                "no-certificate",
                "-t",
                HubTopic.of(HUB, Kind.OBS).name(),
                "-m",
                "{}"));
        DevStack.Result result = DevStack.run(stack.repoRoot(), command, 30);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void aHubCannotPublishOnAnotherHubsTopic() throws Exception {
        try (TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-observer")) {
            ingest.subscribe(HubTopic.filterForAllHubs(Kind.OBS));

            DevStack.Result forged =
                    publishAs(OTHER_HUB, HubTopic.of(HUB, Kind.OBS).name(), "forged");
            assertThat(forged.output()).contains("Not authorized");
            DevStack.Result own =
                    publishAs(OTHER_HUB, HubTopic.of(OTHER_HUB, Kind.OBS).name(), "sentinel");
            assertThat(own.exitCode()).as(own.output()).isZero();
            assertThat(own.output()).doesNotContain("Not authorized");

            // The broker handles one publisher's messages in order, so once the later one arrived the forged one
            // would have too.
            await().atMost(DEADLINE).until(() -> texts(ingest).contains("sentinel"));
            assertThat(texts(ingest)).doesNotContain("forged");
            assertThat(ingest.received())
                    .extracting(TestMqttClient.Received::topic)
                    .containsOnly(HubTopic.of(OTHER_HUB, Kind.OBS).name());
        }
    }

    @Test
    void aHubReceivesOnlyItsOwnAcks() throws Exception {
        try (TestMqttClient eavesdropper = new TestMqttClient(stack, OTHER_HUB, "it-sec-eavesdropper");
                TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-acker")) {
            // Refused at subscribe time (SUBACK 0x87), not granted and then filtered at delivery.
            assertThat(eavesdropper.subscribeResult("nara/v1/hub/+/ack")).isEqualTo(NOT_AUTHORIZED);
            assertThat(eavesdropper.subscribeResult(
                            HubTopic.of(OTHER_HUB, Kind.ACK).name()))
                    .isEqualTo(1);
            ingest.publish(HubTopic.of(HUB, Kind.ACK).name(), "for-another-hub".getBytes(StandardCharsets.UTF_8));
            ingest.publish(HubTopic.of(OTHER_HUB, Kind.ACK).name(), "own".getBytes(StandardCharsets.UTF_8));
            await().atMost(DEADLINE).until(() -> texts(eavesdropper).contains("own"));
            assertThat(texts(eavesdropper)).containsExactly("own");
        }
    }

    @Test
    void aHubCannotJoinTheIngestsSharedSubscriptionNorSubscribeOutsideItsRights() {
        // The shared subscription: a hub in the ingest's group would take half of all hubs' messages and drop them.
        for (String filter : List.of(
                "$share/ingest/" + HubTopic.filterForAllHubs(Kind.OBS),
                "$share/ingest/" + HubTopic.filterForAllHubs(Kind.ALERT),
                "#",
                "$SYS/#",
                "nara/v1/hub/#",
                HubTopic.of(HUB, Kind.CONFIG).name(),
                HubTopic.of(HUB, Kind.ALERT_SEEN).name(),
                HubTopic.filterForAllHubs(Kind.ALERT_SEEN),
                HubTopic.of(OTHER_HUB, Kind.OBS).name())) {
            assertThat(subscribeAs(OTHER_HUB, filter)).as(filter).isEqualTo(NOT_AUTHORIZED);
        }
        // Its own acks and configuration it may read.
        assertThat(subscribeAs(OTHER_HUB, HubTopic.of(OTHER_HUB, Kind.ACK).name()))
                .isEqualTo(1);
        assertThat(subscribeAs(OTHER_HUB, HubTopic.of(OTHER_HUB, Kind.CONFIG).name()))
                .isEqualTo(1);
        assertThat(subscribeAs(
                        OTHER_HUB, HubTopic.of(OTHER_HUB, Kind.ALERT_SEEN).name()))
                .isEqualTo(1);
    }

    @Test
    void aHubLearnsOnlyThatItsOwnPatientsAlertWasSeenAndEvenAfterBeingAway() throws Exception {
        // Retained: published while the hub is away, it reaches the hub when it subscribes again.
        try (TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-seen-publisher")) {
            ingest.publishRetained(
                    HubTopic.of(OTHER_HUB, Kind.ALERT_SEEN).name(), "seen-own".getBytes(StandardCharsets.UTF_8));
            ingest.publishRetained(
                    HubTopic.of(HUB, Kind.ALERT_SEEN).name(), "seen-other".getBytes(StandardCharsets.UTF_8));
        }
        try (TestMqttClient hub = new TestMqttClient(stack, OTHER_HUB, "it-sec-seen-hub")) {
            assertThat(hub.subscribeResult(HubTopic.filterForAllHubs(Kind.ALERT_SEEN)))
                    .isEqualTo(NOT_AUTHORIZED);
            assertThat(hub.subscribeResult(HubTopic.of(HUB, Kind.ALERT_SEEN).name()))
                    .isEqualTo(NOT_AUTHORIZED);
            assertThat(hub.subscribeResult(
                            HubTopic.of(OTHER_HUB, Kind.ALERT_SEEN).name()))
                    .isEqualTo(1);
            await().atMost(DEADLINE).until(() -> texts(hub).contains("seen-own"));
            assertThat(texts(hub)).containsExactly("seen-own");
        } finally {
            try (TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-seen-cleaner")) {
                ingest.publishRetained(HubTopic.of(OTHER_HUB, Kind.ALERT_SEEN).name(), new byte[0]);
                ingest.publishRetained(HubTopic.of(HUB, Kind.ALERT_SEEN).name(), new byte[0]);
            }
        }
    }

    @Test
    void onlyAnIngestNodeJoinsTheSharedSubscription() {
        assertThat(subscribeAs("nara-ingest", "$share/ingest/" + HubTopic.filterForAllHubs(Kind.OBS)))
                .isEqualTo(1);
        assertThat(subscribeAs("nara-ingest", "#")).isEqualTo(NOT_AUTHORIZED);
        assertThat(subscribeAs("nara-ingest", "$CONTROL/dynamic-security/v1/response"))
                .isEqualTo(NOT_AUTHORIZED);
    }

    @Test
    void aCertificateCannotTakeOverAnotherClientsSession() throws Exception {
        try (TestMqttClient victim = new TestMqttClient(stack, HUB, HUB)) {
            assertThat(victim.subscribeResult(HubTopic.of(HUB, Kind.ACK).name()))
                    .isEqualTo(1);
            // Another hub's certificate asks for the victim's client id; the broker gives it its own instead.
            List<String> command = new ArrayList<>(List.of(
                    "mosquitto_sub",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    stack.get("NARA_MQTT_PORT"),
                    "-V",
                    "mqttv5",
                    "-i",
                    HUB,
                    "-t",
                    HubTopic.of(OTHER_HUB, Kind.ACK).name(),
                    "-W",
                    "2",
                    "-d"));
            command.addAll(stack.mosquittoTlsArgs(OTHER_HUB));
            DevStack.Result taker = DevStack.run(stack.repoRoot(), command, 30);
            assertThat(taker.output()).contains("Subscribed (mid: 1): 0");
            // And the ingest's acks still reach the victim on the connection it had all along.
            try (TestMqttClient ingest = new TestMqttClient(stack, "nara-ingest", "it-sec-takeover-acker")) {
                ingest.publish(HubTopic.of(HUB, Kind.ACK).name(), "still-mine".getBytes(StandardCharsets.UTF_8));
                await().atMost(DEADLINE).until(() -> texts(victim).contains("still-mine"));
            }
            assertThat(victim.disconnects()).isZero();
        }
    }

    @Test
    void theBrokerRefusesAPacketLargerThanTheProtocolAllows() throws Exception {
        Path big = Files.createTempFile("nara-big", ".bin");
        try {
            Files.write(big, new byte[300 * 1024]);
            // MQTT 3.1.1: the client does not learn the limit from CONNACK, so the broker itself must refuse it.
            List<String> command = new ArrayList<>(List.of(
                    "mosquitto_pub",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    stack.get("NARA_MQTT_PORT"),
                    "-V",
                    "mqttv311",
                    "-q",
                    "1",
                    "-t",
                    HubTopic.of(HUB, Kind.OBS).name(),
                    "-f",
                    big.toString()));
            command.addAll(stack.mosquittoTlsArgs(HUB));
            DevStack.Result result = DevStack.run(stack.repoRoot(), command, 30);
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            // Which of the two the client prints depends on whether the broker's close overtakes its own write.
            assertThat(result.output()).containsAnyOf("connection was lost", "Protocol error");
        } finally {
            Files.deleteIfExists(big);
        }
    }

    @Test
    void aHubCannotPublishAcksOrConfig() throws Exception {
        assertThat(publishAs(HUB, HubTopic.of(HUB, Kind.ACK).name(), "{}").output())
                .contains("Not authorized");
        assertThat(publishAs(HUB, HubTopic.of(HUB, Kind.CONFIG).name(), "{}").output())
                .contains("Not authorized");
        // Nor tell itself (or its patient) that a nurse saw an alert.
        assertThat(publishAs(HUB, HubTopic.of(HUB, Kind.ALERT_SEEN).name(), "{}")
                        .output())
                .contains("Not authorized");
    }

    /** Subscribes with mosquitto_sub as {@code identity}; the SUBACK's reason code (granted QoS or 0x87). */
    private static int subscribeAs(String identity, String filter) {
        List<String> command = new ArrayList<>(List.of(
                "mosquitto_sub",
                "-h",
                "127.0.0.1",
                "-p",
                stack.get("NARA_MQTT_PORT"),
                "-V",
                "mqttv5",
                "-q",
                "1",
                "-t",
                filter,
                "-W",
                "1",
                "-d"));
        command.addAll(stack.mosquittoTlsArgs(identity));
        DevStack.Result result = DevStack.run(stack.repoRoot(), command, 30);
        Matcher granted = Pattern.compile("Subscribed \\(mid: \\d+\\): (\\d+)").matcher(result.output());
        assertThat(granted.find()).as(result.output()).isTrue();
        return Integer.parseInt(granted.group(1));
    }

    private static DevStack.Result publishAs(String identity, String topic, String message) {
        List<String> command = new ArrayList<>(List.of(
                "mosquitto_pub",
                "-h",
                "127.0.0.1",
                "-p",
                stack.get("NARA_MQTT_PORT"),
                "-V",
                "mqttv5",
                "-q",
                "1",
                "-i",
                identity + "-cli",
                "-t",
                topic,
                "-m",
                message));
        command.addAll(stack.mosquittoTlsArgs(identity));
        return DevStack.run(stack.repoRoot(), command, 30);
    }

    private static List<String> texts(TestMqttClient client) {
        return client.received().stream().map(TestMqttClient.Received::text).toList();
    }
}
