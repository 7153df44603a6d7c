package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where each rule of a plan is judged (the hub sees readings even offline; only the cloud sees silence), which
 * readings it looks at, and the plan's checks across rules, as the doctor's editor and the hub meet them.
 */
class PlanChecksTest {

    static final String SYS = "8480-6";
    static final String HR = "8867-4";
    static final String WEIGHT = "29463-7";
    static final String NT_PRO_BNP = "33762-6";
    static final Severity W = Severity.WARNING;

    private final MessageCodec codec = new MessageCodec();

    @Test
    void theHubJudgesReadingsAndTheCloudJudgesSilence() {
        // readings: the hub evaluates them, also while offline; each rule looks at its own codes
        assertThat(List.<Rule>of(
                        new ThresholdRule("low-bp", SYS, 90.0, null, W, "m", null, null),
                        new WindowChangeRule("gain", WEIGHT, Duration.ofDays(3), 2.0, W, "m", null, null, null),
                        new BaselineChangeRule("bnp", NT_PRO_BNP, 50.0, null, null, W, "m", null, null, null),
                        new RepetitionRule("high-bp", SYS, null, 160.0, 2, 3, W, "m", null, null, null),
                        new DeviceAttentionRule("cuff", 3, 5, W, "m", null, null, null)))
                .allSatisfy(r -> assertThat(r.where()).as(r.id()).isEqualTo(Rule.Where.HUB));
        assertThat(new ThresholdRule("low-bp", SYS, 90.0, null, W, "m", null, null).codes())
                .containsExactly(SYS);
        assertThat(new WindowChangeRule("gain", WEIGHT, Duration.ofDays(3), 2.0, W, "m", null, null, null).codes())
                .containsExactly(WEIGHT);
        assertThat(new BaselineChangeRule("bnp", NT_PRO_BNP, 50.0, null, null, W, "m", null, null, null).codes())
                .containsExactly(NT_PRO_BNP);
        assertThat(new RepetitionRule("high-bp", SYS, null, 160.0, 2, 3, W, "m", null, null, null).codes())
                .containsExactly(SYS);

        // silence and the home's devices: only the cloud can see that nothing arrived
        assertThat(List.<Rule>of(
                        new MissingMeasurementRule(
                                "no-weight", WEIGHT, LocalTime.of(11, 0), null, W, "m", null, null, null),
                        new HubOfflineRule("offline", Duration.ofMinutes(30), W, "m", null, null, null),
                        new LowBatteryRule("battery", 20, W, "m", null, null, null),
                        new SilentDeviceRule("silent", Duration.ofHours(48), W, "m", null, null, null)))
                .allSatisfy(r -> assertThat(r.where()).as(r.id()).isEqualTo(Rule.Where.CLOUD));
        assertThat(new MissingMeasurementRule("no-weight", WEIGHT, LocalTime.of(11, 0), null, W, "m", null, null, null)
                        .codes())
                .containsExactly(WEIGHT);
        assertThat(new MissingMeasurementRule("nothing", null, null, Duration.ofHours(48), W, "m", null, null, null)
                        .codes())
                .as("silence of every signal")
                .isEmpty();
    }

    @Test
    void anEpisodeSharedByAHubRuleAndACloudRuleIsRefusedForEveryCloudKind() {
        Rule hub = new ThresholdRule("low-bp", SYS, 90.0, null, W, "m", null, null, "bp");
        for (Rule cloud : List.<Rule>of(
                new HubOfflineRule("offline", Duration.ofMinutes(30), W, "m", null, null, "bp"),
                new LowBatteryRule("battery", 20, W, "m", null, null, "bp"),
                new SilentDeviceRule("silent", Duration.ofHours(48), W, "m", null, null, "bp"))) {
            assertThat(RuleEdgesTest.problems(() -> new CarePlan("p1", "1", List.of(hub, cloud))))
                    .as(cloud.id())
                    .singleElement()
                    .satisfies(p -> assertThat(p.field()).isEqualTo("rules[1].episode"));
        }
        for (Rule alsoHub : List.<Rule>of(
                new WindowChangeRule("gain", WEIGHT, Duration.ofDays(3), 2.0, W, "m", null, null, "bp"),
                new BaselineChangeRule("bnp", NT_PRO_BNP, 50.0, null, null, W, "m", null, null, "bp"),
                new RepetitionRule("high-bp", SYS, null, 160.0, 2, 3, W, "m", null, null, "bp"),
                new DeviceAttentionRule("cuff", 3, 5, W, "m", null, null, "bp"))) {
            assertThat(new CarePlan("p1", "1", List.of(hub, alsoHub)).rules())
                    .as(alsoHub.id())
                    .hasSize(2);
        }
    }

    @Test
    void anEmptyRuleInAPlanTheHubReceivesIsRefusedNamingItsPlace() {
        String json = "{\"patientId\":\"p1\",\"version\":\"1\",\"rules\":[{\"id\":\"low-bp\",\"code\":\"" + SYS
                + "\",\"below\":90,\"severity\":\"URGENT\",\"message\":\"m\"},null]}";
        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8), CarePlan.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("care plan for p1: rules holds an empty rule");
        InvalidCarePlanException e = catchThrowableOfType(
                InvalidCarePlanException.class,
                () -> new CarePlan(
                        "p1",
                        "1",
                        Arrays.asList(new ThresholdRule("low-bp", SYS, 90.0, null, W, "m", null, null), null),
                        null,
                        new PostDischarge(LocalDate.parse("2026-11-01"), 30, Arrays.asList((Rule) null)),
                        null,
                        null,
                        null));
        assertThat(e.problems()).extracting(PlanProblem::field).containsExactly("rules[1]", "postDischarge.rules[0]");
    }

    @Test
    void aMeasurementExpectedByATimeMustBeListedUnderExpectedItsOwnCodeNotAnother() {
        MissingMeasurementRule noWeight =
                new MissingMeasurementRule("no-weight", WEIGHT, LocalTime.of(11, 0), null, W, "m", null, null, null);
        List<ExpectedMeasurement> onlyCuff = List.of(new ExpectedMeasurement(SYS, Duration.ofDays(1), null));
        InvalidCarePlanException e = catchThrowableOfType(
                InvalidCarePlanException.class,
                () -> new CarePlan("p1", "1", List.of(noWeight), onlyCuff, null, null, null, null));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("rules[0].by");
            assertThat(p.message()).contains("expects " + WEIGHT + " by 11:00");
        });
        List<ExpectedMeasurement> both = List.of(
                new ExpectedMeasurement(SYS, Duration.ofDays(1), null),
                new ExpectedMeasurement(WEIGHT, Duration.ofDays(1), LocalTime.of(11, 0)));
        assertThat(new CarePlan("p1", "1", List.of(noWeight), both, null, null, null, null).rules())
                .containsExactly(noWeight);
    }

    @Test
    void aProblemOfANestedPartIsNamedFromThePlan() {
        assertThat(new PlanProblem("below", "m").under("rules[2]").field()).isEqualTo("rules[2].below");
        assertThat(new PlanProblem("[0].code", "m").under("rules[2].conditions").field())
                .isEqualTo("rules[2].conditions[0].code");
        assertThat(new PlanProblem("", "m").under("rules[2]")).isEqualTo(new PlanProblem("rules[2]", "m"));
        assertThat(new PlanProblem(null, "m").under("rules[2]").field()).isEqualTo("rules[2]");
        PlanProblem own = new PlanProblem("zone", "m");
        assertThat(own.under("")).isSameAs(own);
        assertThat(own.under(null)).isSameAs(own);
    }

    @Test
    void aCheckOfANestedPartKeepsEachOfItsProblemsUnderThePart() {
        Problems p = new Problems();
        p.check("postDischarge", () -> {
            throw new InvalidCarePlanException(List.of(
                    new PlanProblem("rules[0].below", "must be a number"),
                    new PlanProblem("zone", "unknown time zone")));
        });
        p.check("version", () -> {
            throw new IllegalArgumentException("care plan version is missing");
        });
        InvalidCarePlanException e = catchThrowableOfType(p::throwIfAny, InvalidCarePlanException.class);
        assertThat(e.problems())
                .extracting(PlanProblem::field)
                .containsExactly("postDischarge.rules[0].below", "postDischarge.zone", "version");
    }

    @Test
    void aRefusedPlanNamesAtLeastOneProblem() {
        assertThatThrownBy(() -> new InvalidCarePlanException(List.of()))
                .isNotInstanceOf(InvalidCarePlanException.class)
                .hasMessageContaining("needs at least one problem");
        assertThat(new InvalidCarePlanException(List.of(new PlanProblem("a", "first"), new PlanProblem("b", "second")))
                        .getMessage())
                .isEqualTo("first; second");
    }
}
