package io.nara.rules.episode;

import static io.nara.rules.episode.Home.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.Limits;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the hub keeps of a patient's readings between evaluations (bounded under a continuous stream, enough for the
 * rules' look-back), and the alert text it sends when a plan's message is as long as a message may be.
 */
class WhatTheHubRemembersTest {

    static final String WEIGHT = "29463-7";
    static final String SPO2 = "59408-5";

    static Reading reading(long seq, String code, double value, Instant at) {
        return new Reading(seq, "dev", code, value, "kg", at, false, false);
    }

    static List<Instant> times(ReadingHistory h, String code) {
        return Arrays.stream(h.of(code)).map(Reading::time).toList();
    }

    @Test
    void readingsOlderThanTheLookBackAreForgottenAndOneAtItsStartIsKept() {
        ReadingHistory h = ReadingHistory.of(List.of(
                reading(1, WEIGHT, 70, day(0, 6)),
                reading(2, WEIGHT, 71, day(1, 6)),
                reading(3, WEIGHT, 72, day(2, 6)),
                reading(4, SPO2, 97, day(0, 7))));
        ReadingHistory kept = h.trimmed(day(1, 6), 100);
        assertThat(times(kept, WEIGHT)).containsExactly(day(1, 6), day(2, 6));
        assertThat(times(kept, SPO2)).isEmpty();
        assertThat(kept.size()).isEqualTo(2);
        // Nothing older than the look-back: the history is kept as it is.
        assertThat(times(h.trimmed(day(0, 0), 100), WEIGHT)).containsExactly(day(0, 6), day(1, 6), day(2, 6));
    }

    @Test
    void aContinuousSignalKeepsOnlyItsNewestReadingsAndTheOtherSignalsKeepTheirs() {
        // A night of 1 Hz oximetry must not push the week's weights out, nor grow without bound.
        List<Reading> readings = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            readings.add(reading(s + 1, SPO2, 95, day(0, 2).plusSeconds(s)));
        }
        readings.add(reading(100, WEIGHT, 70, day(0, 6)));
        ReadingHistory kept = ReadingHistory.of(readings).trimmed(day(0, 0), 3);
        assertThat(times(kept, SPO2))
                .containsExactly(
                        day(0, 2).plusSeconds(7),
                        day(0, 2).plusSeconds(8),
                        day(0, 2).plusSeconds(9));
        assertThat(times(kept, WEIGHT)).containsExactly(day(0, 6));
        // Exactly as many as allowed: all kept.
        assertThat(times(ReadingHistory.of(readings).trimmed(day(0, 0), 10), SPO2))
                .hasSize(10);
    }

    @Test
    void theNewestTimeOfASignalIsThatOfItsNewestReadingEvenAFailedOne() {
        ReadingHistory h = ReadingHistory.of(List.of(
                reading(1, WEIGHT, 70, day(0, 6)), new Reading(2, "dev", WEIGHT, null, "kg", day(1, 6), true, false)));
        assertThat(h.latestTime(WEIGHT)).isEqualTo(day(1, 6));
        assertThat(h.latestUsable(WEIGHT).time()).isEqualTo(day(0, 6));
        assertThat(h.latestTime(SPO2)).isNull();
    }

    @Test
    void aPlanMessageAsLongAsAllowedStillFitsAnAlertWithItsNumbers() {
        // The doctor may write a message of the longest length allowed; the alert adds the numbers of the weight gain
        // in brackets. The nurse's text is cut to the limit with an ellipsis, never refused (the alert would be lost).
        String longMessage = "V".repeat(Limits.MAX_TEXT_LENGTH);
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new WindowChangeRule(
                        "gain", WEIGHT, Duration.ofDays(3), 2.0, Severity.WARNING, longMessage, null, null, null)));
        Home home = new Home(plan).read("scale", WEIGHT, 80.0, day(0, 6)).read("scale", WEIGHT, 82.5, day(1, 6));
        assertThat(home.events).hasSize(1);
        String text = home.events.get(0).message();
        assertThat(text).hasSize(Limits.MAX_TEXT_LENGTH).endsWith("V…");
        // A message of exactly the limit without numbers (a threshold rule) is sent whole.
        CarePlan threshold = new CarePlan(
                "p1",
                "1",
                List.of(new ThresholdRule(
                        "low", WEIGHT, 40.0, null, Severity.WARNING, longMessage, null, null, null, null, null, null)));
        Home thin = new Home(threshold).read("scale", WEIGHT, 35.0, day(0, 6));
        assertThat(thin.events.get(0).message()).isEqualTo(longMessage);
    }

    @Test
    void aHistoryRebuiltAfterARestartCountsAReSentRecordOnceAndKeepsTwoMeasurementsOfOneSecond() {
        // Read back from the hub's store in any order: the cuff's record sent twice is one reading; a second
        // measurement in the same second with another value, and the other cuff's, are readings of their own.
        Reading first = new Reading(1, "cuff", "8480-6", 120.0, "mm[Hg]", day(0, 6), false, false);
        Reading again = new Reading(2, "cuff", "8480-6", 120.0, "mm[Hg]", day(0, 6), false, false);
        Reading retaken = new Reading(3, "cuff", "8480-6", 84.0, "mm[Hg]", day(0, 6), false, false);
        Reading other = new Reading(4, "cuff-2", "8480-6", 120.0, "mm[Hg]", day(0, 6), false, false);
        Reading earlier = new Reading(5, "cuff", "8480-6", 130.0, "mm[Hg]", day(0, 5), false, false);
        ReadingHistory h = ReadingHistory.of(List.of(retaken, again, other, earlier, first));
        assertThat(h.of("8480-6")).containsExactly(earlier, first, retaken, other);
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.contains(again)).isTrue();
        assertThat(h.latestUsable("8480-6")).isEqualTo(other);
    }

    @Test
    void aReSentObservationIsADuplicateAndChangesNothing() {
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new ThresholdRule(
                        "low",
                        "8480-6",
                        90.0,
                        null,
                        Severity.WARNING,
                        "under 90",
                        "district-nurses",
                        Duration.ofHours(1),
                        null,
                        null,
                        null,
                        null)));
        CarePlanEngine engine = new CarePlanEngine();
        var o = Home.obs(7, "p1", "cuff", "8480-6", 84.0, day(0, 6));
        Evaluation first = engine.evaluate(plan, PatientState.empty(), o, day(0, 6));
        assertThat(first.duplicate()).isFalse();
        Evaluation again = engine.evaluate(plan, first.state(), o.withSeq(8), day(0, 6));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.events()).isEmpty();
        // The alert sent for the first carries everything the nurse and the escalation need.
        var alert = first.events().get(0).toAlert(41, day(0, 6));
        assertThat(alert.seq()).isEqualTo(41);
        assertThat(alert.patientId()).isEqualTo("p1");
        assertThat(alert.ruleId()).isEqualTo("low");
        assertThat(alert.value()).isEqualTo(84.0);
        assertThat(alert.respondFirst()).isEqualTo("district-nurses");
        assertThat(alert.escalateAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(alert.episode()).isEqualTo(first.events().get(0).episode());
    }
}
