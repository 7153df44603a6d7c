package io.nara.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CarePlanEvaluatorTest {

    private static final Instant T = Instant.parse("2026-11-23T07:30:00Z");
    private static final CarePlan PLAN = new CarePlan("p1", "7", java.util.List.of(
            new ThresholdRule("sys-low", "8480-6", 90.0, null, Severity.URGENT, "Systolic below 90 mmHg",
                    "municipal-nurses", java.time.Duration.ofMinutes(15)),
            new ThresholdRule("sys-high", "8480-6", null, 160.0, Severity.WARNING, "Systolic above 160 mmHg", null, null),
            new ThresholdRule("spo2-low", "59408-5", 92.0, null, Severity.URGENT, "SpO2 below 92 %", null, null)));

    private final CarePlanEvaluator evaluator = new CarePlanEvaluator();

    private static Observation reading(String patient, String code, Double value, ObservationFlag... flags) {
        Set<ObservationFlag> set = value == null ? Set.of(ObservationFlag.MEASUREMENT_FAILED) : Set.of(flags);
        return new Observation(41, patient, "dev", code, value, "x", T, T, set);
    }

    @ParameterizedTest(name = "systolic {0} -> {1}")
    @CsvSource({"85, sys-low", "89.9, sys-low", "90, ''", "120, ''", "160, ''", "160.5, sys-high"})
    void thresholdsAreStrict(double systolic, String expectedRule) {
        var findings = evaluator.evaluate(PLAN, reading("p1", "8480-6", systolic));
        if (expectedRule.isEmpty()) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(expectedRule);
                assertThat(f.value()).isEqualTo(systolic);
                assertThat(f.observationSeq()).isEqualTo(41);
                assertThat(f.carePlanVersion()).isEqualTo("7");
                if (expectedRule.equals("sys-low")) {
                    assertThat(f.respondFirst()).isEqualTo("municipal-nurses");
                    assertThat(f.escalateAfter()).isEqualTo(java.time.Duration.ofMinutes(15));
                }
            });
        }
    }

    @Test
    void failedImplausibleOrOtherPatientsReadingsRaiseNothing() {
        assertThat(evaluator.evaluate(PLAN, reading("p1", "8480-6", null))).isEmpty();
        assertThat(evaluator.evaluate(PLAN, reading("p1", "8480-6", 0.0, ObservationFlag.IMPLAUSIBLE))).isEmpty();
        assertThat(evaluator.evaluate(PLAN, reading("p2", "8480-6", 70.0))).isEmpty();
        assertThat(evaluator.evaluate(PLAN, reading("p1", "8462-4", 40.0))).isEmpty();
    }

    @Test
    void aQuestionableReadingStillCounts() {
        assertThat(evaluator.evaluate(PLAN, reading("p1", "59408-5", 88.0, ObservationFlag.QUESTIONABLE)))
                .extracting(Finding::ruleId).containsExactly("spo2-low");
    }

    @Test
    void onlyThresholdRulesOfTheReadingsOwnCodeAreCompared() {
        // A weight-gain rule needs history this evaluator does not keep; a weight reading breaks nothing here, and a
        // pulse of 40 is not compared with the systolic limit of 90.
        CarePlan plan = new CarePlan("p1", "7", java.util.List.of(
                new io.nara.protocol.careplan.WindowChangeRule("gain", "29463-7", java.time.Duration.ofDays(3), 2.0,
                        Severity.WARNING, "Weight gain", null, null, null),
                new ThresholdRule("sys-low", "8480-6", 90.0, null, Severity.URGENT, "Systolic below 90 mmHg",
                        "municipal-nurses", java.time.Duration.ofMinutes(15))));
        assertThat(evaluator.evaluate(plan, reading("p1", "29463-7", 300.0))).isEmpty();
        assertThat(evaluator.evaluate(plan, reading("p1", "8867-4", 40.0))).isEmpty();
        var alert = evaluator.evaluate(plan, reading("p1", "8480-6", 85.0)).get(0).toAlert(9, T);
        assertThat(alert.seq()).isEqualTo(9);
        assertThat(alert.ruleId()).isEqualTo("sys-low");
        assertThat(alert.value()).isEqualTo(85.0);
        assertThat(alert.raisedAt()).isEqualTo(T);
        assertThat(alert.respondFirst()).isEqualTo("municipal-nurses");
    }
}
