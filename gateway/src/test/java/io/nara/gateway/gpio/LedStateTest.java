package io.nara.gateway.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** "Sent" and "seen by a nurse" are different states, the latter only after a person acknowledged. */
class LedStateTest {

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-12-07T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final MovingClock clock = new MovingClock();
    private final HubSignals signals = new HubSignals(clock, Duration.ofHours(2));

    private LedState led() {
        return LedState.decide(signals.snapshot());
    }

    @Test
    void seenFollowsSentAndLastsItsPeriod() {
        signals.connected(true);
        signals.alertStored();
        signals.outboxPending(1);
        assertThat(led()).isEqualTo(LedState.ALL_WELL); // stored, on its way: neither sent nor seen
        signals.outboxPending(0);
        assertThat(led()).isEqualTo(LedState.ALERT_SENT);
        clock.advance(Duration.ofMinutes(4));
        signals.alertSeen();
        assertThat(led()).isEqualTo(LedState.SEEN_BY_NURSE);
        clock.advance(HubSignals.SEEN_SHOWN.minusMinutes(1));
        assertThat(led()).isEqualTo(LedState.SEEN_BY_NURSE); // longer than "sent" is shown
        clock.advance(Duration.ofMinutes(2));
        assertThat(led()).isEqualTo(LedState.ALL_WELL);
    }

    @Test
    void aNewAlertIsNotSeenBecauseAnEarlierOneWas() {
        signals.connected(true);
        signals.alertStored();
        signals.outboxPending(0);
        signals.alertSeen();
        clock.advance(Duration.ofMinutes(1));
        signals.alertStored(); // she presses the help button again
        signals.outboxPending(1);
        assertThat(led()).isNotEqualTo(LedState.SEEN_BY_NURSE);
        signals.connected(false);
        assertThat(led()).isEqualTo(LedState.NO_CONNECTION); // and it is not even sent: phone
    }

    @Test
    void anAlertWaitingOfflineAndEnrolmentWinOverSeen() {
        signals.alertSeen();
        signals.connected(true);
        assertThat(led()).isEqualTo(LedState.SEEN_BY_NURSE);
        signals.waitingForEnrolment(true);
        assertThat(led()).isEqualTo(LedState.WAITING_FOR_ENROLMENT);
    }

    @Test
    void seenLooksUnlikeSentAndUnlikeAllWell() {
        String seen = pattern(LedState.SEEN_BY_NURSE);
        assertThat(seen).isNotEqualTo(pattern(LedState.ALERT_SENT)).isNotEqualTo(pattern(LedState.ALL_WELL));
        for (LedState other : LedState.values()) {
            if (other != LedState.SEEN_BY_NURSE) {
                assertThat(pattern(other)).as(other.name()).isNotEqualTo(seen);
            }
        }
    }

    private static String pattern(LedState s) {
        return IntStream.range(0, 8).mapToObj(t -> s.lit(t) ? "1" : "0").reduce("", String::concat);
    }
}
