package io.nara.gateway.tablet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tablet asks what the plan's rules look at, of the symptoms a patient can judge alone. */
class TabletQuestionsTest {

    private static List<String> codes(CarePlan plan) {
        return TabletQuestions.forPlan(plan).stream()
                .map(TabletQuestions.Question::code)
                .toList();
    }

    @Test
    void theHeartFailurePlanAsksTheFivePatientSymptomsNotWhatStaffReport() {
        CarePlan plan = CarePlanTemplate.heartFailure(new MessageCodec(), "anna");
        assertThat(codes(plan))
                .containsExactly(
                        Vocabulary.DYSPNOEA.code(),
                        Vocabulary.ORTHOPNOEA.code(),
                        Vocabulary.OEDEMA.code(),
                        Vocabulary.DIZZINESS.code(),
                        Vocabulary.CHEST_PAIN.code())
                .doesNotContain(
                        Vocabulary.FALL.code(), Vocabulary.CONFUSION.code(), Vocabulary.REDUCED_APPETITE.code());
    }

    @Test
    void aPlanNamingSomeSymptomsAsksThoseOnly() {
        CarePlan plan = new CarePlan(
                "anna",
                "1",
                List.of(
                        threshold("chest", Vocabulary.CHEST_PAIN.code()),
                        threshold("fall", Vocabulary.FALL.code()),
                        threshold("low", Vocabulary.SYSTOLIC.code())));
        assertThat(codes(plan)).containsExactly(Vocabulary.CHEST_PAIN.code());
    }

    @Test
    void aPlanNamingNoSymptomGetsTheHeartFailureSet() {
        CarePlan plan = new CarePlan("anna", "1", List.of(threshold("low", Vocabulary.SYSTOLIC.code())));
        assertThat(codes(plan)).hasSize(5);
        assertThat(codes(null)).hasSize(5);
    }

    @Test
    void onlyChestPainTellsThePatientToCall112() {
        assertThat(TabletQuestions.forPlan(null).stream()
                        .filter(q -> q.adviceIfYes() != null)
                        .toList())
                .singleElement()
                .satisfies(q -> {
                    assertThat(q.code()).isEqualTo(Vocabulary.CHEST_PAIN.code());
                    assertThat(q.adviceIfYes()).startsWith("Vid svår bröstsmärta: ring 112");
                });
        assertThat(TabletQuestions.askable(Vocabulary.CHEST_PAIN.code())).isTrue();
        assertThat(TabletQuestions.askable(Vocabulary.FALL.code())).isFalse();
        assertThat(TabletQuestions.askable(Vocabulary.SYSTOLIC.code())).isFalse();
    }

    private static ThresholdRule threshold(String id, String code) {
        return new ThresholdRule(id, code, null, 0.5, Severity.WARNING, "m", null, null);
    }
}
