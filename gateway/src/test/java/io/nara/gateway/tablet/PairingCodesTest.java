package io.nara.gateway.tablet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The tablet's pairing code: six digits, ten minutes, used once, and five wrong tries buy a pause. */
class PairingCodesTest {

    private Instant now = Instant.parse("2026-12-07T08:00:00Z");
    private final Clock clock = new Clock() {
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
    };
    private final PairingCodes codes = new PairingCodes(clock, RandomGenerator.of("L64X128MixRandom"));

    @Test
    void aCodeIsSixDigitsForItsPatientAndWorksOnce() {
        PairingCodes.Code code = codes.issue("anna");
        assertThat(code.digits()).matches("\\d{6}");
        assertThat(code.validUntil()).isEqualTo(now.plus(Duration.ofMinutes(10)));
        PairingCodes.Attempt first = codes.attempt(" " + code.digits() + " ");
        assertThat(first.outcome()).isEqualTo(PairingCodes.Outcome.PAIRED);
        assertThat(first.patientId()).isEqualTo("anna");
        assertThat(codes.attempt(code.digits()).outcome())
                .as("a used code pairs no second tablet")
                .isEqualTo(PairingCodes.Outcome.WRONG);
    }

    @Test
    void aCodeExpiresAfterTenMinutes() {
        PairingCodes.Code code = codes.issue("anna");
        now = now.plus(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(codes.current()).contains(code);
        now = now.plusSeconds(1);
        assertThat(codes.current()).isEmpty();
        assertThat(codes.attempt(code.digits()).outcome()).isEqualTo(PairingCodes.Outcome.EXPIRED);
    }

    @Test
    void aNewCodeReplacesTheOldOne() {
        PairingCodes.Code old = codes.issue("anna");
        PairingCodes.Code fresh = codes.issue("anna");
        if (!old.digits().equals(fresh.digits())) {
            assertThat(codes.attempt(old.digits()).outcome()).isEqualTo(PairingCodes.Outcome.WRONG);
        }
        assertThat(codes.attempt(fresh.digits()).outcome()).isEqualTo(PairingCodes.Outcome.PAIRED);
    }

    @Test
    void fiveWrongCodesPauseEveryTryEvenTheRightOne() {
        PairingCodes.Code code = codes.issue("anna");
        String wrong = code.digits().equals("000000") ? "111111" : "000000";
        for (int i = 1; i < PairingCodes.MAX_TRIES; i++) {
            assertThat(codes.attempt(wrong).outcome()).as("try " + i).isEqualTo(PairingCodes.Outcome.WRONG);
        }
        PairingCodes.Attempt fifth = codes.attempt(wrong);
        assertThat(fifth.outcome()).isEqualTo(PairingCodes.Outcome.THROTTLED);
        assertThat(fifth.retryAfter()).isEqualTo(now.plus(PairingCodes.PAUSE));
        assertThat(codes.attempt(code.digits()).outcome())
                .as("during the pause not even the right code")
                .isEqualTo(PairingCodes.Outcome.THROTTLED);
        now = now.plus(PairingCodes.PAUSE);
        assertThat(codes.attempt(code.digits()).outcome()).isEqualTo(PairingCodes.Outcome.PAIRED);
    }

    @Test
    void aRightCodeResetsTheCount() {
        codes.issue("anna");
        for (int i = 0; i < PairingCodes.MAX_TRIES - 1; i++) {
            codes.attempt("x");
        }
        codes.attempt(codes.issue("anna").digits());
        codes.issue("anna");
        assertThat(codes.attempt("x").outcome()).isEqualTo(PairingCodes.Outcome.WRONG);
    }
}
