package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Severity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A night on a continuous pulse oximeter: when a low-SpO2 or fast-pulse rule counts as recovered, and which rules
 * are damped (judged over time) rather than opened and closed on each reading.
 */
class DampedThresholdTest {

    static final String SPO2 = "59408-5";
    static final String PULSE = "8867-4";

    private static ThresholdRule rule(
            String code, Double below, Double above, Duration sustain, Double recoverAt, Duration recoverFor) {
        return new ThresholdRule(
                "r", code, below, above, Severity.URGENT, "m", null, null, null, sustain, recoverAt, recoverFor);
    }

    @Test
    void lowSpo2RecoversOnlyAtTheRecoveryLevelNotJustAboveTheThreshold() {
        // holds below 90 %; once it holds, 92 % or more counts as recovered (hysteresis: 90-91 % keeps it open)
        ThresholdRule lowSpo2 = rule(SPO2, 90.0, null, Duration.ofMinutes(2), 92.0, Duration.ofMinutes(5));
        assertThat(lowSpo2.breaks(89.0)).isTrue();
        assertThat(lowSpo2.recovered(89.0)).isFalse();
        assertThat(lowSpo2.recovered(90.0))
                .as("no longer below the threshold, not yet recovered")
                .isFalse();
        assertThat(lowSpo2.recovered(91.9)).isFalse();
        assertThat(lowSpo2.recovered(92.0)).isTrue();
        assertThat(lowSpo2.recovered(97.0)).isTrue();
    }

    @Test
    void aFastPulseRecoversAtOrBelowItsRecoveryLevel() {
        // holds above 120/min; recovered at 110/min or less
        ThresholdRule fastPulse = rule(PULSE, null, 120.0, null, 110.0, null);
        assertThat(fastPulse.recovered(130.0)).isFalse();
        assertThat(fastPulse.recovered(115.0)).isFalse();
        assertThat(fastPulse.recovered(110.1)).isFalse();
        assertThat(fastPulse.recovered(110.0)).isTrue();
        assertThat(fastPulse.recovered(72.0)).isTrue();
    }

    @Test
    void withoutARecoveryLevelARuleRecoversAsSoonAsTheValueIsNoLongerPastTheThreshold() {
        ThresholdRule lowSpo2 = rule(SPO2, 90.0, null, Duration.ofMinutes(2), null, null);
        assertThat(lowSpo2.recovered(89.9)).isFalse();
        assertThat(lowSpo2.recovered(90.0)).isTrue();
        ThresholdRule band = rule(PULSE, 40.0, 120.0, null, null, Duration.ofMinutes(1));
        assertThat(band.recovered(39.0)).isFalse();
        assertThat(band.recovered(121.0)).isFalse();
        assertThat(band.recovered(80.0)).isTrue();
    }

    @Test
    void aRuleIsDampedByAnyOneOfItsDampingFieldsAndOnlyThen() {
        assertThat(rule(SPO2, 90.0, null, null, null, null).damped())
                .as("a spot-check threshold")
                .isFalse();
        assertThat(rule(SPO2, 90.0, null, Duration.ofMinutes(2), null, null).damped())
                .isTrue();
        assertThat(rule(SPO2, 90.0, null, null, 92.0, null).damped()).isTrue();
        assertThat(rule(SPO2, 90.0, null, null, null, Duration.ofMinutes(5)).damped())
                .isTrue();
        assertThat(rule(SPO2, 90.0, null, Duration.ZERO, null, null).damped())
                .as("a sustain given as zero is still the damped evaluation")
                .isTrue();
    }
}
