package io.nara.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.HubTopic.Kind;
import org.junit.jupiter.api.Test;

class HubTopicTest {

    @Test
    void namesAndParsesEveryKind() {
        for (Kind kind : Kind.values()) {
            HubTopic topic = HubTopic.of("hub-dev-1", kind);
            assertThat(topic.name()).isEqualTo("nara/v1/hub/hub-dev-1/" + kind.segment());
            assertThat(HubTopic.parse(topic.name())).contains(topic);
        }
        assertThat(HubTopic.filterForAllHubs(Kind.OBS)).isEqualTo("nara/v1/hub/+/obs");
    }

    @Test
    void rejectsForeignAndMalformedTopics() {
        assertThat(HubTopic.parse("nara/v2/hub/a/obs")).isEmpty();
        assertThat(HubTopic.parse("nara/v1/hub/a/b/obs")).isEmpty();
        assertThat(HubTopic.parse("nara/v1/hub/Hub/obs")).isEmpty();
        assertThat(HubTopic.parse("nara/v1/hub/a/telemetry")).isEmpty();
        assertThat(HubTopic.parse(null)).isEmpty();
        assertThatThrownBy(() -> HubTopic.of("+", Kind.OBS)).hasMessageContaining("hub id '+' is not valid");
    }
}
