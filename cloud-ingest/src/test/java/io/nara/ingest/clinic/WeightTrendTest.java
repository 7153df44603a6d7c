package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightTrendTest {

    private static final Instant T = Instant.parse("2026-11-20T07:00:00Z");

    private static WeightTrend.Reading at(int daysBefore, double kg) {
        return new WeightTrend.Reading(T.minus(Duration.ofDays(daysBefore)), kg);
    }

    @Test
    void theGainIsTheNewestAgainstTheLowestInTheWindowBeforeIt() {
        List<WeightTrend.Reading> readings = List.of(at(6, 80.0), at(4, 79.5), at(3, 79.0), at(1, 80.2), at(0, 81.3));
        assertThat(WeightTrend.gain(readings, Duration.ofDays(3))).contains(2.3);
        assertThat(WeightTrend.gain(readings, Duration.ofDays(7))).contains(2.3);
        assertThat(WeightTrend.gain(readings, Duration.ofDays(1))).contains(1.1);
    }

    @Test
    void aLossIsNegativeOrZeroAndOneReadingIsNoTrend() {
        assertThat(WeightTrend.gain(List.of(at(2, 82.0), at(0, 81.0)), Duration.ofDays(3)))
                .contains(0.0);
        assertThat(WeightTrend.gain(List.of(at(0, 81.0)), Duration.ofDays(3))).isEmpty();
        assertThat(WeightTrend.gain(List.of(), Duration.ofDays(3))).isEmpty();
    }
}
