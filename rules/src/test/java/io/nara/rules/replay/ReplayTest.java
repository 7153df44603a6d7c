package io.nara.rules.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan replayed over readings: what the nurse would have received, counted per rule and severity. */
class ReplayTest {

    static final CarePlan TEMPLATE = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
    static final String SYS = "8480-6";
    static final String SPO2 = "59408-5";

    static List<Observation> readings(String... lines) {
        return ReadingsCsv.parse(List.of(lines), "p1").readings();
    }

    @Test
    void aLowPressureThatRecoversIsOneEpisodeOneAlertAndItsResolution() {
        Replay.Outcome o = new Replay()
                .run(
                        TEMPLATE,
                        readings(
                                "2026-11-23T06:00:00Z,8480-6,86,mm[Hg]",
                                "2026-11-23T07:00:00Z,8480-6,84,mm[Hg]",
                                "2026-11-23T08:00:00Z,8480-6,120,mm[Hg]"));
        assertThat(o.events())
                .extracting(r -> r.event().status() + " " + r.event().ruleId() + " " + r.at())
                .containsExactly(
                        "RAISED systolic-low 2026-11-23T06:00:00Z", "RESOLVED systolic-low 2026-11-23T08:00:00Z");
        assertThat(o.perRule()).containsExactly(new Replay.RuleCount("systolic-low", Severity.WARNING, 1, 1));
        assertThat(o.alerts()).isEqualTo(1);
        assertThat(o.episodes()).isEqualTo(1);
        assertThat(o.stillOpen()).isEmpty();
        assertThat(o.readings()).isEqualTo(3);
        assertThat(o.planVersion()).isEqualTo("1");
    }

    @Test
    void anEscalationCountsAsAnAlertOfTheWorseRuleButOpensNoNewEpisode() {
        Replay.Outcome o = new Replay()
                .run(
                        TEMPLATE,
                        readings("2026-11-23T06:00:00Z,8480-6,86,mm[Hg]", "2026-11-23T07:00:00Z,8480-6,76,mm[Hg]"));
        assertThat(o.perRule())
                .containsExactly(
                        new Replay.RuleCount("systolic-very-low", Severity.URGENT, 1, 0),
                        new Replay.RuleCount("systolic-low", Severity.WARNING, 1, 1));
        assertThat(o.alerts()).isEqualTo(2);
        assertThat(o.episodes()).isEqualTo(1);
        assertThat(o.stillOpen()).containsExactly("systolic-low");
    }

    @Test
    void readingsAreReplayedInTimeOrderWhateverOrderTheyAreGiven() {
        List<Observation> inOrder = readings(
                "2026-11-23T06:00:00Z,8480-6,120,mm[Hg]",
                "2026-11-23T07:00:00Z,8480-6,84,mm[Hg]",
                "2026-11-23T08:00:00Z,8480-6,122,mm[Hg]");
        List<Observation> reversed = new ArrayList<>(inOrder);
        Collections.reverse(reversed);
        Replay.Outcome a = new Replay().run(TEMPLATE, inOrder);
        Replay.Outcome b = new Replay().run(TEMPLATE, reversed);
        assertThat(b.events()).isEqualTo(a.events());
        assertThat(a.events())
                .extracting(r -> r.event().status())
                .containsExactly(AlertStatus.RAISED, AlertStatus.RESOLVED);
    }

    @Test
    void aStricterThresholdShowsItsBurdenBeforeTheDoctorSavesIt() {
        // A night of oximetry hovering at 91-93 %: the template's "below 92" (a WARNING that closes only after 5
        // minutes
        // at 92 or more) opens one episode for the whole night; "below 90" never opens one.
        List<String> lines = new ArrayList<>();
        double[] spo2 = {93, 91, 93, 91, 93, 91, 93};
        for (int i = 0; i < spo2.length; i++) {
            lines.add(Instant.parse("2026-11-23T01:00:00Z").plusSeconds(600L * i) + "," + SPO2 + "," + spo2[i] + ",%");
        }
        List<Observation> night = readings(lines.toArray(String[]::new));
        CarePlan loose = new CarePlan(
                "p1",
                "2",
                List.of(new ThresholdRule("spo2-low", SPO2, 90.0, null, Severity.URGENT, "SpO2 under 90", null, null)));
        assertThat(new Replay().run(TEMPLATE, night).perRule())
                .containsExactly(new Replay.RuleCount("spo2-low", Severity.WARNING, 1, 1));
        Replay.Outcome after = new Replay().run(loose, night);
        assertThat(after.perRule()).isEmpty();
        assertThat(after.alerts()).isZero();
        assertThat(after.planVersion()).isEqualTo("2");
    }

    @Test
    void anotherPatientsReadingsAreNotReplayed() {
        List<Observation> theirs = ReadingsCsv.parse(List.of("2026-11-23T06:00:00Z,8480-6,70,mm[Hg]"), "p2")
                .readings();
        Replay.Outcome o = new Replay().run(TEMPLATE, theirs);
        assertThat(o.readings()).isZero();
        assertThat(o.events()).isEmpty();
    }

    @Test
    void readingsBeforeTheWindowBuildTheHistoryButTheirAlertsAreNotCounted() {
        // The what-if's 30 days: a low pressure 40 days ago is not counted; the weights before the window are the low
        // that today's gain is measured from.
        List<Observation> all = readings(
                "2026-10-14T06:00:00Z,8480-6,84,mm[Hg]",
                "2026-10-14T07:00:00Z,8480-6,120,mm[Hg]",
                "2026-11-20T06:00:00Z,29463-7,80.0,kg",
                "2026-11-23T06:00:00Z,29463-7,82.5,kg");
        Replay.Outcome o = new Replay().run(TEMPLATE, all, Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(o.readings()).isEqualTo(1);
        assertThat(o.perRule()).containsExactly(new Replay.RuleCount("weight-gain-3d", Severity.WARNING, 1, 1));
        assertThat(o.events())
                .singleElement()
                .satisfies(r -> assertThat(r.at()).isEqualTo(Instant.parse("2026-11-23T06:00:00Z")));
        // A reading exactly at the window's start is counted.
        assertThat(new Replay()
                        .run(TEMPLATE, all, Instant.parse("2026-11-23T06:00:00Z"))
                        .readings())
                .isEqualTo(1);
    }

    @Test
    void nothingBreakingRaisesNothing() {
        Replay.Outcome o = new Replay().run(TEMPLATE, readings("2026-11-23T06:00:00Z,8480-6,120,mm[Hg]"));
        assertThat(o.events()).isEmpty();
        assertThat(o.perRule()).isEmpty();
        assertThat(o.alerts()).isZero();
        assertThat(o.episodes()).isZero();
    }
}
