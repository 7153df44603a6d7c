package io.nara.rules.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pulse oximeter at 1 Hz through two hours of a night, shaped like a recording: the patient hovers at 89–91 %
 * (crossing 90 % every few seconds, the noise of a finger probe), then truly desaturates to 85–88 % for 15 minutes,
 * then recovers to 93–95 %. A bare threshold pages the nurse again and again; the damped rule of the care plan
 * (below 90 % for 60 s opens, at or above 92 % for 5 minutes closes) raises the real event once and closes it once.
 */
class ContinuousSignalDampingTest {

    private static final String SPO2 = "59408-5";
    private static final Instant NIGHT = Instant.parse("2026-11-24T23:00:00Z");
    private static final int EVENT_FROM = 3_600;
    private static final int EVENT_TO = EVENT_FROM + 900;
    private static final int SECONDS = 7_200;

    /** The night, one whole-percent sample a second (oximeters report integers), the same every run. */
    private static List<Double> night() {
        Random random = new Random(20261124);
        List<Double> samples = new ArrayList<>(SECONDS);
        for (int s = 0; s < SECONDS; s++) {
            int value;
            if (s == 0) {
                value = 91; // the probe settles before the first reading is kept
            } else if (s < EVENT_FROM) {
                value = 89 + random.nextInt(3);
            } else if (s < EVENT_TO) {
                value = 85 + random.nextInt(4);
            } else {
                value = 93 + random.nextInt(3);
            }
            samples.add((double) value);
        }
        return samples;
    }

    private static Home overnight(ThresholdRule rule) {
        Home home = new Home(new CarePlan("patient-1", "v1", List.of(rule)));
        List<Double> samples = night();
        for (int s = 0; s < samples.size(); s++) {
            home.read("oximeter-1", SPO2, samples.get(s), NIGHT.plusSeconds(s));
        }
        return home;
    }

    private static long count(Home home, AlertStatus status) {
        return home.events.stream().filter(e -> e.status() == status).count();
    }

    @Test
    void aBareThresholdPagesTheNurseAgainAndAgain() {
        Home home = overnight(
                new ThresholdRule("spo2-low", SPO2, 90.0, null, Severity.URGENT, "SpO2 below 90 %", null, null));
        assertThat(count(home, AlertStatus.RAISED)).isGreaterThan(100);
    }

    @Test
    void theDampedRuleRaisesTheRealDesaturationOnceAndClosesItOnce() {
        Home home = overnight(new ThresholdRule(
                "spo2-low",
                SPO2,
                90.0,
                null,
                Severity.URGENT,
                "SpO2 below 90 %",
                null,
                null,
                null,
                Duration.ofSeconds(60),
                92.0,
                Duration.ofMinutes(5)));
        assertThat(count(home, AlertStatus.RAISED)).isEqualTo(1);
        assertThat(count(home, AlertStatus.RESOLVED)).isEqualTo(1);
        AlertEvent raised = home.events.get(0);
        AlertEvent resolved = home.events.get(1);
        // Raised about 60 s into the event (the run may begin with the last low samples of the hovering before it),
        // by the sample that completed the minute; closed 5 minutes after the recovery began.
        assertThat(raised.status()).isEqualTo(AlertStatus.RAISED);
        assertThat(raised.observationSeq()).isBetween(EVENT_FROM + 1 + 50L, EVENT_FROM + 1 + 60L);
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.observationSeq()).isEqualTo(EVENT_TO + 300 + 1);
    }

    @Test
    void aSpotCheckIsJudgedAtOnce() {
        // Damping is for streams: a single reading now and then (a spot check) is not held back by 'sustain'.
        Home home = new Home(new CarePlan(
                "patient-1",
                "v1",
                List.of(new ThresholdRule(
                        "spo2-low",
                        SPO2,
                        90.0,
                        null,
                        Severity.URGENT,
                        "SpO2 below 90 %",
                        null,
                        null,
                        null,
                        Duration.ofSeconds(60),
                        92.0,
                        Duration.ofMinutes(5)))));
        home.read("oximeter-1", SPO2, 95.0, NIGHT);
        home.read("oximeter-1", SPO2, 86.0, NIGHT.plus(Duration.ofHours(4)));
        assertThat(count(home, AlertStatus.RAISED)).isEqualTo(1);
        // Between 90 and 92 it is not yet recovered; a spot check at 94 four hours later closes it.
        home.read("oximeter-1", SPO2, 91.0, NIGHT.plus(Duration.ofHours(8)));
        assertThat(count(home, AlertStatus.RESOLVED)).isZero();
        home.read("oximeter-1", SPO2, 94.0, NIGHT.plus(Duration.ofHours(12)));
        assertThat(count(home, AlertStatus.RESOLVED)).isEqualTo(1);
    }
}
