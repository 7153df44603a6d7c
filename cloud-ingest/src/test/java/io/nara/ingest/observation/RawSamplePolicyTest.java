package io.nara.ingest.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The raw-sample retention policy's durations as InfluxDB reads and writes them, and the one write error it forgives. */
class RawSamplePolicyTest {

    @Test
    void durationsRoundTripThroughInfluxDbsNotation() {
        assertThat(RawSamplePolicy.literal(Duration.ofDays(30))).isEqualTo("43200m");
        assertThat(RawSamplePolicy.parseGoDuration("720h0m0s")).isEqualTo(Duration.ofDays(30));
        assertThat(RawSamplePolicy.parseGoDuration("1h30m0s")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RawSamplePolicy.parseGoDuration("0s")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> RawSamplePolicy.parseGoDuration("30d"))
                .hasMessageContaining("retention duration Nära cannot read: '30d'");
    }

    @Test
    void aPolicyShorterThanAnHourOrOfPartMinutesIsRefusedByName() {
        assertThat(RawSamplePolicy.requireStorable(Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> RawSamplePolicy.requireStorable(Duration.ofMinutes(59)))
                .hasMessage("raw continuous samples must be kept at least 1h (InfluxDB's shortest retention policy), "
                        + "not PT59M");
        assertThatThrownBy(() -> RawSamplePolicy.requireStorable(Duration.ofSeconds(3601)))
                .hasMessageContaining("whole minutes");
    }

    @Test
    void onlyInfluxDbsPastRetentionAnswerCountsAsStoredByDesign() {
        assertThat(ObservationStore.pastRetention("partial write: points beyond retention policy dropped=12"))
                .hasValue(12);
        // Every other answer, partial or not, is a failure the hub must retry.
        assertThat(ObservationStore.pastRetention("partial write: field type conflict: input field \"value\" on "
                        + "measurement \"observation\" is type string, already exists as type float dropped=1"))
                .isEmpty();
        assertThat(ObservationStore.pastRetention("partial write: shard 3 is pending deletion dropped=4"))
                .isEmpty();
        assertThat(ObservationStore.pastRetention("retention policy not found: raw_samples"))
                .isEmpty();
        assertThat(ObservationStore.pastRetention("timeout")).isEmpty();
        assertThat(ObservationStore.pastRetention(null)).isEmpty();
    }
}
