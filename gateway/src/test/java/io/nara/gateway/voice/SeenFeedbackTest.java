package io.nara.gateway.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.gateway.gpio.HubSignals;
import io.nara.gateway.gpio.LedState;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.AlertSeen;
import io.nara.protocol.message.AlertSeen.SeenBy;
import io.nara.protocol.message.HubConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the hub does with "a person saw the alert": the LED, and nothing at all for a message that is not its own. */
class SeenFeedbackTest {

    private static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final HubConfig CONFIG =
            new HubConfig(1, 5, List.of(new CarePlan("anna", "1", List.of())), List.of());

    private final HubSignals signals = new HubSignals(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(2));
    private final SeenFeedback feedback = new SeenFeedback(signals, null, Duration.ofHours(8));

    private LedState led() {
        return LedState.decide(signals.snapshot());
    }

    @Test
    void anAlertOfThisHubSeenByANurseShowsSeen() {
        signals.connected(true);
        signals.alertStored();
        signals.outboxPending(0);
        assertThat(led()).isEqualTo(LedState.ALERT_SENT);
        AlertSeen seen = AlertSeen.ofHubAlert("anna", OUTBOX, 7, null, NOW.minusSeconds(5), SeenBy.NURSE);
        assertThat(feedback.accept(seen, CONFIG, OUTBOX, 9, NOW)).isTrue();
        assertThat(led()).isEqualTo(LedState.SEEN_BY_NURSE);
        // The retained message again after a reconnect: not told twice.
        assertThat(feedback.accept(seen, CONFIG, OUTBOX, 9, NOW)).isFalse();
    }

    @Test
    void aCloudAlertAboutThePatientIsSeenToo() {
        AlertSeen seen = AlertSeen.ofCloudAlert("anna", null, NOW, SeenBy.DOCTOR);
        assertThat(SeenFeedback.problem(seen, CONFIG, OUTBOX, 0)).isEmpty();
    }

    @Test
    void aMessageThatIsNotThisHubsChangesNothing() {
        signals.connected(true);
        assertThat(SeenFeedback.problem(AlertSeen.ofCloudAlert("bo", null, NOW, SeenBy.NURSE), CONFIG, OUTBOX, 9))
                .get()
                .asString()
                .contains("patient bo is not served by this hub");
        assertThat(SeenFeedback.problem(
                        AlertSeen.ofHubAlert(
                                "anna", "00000000-0000-0000-0000-000000000001", 3, null, NOW, SeenBy.NURSE),
                        CONFIG,
                        OUTBOX,
                        9))
                .get()
                .asString()
                .contains("not this hub's");
        AlertSeen unknown = AlertSeen.ofHubAlert("anna", OUTBOX, 10, null, NOW, SeenBy.NURSE);
        assertThat(SeenFeedback.problem(unknown, CONFIG, OUTBOX, 9))
                .get()
                .asString()
                .contains("alert 10 was never raised here");
        assertThat(feedback.accept(unknown, CONFIG, OUTBOX, 9, NOW)).isFalse();
        assertThat(led()).isEqualTo(LedState.ALL_WELL);
    }

    @Test
    void anOldAcknowledgementIsNotToldAgain() {
        AlertSeen yesterday =
                AlertSeen.ofHubAlert("anna", OUTBOX, 2, null, NOW.minus(Duration.ofHours(20)), SeenBy.NURSE);
        signals.connected(true);
        assertThat(feedback.accept(yesterday, CONFIG, OUTBOX, 9, NOW)).isFalse();
        assertThat(led()).isEqualTo(LedState.ALL_WELL);
    }
}
