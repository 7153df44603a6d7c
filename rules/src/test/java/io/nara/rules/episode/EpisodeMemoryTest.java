package io.nara.rules.episode;

import static io.nara.rules.episode.Home.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.DeviceAttentionRule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an open episode remembers between readings: the weight it started from, and that device failures reported days
 * late are history, not news.
 */
class EpisodeMemoryTest {

    static final String WEIGHT = "29463-7";
    static final String SYS = "8480-6";
    static final CarePlan TEMPLATE = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");

    @Test
    void aWeightGainStaysOpenWhileThePatientStaysTwoKiloAboveTheWeightItStartedFrom() {
        // 80.0 kg on Monday, 82.5 on Thursday: over 2 kg in 3 days. On Saturday the Monday low is out of the 3-day
        // window, but the patient still carries 2.4 kg more than when the gain began: the fluid is still there, the
        // alert must not resolve. Only at 81.5 (1.5 kg above) is the episode over, and the overnight rule, which
        // measures from its own low, must not borrow the 3-day rule's starting weight to keep it open.
        Home home = new Home(TEMPLATE)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 80.5, day(1, 6))
                .read("scale", WEIGHT, 81.5, day(2, 6))
                .read("scale", WEIGHT, 82.5, day(3, 6))
                .read("scale", WEIGHT, 82.6, day(4, 6))
                .read("scale", WEIGHT, 82.4, day(5, 6));
        assertThat(home.seen()).containsExactly("RAISED weight-gain-3d WARNING 82.5");
        assertThat(home.events.get(0).message()).endsWith("(80.0 → 82.5 kg, +2.5)");
        home.read("scale", WEIGHT, 81.5, day(6, 6));
        assertThat(home.seen())
                .containsExactly("RAISED weight-gain-3d WARNING 82.5", "RESOLVED weight-gain-3d INFO 81.5");
    }

    @Test
    void deviceFailuresReportedDaysLateDoNotAskForTheDevice() {
        // The cuff failed three times on Monday, but the hub was offline and the records arrive on Wednesday: the
        // nurse is not sent to check a cuff that may have worked since.
        Home home = new Home(TEMPLATE);
        for (int i = 0; i < 3; i++) {
            home.receive(Home.obs(10 + i, "p1", "cuff", SYS, null, day(0, 6 + i)), day(2, 9));
        }
        assertThat(home.seen()).isEmpty();
        // The same three failures received as they happen do.
        Home live = new Home(TEMPLATE);
        for (int i = 0; i < 3; i++) {
            live.read("cuff", SYS, null, day(0, 6 + i));
        }
        assertThat(live.seen()).containsExactly("RAISED device-attention INFO");
    }

    @Test
    void anEscalatedWeightGainKeepsMeasuringFromTheWeightWhereTheGainBegan() {
        // Over 2 kg in 3 days is a warning, over 3 kg urgent. The gain began at 80.0 kg; after escalating at 84.2 the
        // patient is at 83.3 on Saturday: 3.3 kg above where it began, still urgent, though the 3-day low is 81.5.
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(
                        new WindowChangeRule(
                                "gain",
                                WEIGHT,
                                Duration.ofDays(3),
                                2.0,
                                Severity.WARNING,
                                "over 2 kg",
                                null,
                                null,
                                "weight"),
                        new WindowChangeRule(
                                "gain-urgent",
                                WEIGHT,
                                Duration.ofDays(3),
                                3.0,
                                Severity.URGENT,
                                "over 3 kg",
                                null,
                                null,
                                "weight")));
        Home home = new Home(plan)
                .read("scale", WEIGHT, 80.0, day(0, 6))
                .read("scale", WEIGHT, 81.0, day(1, 6))
                .read("scale", WEIGHT, 81.5, day(2, 6))
                .read("scale", WEIGHT, 82.5, day(3, 6))
                .read("scale", WEIGHT, 84.2, day(4, 6))
                .read("scale", WEIGHT, 83.3, day(5, 6));
        assertThat(home.seen()).containsExactly("RAISED gain WARNING 82.5", "ESCALATED gain-urgent URGENT 84.2");
        assertThat(home.state().open().get("weight").reference()).isEqualTo(80.0);
    }

    @Test
    void theDeviceAlertCountsTheFailuresAmongTheAttemptsThatCount() {
        // Six attempts, the last three failed: the nurse reads "3 of 5", the five the rule looks at.
        Home home = new Home(TEMPLATE);
        for (int i = 0; i < 3; i++) {
            home.read("cuff", SYS, 120.0, day(0, 6 + i));
        }
        for (int i = 0; i < 3; i++) {
            home.read("cuff", SYS, null, day(0, 10 + i));
        }
        assertThat(home.seen()).containsExactly("RAISED device-attention INFO");
        assertThat(home.events.get(0).message()).endsWith("(3 av/of 5 mätningar misslyckades/failed, cuff)");
    }

    @Test
    void failedControlMeasurementsAreNotCountedWhenThePatientsOwnMeasurementFails() {
        // Two failed checks with control solution, then one failed measurement of the patient: one failure of the
        // patient's, not three; the meter is not reported.
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new DeviceAttentionRule("check", 3, 5, Severity.INFO, "check the meter", null, null, null)));
        Home home = new Home(plan)
                .read("meter", SYS, null, day(0, 6), ObservationFlag.NOT_PATIENT_DATA)
                .read("meter", SYS, null, day(0, 7), ObservationFlag.NOT_PATIENT_DATA)
                .read("meter", SYS, null, day(0, 8));
        assertThat(home.seen()).isEmpty();
    }

    @Test
    void aRepeatedHighPressureShowsTheNewestReadingNotTheFirstOfTheRepeats() {
        Home home = new Home(TEMPLATE).read("cuff", SYS, 165.0, day(0, 6)).read("cuff", SYS, 172.0, day(0, 18));
        assertThat(home.seen()).containsExactly("RAISED systolic-high WARNING 172.0");
        assertThat(home.events.get(0).message()).endsWith("(2 av/of 2)");
    }

    @Test
    void aValueResolutionShowsTheReadingThatEndedItAndADeviceResolutionShowsNone() {
        Home home = new Home(TEMPLATE)
                .read("cuff", SYS, 84.0, day(0, 6))
                .read("cuff", SYS, null, day(0, 7))
                .read("cuff", SYS, null, day(0, 8))
                .read("cuff", SYS, null, day(0, 9))
                .read("cuff", SYS, 121.0, day(0, 10));
        assertThat(home.seen())
                .containsExactly(
                        "RAISED systolic-low WARNING 84.0",
                        "RAISED device-attention INFO",
                        "RESOLVED systolic-low INFO 121.0",
                        "RESOLVED device-attention INFO");
        AlertEvent pressure = home.events.get(2);
        assertThat(pressure.code()).isEqualTo(SYS);
        assertThat(pressure.unit()).isEqualTo("mm[Hg]");
        AlertEvent device = home.events.get(3);
        assertThat(device.code()).isNull();
        assertThat(device.value()).isNull();
        assertThat(device.unit()).isNull();
    }

    @Test
    void anEpisodeWhoseRuleWasRenamedResolvesUnderTheNameItWasRaisedWith() {
        // The doctor renames the rule of an open episode (same episode, new id): the resolution names the rule the
        // nurse was alerted for, and no team of the old rule is known any more.
        CarePlan before = new CarePlan(
                "p1",
                "1",
                List.of(new ThresholdRule(
                        "sys-low",
                        SYS,
                        90.0,
                        null,
                        Severity.WARNING,
                        "under 90",
                        "district-nurses",
                        null,
                        "bp",
                        null,
                        null,
                        null)));
        CarePlan after = new CarePlan(
                "p1",
                "2",
                List.of(new ThresholdRule(
                        "sys-below-90",
                        SYS,
                        90.0,
                        null,
                        Severity.WARNING,
                        "under 90 mmHg",
                        "heart-team",
                        null,
                        "bp",
                        null,
                        null,
                        null)));
        CarePlanEngine engine = new CarePlanEngine();
        Evaluation raised = engine.evaluate(
                before, PatientState.empty(), Home.obs(1, "p1", "cuff", SYS, 84.0, day(0, 6)), day(0, 6));
        Evaluation resolved =
                engine.evaluate(after, raised.state(), Home.obs(2, "p1", "cuff", SYS, 120.0, day(0, 7)), day(0, 7));
        assertThat(resolved.events()).extracting(Home::line).containsExactly("RESOLVED sys-low INFO 120.0");
        assertThat(resolved.events().get(0).message()).isEqualTo(CarePlanEngine.RESOLVED_PREFIX + "sys-low");
        assertThat(resolved.events().get(0).respondFirst()).isNull();
    }
}
