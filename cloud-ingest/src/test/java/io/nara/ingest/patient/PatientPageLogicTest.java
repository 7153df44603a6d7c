package io.nara.ingest.patient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.PostDischarge;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The patient page's pure decisions: range and bucket, thresholds from the plan, adherence periods. */
class PatientPageLogicTest {

    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    private static final Instant NOW = Instant.parse("2026-11-30T09:30:00Z");

    @Test
    void eachRangeGetsARoundBucketThatKeepsAChartAtAFewHundredPointsAtMost() {
        assertThat(TrendRange.parse("7d", NOW, Optional.empty(), SE).bucket()).isEqualTo(Duration.ofHours(1));
        assertThat(TrendRange.parse("30d", NOW, Optional.empty(), SE).bucket()).isEqualTo(Duration.ofHours(3));
        assertThat(TrendRange.parse("90d", NOW, Optional.empty(), SE).bucket()).isEqualTo(Duration.ofHours(12));
        for (String range : List.of("7d", "30d", "90d")) {
            TrendRange r = TrendRange.parse(range, NOW, Optional.empty(), SE);
            long buckets =
                    Duration.between(r.from(), r.to()).toMillis() / r.bucket().toMillis();
            assertThat(buckets).as(range).isBetween(100L, (long) TrendRange.MAX_POINTS);
            assertThat(r.to()).isEqualTo(NOW);
        }
        // 90 days of 1 Hz oximetry is 7.8 million seconds; one bucket per 12 hours is 180 points.
        assertThat(TrendRange.parse("90d", NOW, Optional.empty(), SE).influxBucket())
                .isEqualTo("43200000ms");
    }

    @Test
    void aShortSpanGetsFineBucketsAndAVeryLongOneTheCoarsest() {
        assertThat(TrendRange.bucketFor(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
        assertThat(TrendRange.bucketFor(Duration.ofHours(5))).isEqualTo(Duration.ofMinutes(1));
        assertThat(TrendRange.bucketFor(Duration.ofHours(5).plusMinutes(1))).isEqualTo(Duration.ofMinutes(2));
        assertThat(TrendRange.bucketFor(Duration.ofDays(36_500))).isEqualTo(Duration.ofDays(28));
    }

    @Test
    void sinceDischargeStartsAtTheDischargeDaysLocalMidnight() {
        TrendRange r = TrendRange.parse("discharge", NOW, Optional.of(LocalDate.of(2026, 11, 20)), SE);
        assertThat(r.from()).isEqualTo(Instant.parse("2026-11-19T23:00:00Z"));
        assertThat(r.bucket()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void sinceDischargeIsRefusedWithoutADischargeAndForAFutureOne() {
        assertThatThrownBy(() -> TrendRange.parse("discharge", NOW, Optional.empty(), SE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no discharge date");
        assertThatThrownBy(() -> TrendRange.parse("discharge", NOW, Optional.of(LocalDate.of(2026, 12, 24)), SE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("future");
    }

    @Test
    void anUnknownRangeIsNamedInTheError() {
        assertThatThrownBy(() -> TrendRange.parse("1y", NOW, Optional.empty(), SE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1y'")
                .hasMessageContaining("7d, 30d, 90d or discharge");
    }

    @Test
    void thresholdsAreTheThresholdRulesInForceOneLinePerBound() {
        ThresholdRule systolic = new ThresholdRule(
                "systolic-band", "8480-6", 90.0, 160.0, Severity.WARNING, "Systoliskt / Systolic", null, null);
        ThresholdRule spo2 = new ThresholdRule("spo2-low", "59408-5", 90.0, null, Severity.URGENT, "SpO2", null, null);
        WindowChangeRule weight = new WindowChangeRule(
                "weight-gain", "29463-7", Duration.ofDays(3), 2.0, Severity.WARNING, "Vikt / Weight", null, null, null);
        CarePlan plan = new CarePlan("p1", "3", List.of(systolic, spo2, weight));

        Map<String, List<Thresholds.Threshold>> lines = Thresholds.byCode(plan, NOW);

        assertThat(lines).containsOnlyKeys("8480-6", "59408-5");
        assertThat(lines.get("8480-6"))
                .extracting(Thresholds.Threshold::bound, Thresholds.Threshold::value)
                .containsExactly(Tuple.tuple("below", 90.0), Tuple.tuple("above", 160.0));
    }

    @Test
    void inAPostDischargePeriodItsTighterThresholdReplacesTheOrdinaryOne() {
        ThresholdRule ordinary =
                new ThresholdRule("systolic-low", "8480-6", 90.0, null, Severity.URGENT, "x", null, null);
        ThresholdRule tighter =
                new ThresholdRule("systolic-low", "8480-6", 100.0, null, Severity.URGENT, "x", null, null);
        CarePlan plan = new CarePlan(
                "p1",
                "3",
                List.of(ordinary),
                null,
                new PostDischarge(LocalDate.of(2026, 11, 20), 30, List.of(tighter)),
                null,
                null,
                null);

        assertThat(Thresholds.byCode(plan, NOW).get("8480-6"))
                .extracting(Thresholds.Threshold::value)
                .containsExactly(100.0);
        assertThat(Thresholds.byCode(plan, NOW.plus(Duration.ofDays(40))).get("8480-6"))
                .extracting(Thresholds.Threshold::value)
                .containsExactly(90.0);
    }
}
