package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nara.protocol.codec.MessageCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The doctor's editor saves a plan with mistakes in its lists: each mistake is named once, at its own place, and a
 * missing or empty list is no mistake.
 */
class EditorProblemsTest {

    private static final String LOW_BP = """
            {"id": "low-bp", "code": "8480-6", "below": 90, "severity": "URGENT", "message": "lågt / low"}""";
    private static final String BAD_BOUNDS = """
            {"id": "bp", "code": "8480-6", "below": 120, "above": 100, "severity": "URGENT", "message": "m / m"}""";

    private final MessageCodec codec = new MessageCodec();

    private List<String> fieldsOf(String json) {
        InvalidCarePlanException e =
                catchThrowableOfType(() -> codec.readCarePlan(codec.tree(json)), InvalidCarePlanException.class);
        assertThat(e).as("refused").isNotNull();
        return e.problems().stream().map(PlanProblem::field).toList();
    }

    @Test
    void rulesThatAreNotAListAreOneProblemNamedRules() {
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": {"id": "x"}}""")).containsExactly("rules");
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s], "expected": "daily"}""".formatted(LOW_BP))).containsExactly("expected");
    }

    @Test
    void anEmptyEntryIsNamedByItsPlaceAndTheOtherEntriesStillChecked() {
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s, null, %s]}""".formatted(LOW_BP, BAD_BOUNDS))).containsExactly("rules[1]", "rules[2].above");
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s], "expected": [null]}""".formatted(LOW_BP))).containsExactly("expected[0]");
    }

    @Test
    void aNullListIsNoListAndNoProblem() {
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s], "expected": null}""".formatted(BAD_BOUNDS))).containsExactly("rules[0].above");
        assertThat(codec.readCarePlan(codec.tree("""
                {"patientId": "p1", "version": "1", "rules": [%s], "expected": null}""".formatted(LOW_BP))).expected())
                .isEmpty();
    }

    @Test
    void aPostDischargeRuleIsNamedUnderPostDischargeOnceEvenWithOtherMistakes() {
        String discharge = """
                "postDischarge": {"start": "2026-11-20", "rules": [%s]}""".formatted(BAD_BOUNDS);
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s], %s}""".formatted(LOW_BP, discharge))).containsExactly("postDischarge.rules[0].above");
        // with a mistake of the plan's own as well: each named once
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "zone": "Mars/Olympus", "rules": [%s], %s}""".formatted(LOW_BP, discharge)))
                .containsExactlyInAnyOrder("postDischarge.rules[0].above", "zone");
        assertThat(fieldsOf("""
                {"patientId": "p1", "version": "1", "rules": [%s], "postDischarge": {"start": "2026-11-20",
                 "days": 0, "rules": [%s]}}""".formatted(BAD_BOUNDS, LOW_BP)))
                .containsExactlyInAnyOrder("rules[0].above", "postDischarge.days");
    }
}
