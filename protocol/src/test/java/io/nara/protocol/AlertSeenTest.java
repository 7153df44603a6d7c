package io.nara.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertSeen;
import io.nara.protocol.message.AlertSeen.SeenBy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertSeenTest {

    private static final Instant T = Instant.parse("2026-11-23T07:45:00Z");
    private static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";
    private final MessageCodec codec = new MessageCodec();

    private AlertSeen decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), AlertSeen.class);
    }

    @Test
    void aHubAlertAndACloudAlertRoundTrip() {
        AlertSeen hub = AlertSeen.ofHubAlert("patient-1", OUTBOX, 8, "help-button@x#8", T, SeenBy.NURSE);
        AlertSeen cloud = AlertSeen.ofCloudAlert("patient-1", null, T, SeenBy.DOCTOR);
        assertThat(codec.decode(codec.encode(hub), AlertSeen.class)).isEqualTo(hub);
        assertThat(codec.decode(codec.encode(cloud), AlertSeen.class)).isEqualTo(cloud);
        assertThat(hub.hubRaised()).isTrue();
        assertThat(cloud.hubRaised()).isFalse();
    }

    @Test
    void theDocumentedExampleReads() {
        AlertSeen seen = decode("""
                {"v": 1, "patientId": "patient-1", "outbox": "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f", "seq": 8,
                 "episode": "systolic-low@2026-11-23T07:30:15Z#7", "seenAt": "2026-11-23T07:45:00Z",
                 "seenBy": "NURSE"}""");
        assertThat(seen.seq()).isEqualTo(8L);
        assertThat(seen.seenBy()).isEqualTo(SeenBy.NURSE);
    }

    @Test
    void badDataIsRefusedNamingTheField() {
        assertThatThrownBy(() -> decode("{\"v\":1,\"outbox\":\"" + OUTBOX
                        + "\",\"seq\":8,\"seenAt\":\"2026-11-23T07:45:00Z\",\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("patientId is missing");
        assertThatThrownBy(() -> decode("{\"v\":1,\"patientId\":\"p\",\"outbox\":\"" + OUTBOX
                        + "\",\"seenAt\":\"2026-11-23T07:45:00Z\",\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("outbox and seq");
        assertThatThrownBy(() -> decode("{\"v\":1,\"patientId\":\"p\",\"outbox\":\"not-a-uuid\",\"seq\":3,"
                        + "\"seenAt\":\"2026-11-23T07:45:00Z\",\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("not a UUID");
        assertThatThrownBy(() -> decode("{\"v\":1,\"patientId\":\"p\",\"outbox\":\"" + OUTBOX
                        + "\",\"seq\":0,\"seenAt\":\"2026-11-23T07:45:00Z\",\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("seq must be at least 1");
        assertThatThrownBy(() -> decode("{\"v\":1,\"patientId\":\"p\",\"seenAt\":\"2026-11-23T07:45:00Z\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("seenBy is missing");
        assertThatThrownBy(() -> decode("{\"v\":1,\"patientId\":\"p\",\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("seenAt is missing");
        assertThatThrownBy(() -> decode(
                        "{\"v\":2,\"patientId\":\"p\",\"seenAt\":\"2026-11-23T07:45:00Z\"," + "\"seenBy\":\"NURSE\"}"))
                .isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void theTopicParses() {
        HubTopic topic = HubTopic.of("hub-1", HubTopic.Kind.ALERT_SEEN);
        assertThat(topic.name()).isEqualTo("nara/v1/hub/hub-1/alertseen");
        assertThat(HubTopic.parse("nara/v1/hub/hub-1/alertseen")).contains(topic);
    }
}
