package io.nara.rules.episode;

import static io.nara.rules.episode.Home.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.BaselineChangeRule;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.DeviceAttentionRule;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edges of each rule kind as clinical cases: the reading, the plan, and what must and must not reach the nurse.
 * Each case is one a changed comparison, formula or guard in the engine would get wrong.
 */
class ClinicalEdgeCasesTest {

    static final String WEIGHT = "29463-7";
    static final String SYS = "8480-6";
    static final String DIA = "8462-4";
    static final String HR = "8867-4";
    static final String NT_PRO_BNP = "33762-6";
    static final String CREATININE = "14682-9";
    static final CarePlan TEMPLATE = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");

    static CarePlan plan(String version, Rule... rules) {
        return new CarePlan("p1", version, List.of(rules));
    }

    // --- nt pro bnp rise over baseline ---

    @Test
    void aRiseOfMoreThanHalfTheLowestOfTheLast90DaysRaisesAWarningWithThePercentage() {
        Home home = new Home(TEMPLATE)
                .read("poct", NT_PRO_BNP, 1000.0, day(0, 8))
                .read("poct", NT_PRO_BNP, 1510.0, day(14, 8));
        assertThat(home.seen()).containsExactly("RAISED ntprobnp-rise WARNING 1510.0");
        assertThat(home.events.get(0).message()).endsWith("(1000.0 → 1510.0 pg/mL, +51 %)");
    }

    @Test
    void exactlyHalfAboveBaselineIsNotMoreThanHalf() {
        Home home = new Home(TEMPLATE)
                .read("poct", NT_PRO_BNP, 1000.0, day(0, 8))
                .read("poct", NT_PRO_BNP, 1500.0, day(14, 8))
                .read("poct", NT_PRO_BNP, 1400.0, day(15, 8));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void aFallingOrSteadyValueNeverRaises() {
        Home home = new Home(TEMPLATE)
                .read("poct", NT_PRO_BNP, 2000.0, day(0, 8))
                .read("poct", NT_PRO_BNP, 2000.0, day(7, 8))
                .read("poct", NT_PRO_BNP, 900.0, day(14, 8));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void theFirstEverValueHasNoBaselineAndRaisesNothing() {
        assertThat(new Home(TEMPLATE)
                        .read("poct", NT_PRO_BNP, 25000.0, day(0, 8))
                        .seen())
                .isEmpty();
    }

    @Test
    void aValueOlderThanTheBaselineWindowIsNoLongerTheBaseline() {
        // 100 days ago the value was 1000; within the 90 days it was 1400. 1900 is +36 % of 1400, +90 % of 1000.
        Home home = new Home(TEMPLATE)
                .read("poct", NT_PRO_BNP, 1000.0, day(0, 8))
                .read("poct", NT_PRO_BNP, 1400.0, day(30, 8))
                .read("poct", NT_PRO_BNP, 1900.0, day(100, 8));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void aBaselineOfZeroIsNoBaseline() {
        // A zero (an assay's "below detection") would make any value an infinite rise.
        Home home =
                new Home(TEMPLATE).read("poct", NT_PRO_BNP, 0.0, day(0, 8)).read("poct", NT_PRO_BNP, 300.0, day(7, 8));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void aBaselineTheDoctorSetIsUsedInsteadOfTheLowestValue() {
        CarePlan plan = plan(
                "1",
                new BaselineChangeRule(
                        "bnp", NT_PRO_BNP, 50.0, 800.0, null, Severity.WARNING, "NT-proBNP", null, null, null));
        Home home =
                new Home(plan).read("poct", NT_PRO_BNP, 1300.0, day(0, 8)); // +62.5 % of 800; no earlier value needed
        assertThat(home.seen()).containsExactly("RAISED bnp WARNING 1300.0");
        assertThat(home.events.get(0).message()).endsWith("(800.0 → 1300.0 pg/mL, +63 %)");
        home.read("poct", NT_PRO_BNP, 1200.0, day(7, 8)); // exactly +50 %: back within limits
        assertThat(home.seen()).containsExactly("RAISED bnp WARNING 1300.0", "RESOLVED bnp INFO 1200.0");
    }

    @Test
    void creatinineRisingPastTheUrgentPercentageEscalatesTheSameEpisode() {
        Home home = new Home(TEMPLATE)
                .read("lab", CREATININE, 100.0, day(0, 8))
                .read("lab", CREATININE, 135.0, day(3, 8))
                .read("lab", CREATININE, 160.0, day(5, 8))
                .read("lab", CREATININE, 110.0, day(9, 8));
        assertThat(home.seen())
                .containsExactly(
                        "RAISED creatinine-rise WARNING 135.0",
                        "ESCALATED creatinine-rise-urgent URGENT 160.0",
                        "RESOLVED creatinine-rise-urgent INFO 110.0");
        // The resolution names the rule that last held, not the first of the episode.
        assertThat(home.events.get(2).message())
                .isEqualTo("Åter inom gränserna / Back within limits: "
                        + "Kreatinin över 50 % över basvärdet / Creatinine more than 50 % above baseline");
    }

    // --- weight gain ---

    @Test
    void exactlyTwoKiloInThreeDaysAndExactlyOneKiloOvernightAreNotMoreThanTheLimit() {
        Home home = new Home(TEMPLATE)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 81.0, day(1, 6))
                .read("scale", WEIGHT, 82.0, day(2, 6))
                .read("scale", WEIGHT, 82.0, day(3, 6));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void theLowExactlyThreeDaysBackCountsAndOneAMinuteOlderDoesNot() {
        Home inWindow = new Home(TEMPLATE)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 80.9, day(1, 6))
                .read("scale", WEIGHT, 81.6, day(2, 6))
                .read("scale", WEIGHT, 82.1, day(3, 6));
        assertThat(inWindow.seen()).containsExactly("RAISED weight-gain-3d WARNING 82.1");

        Home outside = new Home(TEMPLATE)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 80.9, day(1, 6))
                .read("scale", WEIGHT, 81.6, day(2, 6))
                .read("scale", WEIGHT, 82.1, day(3, 6).plus(Duration.ofMinutes(1)));
        assertThat(outside.seen()).isEmpty();
    }

    @Test
    void moreThanOneKiloOvernightRaisesTheOvernightRuleWithItsOwnNumbers() {
        Home home = new Home(TEMPLATE).read("scale", WEIGHT, 80.0, day(0, 6)).read("scale", WEIGHT, 81.2, day(1, 6));
        assertThat(home.seen()).containsExactly("RAISED weight-gain-overnight WARNING 81.2");
        assertThat(home.events.get(0).message()).endsWith("(80.0 → 81.2 kg, +1.2)");
    }

    @Test
    void aControlWeightOrAFailedWeighingIsNeitherTheLowNorTheNewestWeight() {
        Home home = new Home(TEMPLATE)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 60.0, day(1, 6), ObservationFlag.NOT_PATIENT_DATA) // a bag on the scale
                .read("scale", WEIGHT, 95.0, day(1, 7), ObservationFlag.NOT_PATIENT_DATA)
                .read("scale", WEIGHT, 80.5, day(2, 6));
        assertThat(home.seen()).isEmpty();
    }

    // --- low pressure with fast pulse ---

    @Test
    void readingsHoursApartAreTwoFindingsNotTheCombination() {
        Home home = new Home(TEMPLATE).read("cuff", SYS, 86.0, day(0, 6)).read("oximeter", HR, 104.0, day(0, 9));
        assertThat(home.seen())
                .containsExactly("RAISED systolic-low WARNING 86.0", "RAISED heart-rate-high WARNING 104.0");
    }

    @Test
    void readingsExactlyThirtyMinutesApartAreTheCombinationAndThirtyOneAreNot() {
        Home within = new Home(TEMPLATE)
                .read("cuff", SYS, 86.0, day(0, 6))
                .read("oximeter", HR, 104.0, day(0, 6).plus(Duration.ofMinutes(30)));
        assertThat(within.seen()).contains("RAISED hypotension-tachycardia URGENT 104.0");

        Home apart = new Home(TEMPLATE)
                .read("oximeter", HR, 104.0, day(0, 6))
                .read("cuff", SYS, 86.0, day(0, 6).plus(Duration.ofMinutes(31)));
        assertThat(apart.seen()).doesNotContain("RAISED hypotension-tachycardia URGENT 86.0");
        assertThat(apart.seen())
                .containsExactly("RAISED heart-rate-high WARNING 104.0", "RAISED systolic-low WARNING 86.0");
    }

    @Test
    void theCombinationNamesTheNewerOfTheTwoReadingsWhicheverCameFirst() {
        Home home = new Home(TEMPLATE)
                .read("oximeter", HR, 104.0, day(0, 6))
                .read("cuff", SYS, 86.0, day(0, 6).plus(Duration.ofMinutes(10)));
        assertThat(home.seen()).contains("RAISED hypotension-tachycardia URGENT 86.0");
    }

    @Test
    void aNormalPulseBreaksTheCombinationAndItResolves() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, 86.0, day(0, 6))
                .read("cuff", HR, 104.0, day(0, 6))
                .read("cuff", HR, 80.0, day(0, 7));
        assertThat(home.seen())
                .containsExactly(
                        "RAISED systolic-low WARNING 86.0",
                        "RAISED heart-rate-high WARNING 104.0",
                        "RAISED hypotension-tachycardia URGENT 104.0",
                        "RESOLVED heart-rate-high INFO 80.0",
                        "RESOLVED hypotension-tachycardia INFO 80.0");
    }

    // --- control solution and test data ---

    @Test
    void aControlReadingWithADangerousValueRaisesNothing() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, 70.0, day(0, 6), ObservationFlag.NOT_PATIENT_DATA)
                .read("cuff", HR, 130.0, day(0, 6), ObservationFlag.NOT_PATIENT_DATA);
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void aControlReadingWithANormalValueDoesNotCloseTheOpenAlert() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, 84.0, day(0, 6))
                .read("cuff", SYS, 120.0, day(0, 7), ObservationFlag.NOT_PATIENT_DATA);
        assertThat(home.seen()).containsExactly("RAISED systolic-low WARNING 84.0");
        assertThat(home.state().open()).containsKey("systolic-low");
    }

    @Test
    void failedControlMeasurementsDoNotCountAsTheDeviceFailing() {
        Home home = new Home(TEMPLATE);
        for (int h = 0; h < 5; h++) {
            home.read("cuff", SYS, null, day(0, 6 + h), ObservationFlag.NOT_PATIENT_DATA);
        }
        assertThat(home.seen()).isEmpty();
    }

    // --- device attention ---

    @Test
    void anAttemptWithOneFailedValueOfSeveralIsAFailedAttempt() {
        // A cuff that measures the pressure but loses the pulse three times in five: check the cuff.
        Home home = new Home(TEMPLATE);
        for (int h = 0; h < 3; h++) {
            home.read("cuff", SYS, 120.0, day(0, 6 + h))
                    .read("cuff", DIA, 70.0, day(0, 6 + h))
                    .read("cuff", HR, null, day(0, 6 + h));
        }
        assertThat(home.seen()).containsExactly("RAISED device-attention INFO");
        assertThat(home.events.get(0).message()).endsWith("(3 av/of 3 mätningar misslyckades/failed, cuff)");
        assertThat(home.events.get(0).value()).isNull();
        assertThat(home.events.get(0).episode()).startsWith("device-attention/cuff@");
    }

    @Test
    void aFailedValueReceivedBeforeTheGoodOnesStillMakesTheAttemptFailed() {
        Home home = new Home(TEMPLATE);
        for (int h = 0; h < 3; h++) {
            home.read("cuff", HR, null, day(0, 6 + h))
                    .read("cuff", SYS, 120.0, day(0, 6 + h))
                    .read("cuff", DIA, 70.0, day(0, 6 + h));
        }
        assertThat(home.seen()).containsExactly("RAISED device-attention INFO");
    }

    @Test
    void twoFailuresInFiveAttemptsAreNotYetAProblem() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, null, day(0, 6))
                .read("cuff", SYS, 120.0, day(0, 7))
                .read("cuff", SYS, null, day(0, 8))
                .read("cuff", SYS, 121.0, day(0, 9))
                .read("cuff", SYS, 122.0, day(0, 10));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void onlyTheLastFiveAttemptsCount() {
        // Three failures long ago, then good attempts: the device is fine now; a new failure is one of five.
        Home home = new Home(
                plan("1", new DeviceAttentionRule("check", 3, 5, Severity.INFO, "check the cuff", null, null, null)));
        for (int h = 0; h < 3; h++) {
            home.read("cuff", SYS, null, day(0, 6 + h));
        }
        for (int h = 0; h < 4; h++) {
            home.read("cuff", SYS, 120.0, day(1, 6 + h));
        }
        home.read("cuff", SYS, null, day(2, 6));
        assertThat(home.seen()).containsExactly("RAISED check INFO", "RESOLVED check INFO");
    }

    @Test
    void aPartlyFailedAttemptIsAFailureAndTheAlertShowsTheFailedMeasurementNotTheGoodOne() {
        // Three times the cuff gets the systolic pressure but not the diastolic: each attempt failed. The nurse must
        // see the failed measurement as the evidence, never "120 mmHg", which reads as a good blood pressure.
        Home home = new Home(
                plan("1", new DeviceAttentionRule("check", 3, 5, Severity.INFO, "check the cuff", null, null, null)));
        for (int h = 0; h < 3; h++) {
            home.read("cuff", SYS, 120.0, day(0, 6 + h));
            home.read("cuff", DIA, null, day(0, 6 + h));
        }
        assertThat(home.seen()).containsExactly("RAISED check INFO");
        assertThat(home.events.get(0).code()).isEqualTo(DIA);
        assertThat(home.events.get(0).message()).contains("3 av/of 3");
    }

    @Test
    void anotherDevicesFailuresDoNotCountForThisOne() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, null, day(0, 6))
                .read("scale", WEIGHT, null, day(0, 7))
                .read("oximeter", HR, null, day(0, 8));
        assertThat(home.seen()).isEmpty();
    }

    // --- same instant ---

    @Test
    void aSecondMeasurementInTheSameSecondWithAnotherValueIsANewReading() {
        Home home = new Home(TEMPLATE).read("cuff", SYS, 120.0, day(0, 6)).read("cuff", SYS, 84.0, day(0, 6));
        assertThat(home.seen()).containsExactly("RAISED systolic-low WARNING 84.0");
    }

    @Test
    void theSameValueAtTheSameInstantFromAnotherDeviceIsANewReading() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, 84.0, day(0, 6))
                .read("cuff", SYS, 120.0, day(0, 7))
                .read("cuff-2", SYS, 84.0, day(0, 6))
                .read("cuff-2", SYS, 120.0, day(0, 8));
        assertThat(home.state().history().size()).isEqualTo(4);
    }

    @Test
    void aReSentRecordAmongOthersAtTheSameInstantIsRecognised() {
        Home home = new Home(TEMPLATE)
                .read("cuff-1", SYS, 120.0, day(0, 6))
                .read("cuff-2", SYS, 121.0, day(0, 6))
                .read("cuff-3", SYS, 122.0, day(0, 6));
        ReadingHistory history = home.state().history();
        for (String device : List.of("cuff-1", "cuff-2", "cuff-3")) {
            double value = 120.0 + (device.charAt(5) - '1');
            assertThat(history.contains(new Reading(99, device, SYS, value, "mm[Hg]", day(0, 6), false, false)))
                    .as(device)
                    .isTrue();
            assertThat(history.contains(new Reading(99, device, SYS, value + 1, "mm[Hg]", day(0, 6), false, false)))
                    .as(device + " other value")
                    .isFalse();
        }
        assertThat(history.contains(new Reading(99, "cuff-1", DIA, 120.0, "mm[Hg]", day(0, 6), false, false)))
                .as("another code")
                .isFalse();
        assertThat(history.contains(new Reading(99, "cuff-1", SYS, 120.0, "mm[Hg]", day(0, 7), false, false)))
                .as("another time")
                .isFalse();
    }

    // --- plan changes ---

    @Test
    void removingOneRuleClosesOnlyItsEpisodeAndTheOthersStayOpen() {
        ThresholdRule sysLow = new ThresholdRule("sys-low", SYS, 90.0, null, Severity.WARNING, "low", null, null);
        ThresholdRule hrHigh = new ThresholdRule("hr-high", HR, null, 100.0, Severity.WARNING, "fast", null, null);
        DeviceAttentionRule device = new DeviceAttentionRule("check", 1, 1, Severity.INFO, "check", null, null, null);
        CarePlanEngine engine = new CarePlanEngine();
        CarePlan before = plan("1", sysLow, hrHigh, device);
        PatientState state = PatientState.empty();
        state = engine.evaluate(before, state, Home.obs(1, "p1", "cuff", SYS, 80.0, day(0, 6)), day(0, 6))
                .state();
        state = engine.evaluate(before, state, Home.obs(2, "p1", "cuff", HR, 120.0, day(0, 6)), day(0, 6))
                .state();
        state = engine.evaluate(before, state, Home.obs(3, "p1", "scale", WEIGHT, null, day(0, 6)), day(0, 6))
                .state();
        assertThat(state.open()).containsOnlyKeys("sys-low", "hr-high", "check/scale");

        Evaluation after = engine.evaluate(
                plan("2", hrHigh, device), state, Home.obs(4, "p1", "scale", WEIGHT, 80.0, day(0, 7)), day(0, 7));
        assertThat(after.events())
                .extracting(Home::line)
                .containsExactly("RESOLVED sys-low INFO", "RESOLVED check INFO");
        assertThat(after.events().get(0).message()).isEqualTo(CarePlanEngine.REMOVED_PREFIX + "sys-low");
        assertThat(after.state().open()).containsOnlyKeys("hr-high");
        assertThat(after.closed()).containsExactlyInAnyOrder("sys-low", "check/scale");
    }

    @Test
    void theResolutionOfAnEscalatedEpisodeGoesToWhoRespondsToTheWorseRule() {
        CarePlan plan = plan(
                "1",
                new ThresholdRule(
                        "sys-low",
                        SYS,
                        90.0,
                        null,
                        Severity.WARNING,
                        "under 90",
                        "district-nurses",
                        Duration.ofHours(1),
                        "bp"),
                new ThresholdRule(
                        "sys-very-low",
                        SYS,
                        80.0,
                        null,
                        Severity.URGENT,
                        "under 80",
                        "heart-team",
                        Duration.ofMinutes(15),
                        "bp"));
        Home home = new Home(plan)
                .read("cuff", SYS, 85.0, day(0, 6))
                .read("cuff", SYS, 75.0, day(0, 7))
                .read("cuff", SYS, 120.0, day(0, 8));
        assertThat(home.seen())
                .containsExactly(
                        "RAISED sys-low WARNING 85.0",
                        "ESCALATED sys-very-low URGENT 75.0",
                        "RESOLVED sys-very-low INFO 120.0");
        assertThat(home.events)
                .extracting(AlertEvent::respondFirst)
                .containsExactly("district-nurses", "heart-team", "heart-team");
        assertThat(home.events.get(1).escalateAfter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(home.events.get(2).message()).isEqualTo(CarePlanEngine.RESOLVED_PREFIX + "under 80");
        assertThat(home.events)
                .extracting(AlertEvent::episode)
                .containsOnly(home.events.get(0).episode());
        assertThat(home.events.get(2).status()).isEqualTo(AlertStatus.RESOLVED);
    }

    @Test
    void aLowerSeverityInAnEscalatedEpisodeNeitherRaisesNorResolves() {
        Home home = new Home(TEMPLATE).read("cuff", SYS, 75.0, day(0, 6)).read("cuff", SYS, 85.0, day(0, 7));
        assertThat(home.seen()).containsExactly("RAISED systolic-very-low URGENT 75.0");
        assertThat(home.state().open().get("systolic-low").severity()).isEqualTo(Severity.URGENT);
    }
}
