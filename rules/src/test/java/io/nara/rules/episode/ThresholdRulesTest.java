package io.nara.rules.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A single reading against a plan's threshold rules, from a patient with no history: the engine's plainest case. */
class ThresholdRulesTest {

    private static final Instant T = Instant.parse("2026-11-23T07:30:00Z");
    private static final CarePlan PLAN = new CarePlan(
            "p1",
            "7",
            List.of(
                    new ThresholdRule(
                            "sys-low",
                            "8480-6",
                            90.0,
                            null,
                            Severity.URGENT,
                            "Systolic below 90 mmHg",
                            "municipal-nurses",
                            Duration.ofMinutes(15)),
                    new ThresholdRule(
                            "sys-high", "8480-6", null, 160.0, Severity.WARNING, "Systolic above 160 mmHg", null, null),
                    new ThresholdRule(
                            "spo2-low", "59408-5", 92.0, null, Severity.URGENT, "SpO2 below 92 %", null, null)));

    private final CarePlanEngine engine = new CarePlanEngine();

    private static Observation reading(String patient, String code, Double value, ObservationFlag... flags) {
        Set<ObservationFlag> set = value == null ? Set.of(ObservationFlag.MEASUREMENT_FAILED) : Set.of(flags);
        return new Observation(41, patient, "dev", code, value, "x", T, T, set);
    }

    private List<AlertEvent> evaluate(CarePlan plan, Observation o) {
        return engine.evaluate(plan, PatientState.empty(), o, T).events();
    }

    @ParameterizedTest(name = "systolic {0} -> {1}")
    @CsvSource({"85, sys-low", "89.9, sys-low", "90, ''", "120, ''", "160, ''", "160.5, sys-high"})
    void thresholdsAreStrict(double systolic, String expectedRule) {
        List<AlertEvent> events = evaluate(PLAN, reading("p1", "8480-6", systolic));
        if (expectedRule.isEmpty()) {
            assertThat(events).isEmpty();
        } else {
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.status()).isEqualTo(AlertStatus.RAISED);
                assertThat(e.ruleId()).isEqualTo(expectedRule);
                assertThat(e.value()).isEqualTo(systolic);
                assertThat(e.observationSeq()).isEqualTo(41);
                assertThat(e.carePlanVersion()).isEqualTo("7");
                if (expectedRule.equals("sys-low")) {
                    assertThat(e.respondFirst()).isEqualTo("municipal-nurses");
                    assertThat(e.escalateAfter()).isEqualTo(Duration.ofMinutes(15));
                }
            });
        }
    }

    @Test
    void failedImplausibleOrOtherPatientsReadingsRaiseNothing() {
        assertThat(evaluate(PLAN, reading("p1", "8480-6", null))).isEmpty();
        assertThat(evaluate(PLAN, reading("p1", "8480-6", 0.0, ObservationFlag.IMPLAUSIBLE)))
                .isEmpty();
        assertThat(evaluate(PLAN, reading("p2", "8480-6", 70.0))).isEmpty();
        assertThat(evaluate(PLAN, reading("p1", "8462-4", 40.0))).isEmpty();
    }

    @Test
    void aQuestionableReadingStillCounts() {
        assertThat(evaluate(PLAN, reading("p1", "59408-5", 88.0, ObservationFlag.QUESTIONABLE)))
                .extracting(AlertEvent::ruleId)
                .containsExactly("spo2-low");
    }

    @Test
    void aReadingIsComparedOnlyWithTheRulesOfItsOwnSignal() {
        // A first weight has no earlier weight to gain from; a pulse of 40 is not compared with the systolic limit.
        CarePlan plan = new CarePlan(
                "p1",
                "7",
                List.of(
                        new WindowChangeRule(
                                "gain",
                                "29463-7",
                                Duration.ofDays(3),
                                2.0,
                                Severity.WARNING,
                                "Weight gain",
                                null,
                                null,
                                null),
                        new ThresholdRule(
                                "sys-low",
                                "8480-6",
                                90.0,
                                null,
                                Severity.URGENT,
                                "Systolic below 90 mmHg",
                                "municipal-nurses",
                                Duration.ofMinutes(15))));
        assertThat(evaluate(plan, reading("p1", "29463-7", 300.0))).isEmpty();
        assertThat(evaluate(plan, reading("p1", "8867-4", 40.0))).isEmpty();
        var alert = evaluate(plan, reading("p1", "8480-6", 85.0)).get(0).toAlert(9, T);
        assertThat(alert.seq()).isEqualTo(9);
        assertThat(alert.ruleId()).isEqualTo("sys-low");
        assertThat(alert.value()).isEqualTo(85.0);
        assertThat(alert.raisedAt()).isEqualTo(T);
        assertThat(alert.respondFirst()).isEqualTo("municipal-nurses");
    }
}
