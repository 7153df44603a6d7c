package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nara.protocol.codec.MessageCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A doctor who saves a plan with several mistakes is told every one, each with the field it is about. */
class CarePlanProblemsTest {

    private final MessageCodec codec = new MessageCodec();

    private InvalidCarePlanException problemsOf(String json) {
        return catchThrowableOfType(() -> codec.readCarePlan(codec.tree(json)), InvalidCarePlanException.class);
    }

    @Test
    void everyProblemOfEveryPartIsNamedWithItsField() {
        InvalidCarePlanException e = problemsOf("""
                {"patientId": "p1", "version": "1", "zone": "Mars/Olympus", "rules": [
                  {"id": "ok", "code": "8480-6", "below": 90, "severity": "URGENT", "message": "low / low"},
                  {"id": "w", "kind": "change-over-window", "code": "29463-7", "window": "PT10M", "severity": "WARNING",
                   "message": "gain / gain"},
                  {"id": "bp", "code": "8480-6", "below": 120, "above": 100, "severity": "URGENT"},
                  {"id": "hr", "code": "8867-4", "above": "fast", "severity": "URGENT", "message": "m / m"}],
                 "expected": [{"code": "nope", "every": "P1D"}]}""");
        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(PlanProblem::field)
                .containsExactlyInAnyOrder(
                        "rules[1].window",
                        "rules[1].rise",
                        "rules[2].message",
                        "rules[2].above",
                        "rules[3].above",
                        "expected[0].code",
                        "zone");
        assertThat(e.problems())
                .filteredOn(p -> p.field().equals("rules[2].above"))
                .singleElement()
                .extracting(PlanProblem::message)
                .asString()
                .contains("rule bp: below 120.0 is greater than above 100.0");
    }

    @Test
    void checksAcrossRulesNameTheRuleTheyConcern() {
        InvalidCarePlanException e = problemsOf("""
                {"patientId": "p1", "version": "1", "rules": [
                  {"id": "a", "code": "8480-6", "below": 90, "severity": "URGENT", "message": "m / m"},
                  {"id": "a", "code": "8480-6", "above": 180, "severity": "WARNING", "message": "m / m"},
                  {"id": "w", "kind": "missing", "code": "29463-7", "by": "11:00", "severity": "WARNING",
                   "message": "m / m"}]}""");
        assertThat(e.problems()).extracting(PlanProblem::field).containsExactly("rules[1].id", "rules[2].by");
    }

    @Test
    void aValidPlanReadsAsTheDocumentSays() {
        CarePlan plan = codec.readCarePlan(codec.tree(
                new String(codec.encode(CarePlanTemplate.heartFailure(codec, "p9")), StandardCharsets.UTF_8)));
        assertThat(plan).isEqualTo(CarePlanTemplate.heartFailure(codec, "p9"));
    }

    @Test
    void notAnObjectIsOneProblemOfTheWholeDocument() {
        assertThat(problemsOf("[1, 2]").problems())
                .containsExactly(new PlanProblem("", "a care plan is a JSON object"));
    }
}
