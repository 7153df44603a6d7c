package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The edges of what a care plan may say, as a doctor's editor meets them: each refusal names its field, and each
 * limit is allowed exactly at its value.
 */
class RuleEdgesTest {

    static final String SYS = "8480-6";
    static final String HR = "8867-4";
    static final String WEIGHT = "29463-7";

    static List<PlanProblem> problems(ThrowingCallable build) {
        InvalidCarePlanException e = catchThrowableOfType(InvalidCarePlanException.class, build);
        assertThat(e).as("refused").isNotNull();
        return e.problems();
    }

    static ThresholdRule threshold(
            String id,
            Double below,
            Double above,
            Severity severity,
            String message,
            String respondFirst,
            Duration escalateAfter,
            String episode) {
        return new ThresholdRule(id, SYS, below, above, severity, message, respondFirst, escalateAfter, episode);
    }

    @Test
    void aThresholdBreaksStrictlyOutsideItsBounds() {
        ThresholdRule low = threshold("low", 90.0, null, Severity.WARNING, "m", null, null, null);
        assertThat(low.breaks(89.9)).isTrue();
        assertThat(low.breaks(90.0)).isFalse();
        ThresholdRule high = threshold("high", null, 160.0, Severity.WARNING, "m", null, null, null);
        assertThat(high.breaks(160.0)).isFalse();
        assertThat(high.breaks(160.1)).isTrue();
        ThresholdRule band = threshold("band", 2.0, 3.0, Severity.WARNING, "m", null, null, null);
        assertThat(band.breaks(1.9)).isTrue();
        assertThat(band.breaks(2.5)).isFalse();
        assertThat(band.breaks(3.1)).isTrue();
        // below == above is a band of one value: allowed, and only that value is within
        ThresholdRule exact = threshold("exact", 5.0, 5.0, Severity.INFO, "m", null, null, null);
        assertThat(exact.breaks(5.0)).isFalse();
    }

    @Test
    void everyMissingOrMalformedCommonFieldIsNamed() {
        assertThat(problems(() -> threshold(null, 90.0, null, null, " ", "", Duration.ZERO, "bad episode!")))
                .extracting(PlanProblem::field)
                .containsExactlyInAnyOrder("id", "severity", "message", "respondFirst", "episode", "escalateAfter");
        assertThat(problems(() -> threshold("-starts-with-dash", 90.0, null, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("id");
        assertThat(problems(
                        () -> threshold("ok", 90.0, null, Severity.WARNING, "m", null, Duration.ofMinutes(-5), null)))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("escalateAfter must be positive"));
        // the smallest positive escalation and an episode name that is valid are accepted
        assertThat(threshold("ok", 90.0, null, Severity.WARNING, "m", "team-1", Duration.ofSeconds(1), "bp.low")
                        .episodeKey())
                .isEqualTo("bp.low");
    }

    @Test
    void boundsMustBeFiniteGivenAndInOrder() {
        assertThat(problems(() -> threshold("t", null, null, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("below");
        assertThat(problems(() -> threshold("t", 3.0, 2.0, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("above");
        assertThat(problems(() -> threshold("t", Double.NaN, 2.0, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .contains("below");
        assertThat(problems(
                        () -> threshold("t", 1.0, Double.POSITIVE_INFINITY, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .contains("above");
        assertThat(problems(() -> new ThresholdRule("t", "1234-5", 1.0, null, Severity.WARNING, "m", null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("code");
        assertThat(problems(() -> new ThresholdRule("t", null, 1.0, null, Severity.WARNING, "m", null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("code");
    }

    @Test
    void windowsAndRisesHaveLimitsThatHoldAtTheirValues() {
        assertThat(new WindowChangeRule("w", WEIGHT, Duration.ofHours(1), 0.1, Severity.WARNING, "m", null, null, null)
                        .window())
                .isEqualTo(Duration.ofHours(1));
        assertThat(new WindowChangeRule("w", WEIGHT, Duration.ofDays(90), 0.1, Severity.WARNING, "m", null, null, null)
                        .window())
                .isEqualTo(Duration.ofDays(90));
        assertThat(problems(() -> new WindowChangeRule(
                        "w", WEIGHT, Duration.ofMinutes(59), 2.0, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("window");
        assertThat(problems(() -> new WindowChangeRule(
                        "w", WEIGHT, Duration.ofDays(90).plusSeconds(1), 2.0, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("window");
        assertThat(problems(
                        () -> new WindowChangeRule("w", WEIGHT, null, 2.0, Severity.WARNING, "m", null, null, null)))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("window is missing"));
        assertThat(problems(() -> new WindowChangeRule(
                        "w", WEIGHT, Duration.ofDays(3), 0.0, Severity.WARNING, "m", null, null, null)))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("rise must be a positive number"));
        assertThat(problems(() -> new WindowChangeRule(
                        "w", WEIGHT, Duration.ofDays(3), Double.NaN, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("rise");
        assertThat(problems(() -> new WindowChangeRule(
                        "w", WEIGHT, Duration.ofDays(3), null, Severity.WARNING, "m", null, null, null)))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("rise is missing"));
    }

    @Test
    void aCombinationLooksAtEachConditionsCodeWithinThirtyMinutesByDefault() {
        CombinationRule c = new CombinationRule(
                "c",
                List.of(new CombinationRule.Condition(SYS, 90.0, null), new CombinationRule.Condition(HR, null, 100.0)),
                null,
                Severity.URGENT,
                "m",
                null,
                null,
                null);
        assertThat(c.codes()).containsExactly(SYS, HR);
        assertThat(c.where()).isEqualTo(Rule.Where.HUB);
        assertThat(c.effectiveWithin()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.conditions().get(0).breaks(89.0)).isTrue();
        assertThat(c.conditions().get(1).breaks(100.0)).isFalse();
        CombinationRule quick =
                new CombinationRule("c", c.conditions(), Duration.ofMinutes(5), Severity.URGENT, "m", null, null, null);
        assertThat(quick.effectiveWithin()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aRepetitionAndABaselineRuleCheckTheirNumbers() {
        RepetitionRule r = new RepetitionRule("r", SYS, null, 160.0, 2, 3, Severity.WARNING, "m", null, null, null);
        assertThat(r.codes()).containsExactly(SYS);
        assertThat(r.breaks(161)).isTrue();
        assertThat(r.breaks(160)).isFalse();
        BaselineChangeRule b =
                new BaselineChangeRule("b", "33762-6", 50.0, null, null, Severity.WARNING, "m", null, null, null);
        assertThat(b.codes()).containsExactly("33762-6");
        assertThat(b.effectiveBaselineWindow()).isEqualTo(Duration.ofDays(90));
        assertThat(problems(() -> new BaselineChangeRule(
                        "b", "33762-6", 50.0, 0.0, null, Severity.WARNING, "m", null, null, null)))
                .extracting(PlanProblem::field)
                .containsExactly("baseline");
    }

    @Test
    void allRulesAreTheOrdinaryOnesPlusThePostDischargeOnesWhichWinByIdAndTheLongestLookBackIsKept() {
        ThresholdRule ordinary = threshold("sys-low", 90.0, null, Severity.WARNING, "m", null, null, null);
        ThresholdRule stricter = threshold("sys-low", 100.0, null, Severity.WARNING, "m", null, null, null);
        BaselineChangeRule longBaseline = new BaselineChangeRule(
                "bnp", "33762-6", 50.0, null, Duration.ofDays(180), Severity.WARNING, "m", null, null, null);
        WindowChangeRule weight =
                new WindowChangeRule("w", WEIGHT, Duration.ofDays(3), 2.0, Severity.WARNING, "m", null, null, null);
        CarePlan plain = new CarePlan("p1", "1", List.of(ordinary, weight));
        assertThat(plain.allRules()).containsExactly(ordinary, weight);
        assertThat(plain.historyNeeded()).isEqualTo(CarePlan.MIN_HISTORY);
        assertThat(plain.effectiveStaleAfter()).isEqualTo(CarePlan.DEFAULT_STALE_AFTER);
        assertThat(plain.withVersion("7").version()).isEqualTo("7");
        assertThat(plain.withVersion("7").rules()).isEqualTo(plain.rules());

        CarePlan discharged = new CarePlan(
                "p1",
                "2",
                List.of(ordinary, weight),
                List.of(),
                new PostDischarge(LocalDate.parse("2026-11-01"), 30, List.of(stricter, longBaseline)),
                null,
                null,
                Duration.ofHours(6));
        assertThat(discharged.allRules()).containsExactly(stricter, weight, longBaseline);
        assertThat(discharged.historyNeeded()).isEqualTo(Duration.ofDays(180));
        assertThat(discharged.effectiveStaleAfter()).isEqualTo(Duration.ofHours(6));
        assertThat(discharged.rulesAt(Instant.parse("2026-11-10T12:00:00Z")))
                .containsExactly(stricter, weight, longBaseline);
        assertThat(discharged.rulesAt(Instant.parse("2026-12-10T12:00:00Z"))).containsExactly(ordinary, weight);
    }

    @Test
    void aPlanRefusesTwoRulesWithOneIdAndAnEpisodeMixingHubAndCloud() {
        ThresholdRule a = threshold("same", 90.0, null, Severity.WARNING, "m", null, null, "ep");
        ThresholdRule b = threshold("same", 80.0, null, Severity.URGENT, "m", null, null, "ep");
        assertThat(problems(() -> new CarePlan("p1", "1", List.of(a, b))))
                .extracting(PlanProblem::field)
                .containsExactly("rules[1].id");
        MissingMeasurementRule cloud = new MissingMeasurementRule(
                "gone", null, null, Duration.ofHours(48), Severity.WARNING, "m", null, null, "ep");
        assertThat(problems(() -> new CarePlan("p1", "1", List.of(a, cloud))))
                .extracting(PlanProblem::field)
                .containsExactly("rules[1].episode");
        // distinct ids in one hub episode are what a plan is made of
        assertThat(new CarePlan(
                                "p1",
                                "1",
                                List.of(a, threshold("other", 80.0, null, Severity.URGENT, "m", null, null, "ep")))
                        .rules())
                .hasSize(2);
    }

    @Test
    void aWeightBandHoldsItsEdges() {
        WeightBand band = new WeightBand(60, 80);
        assertThat(band.contains(60)).isTrue();
        assertThat(band.contains(80)).isTrue();
        assertThat(band.contains(59.9)).isFalse();
        assertThat(band.contains(80.1)).isFalse();
        assertThatThrownBy(() -> new WeightBand(80, 80)).hasMessageContaining("0 < min < max");
        assertThatThrownBy(() -> new WeightBand(0, 80)).hasMessageContaining("0 < min < max");
    }
}
