package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdherenceTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(7));

    @Test
    void aSlotIsTakenOnceHoweverManyReadingsFallInIt() {
        List<Instant> readings = List.of(
                FROM.plusSeconds(3600),
                FROM.plusSeconds(7200), // day 1, twice
                FROM.plus(Duration.ofDays(2)).plusSeconds(60),
                FROM.plus(Duration.ofDays(6)).plusSeconds(86_399));
        Adherence.Count c = Adherence.count(FROM, TO, Duration.ofDays(1), null, readings);
        assertThat(c).isEqualTo(new Adherence.Count(7, 3));
        assertThat(c.missed()).isEqualTo(4);
    }

    @Test
    void readingsOutsideTheWindowAndSlotsBeforeMonitoringBeganDoNotCount() {
        List<Instant> readings = List.of(FROM.minusSeconds(1), TO, FROM.plus(Duration.ofDays(5)));
        assertThat(Adherence.count(FROM, TO, Duration.ofDays(1), null, readings))
                .isEqualTo(new Adherence.Count(7, 1));
        // monitoring began mid-day 3: days 4 to 7 are expected
        Instant since = FROM.plus(Duration.ofDays(3)).plusSeconds(3600);
        assertThat(Adherence.count(FROM, TO, Duration.ofDays(1), since, readings))
                .isEqualTo(new Adherence.Count(3, 1));
    }

    @Test
    void twiceADayMeansFourteenSlotsAWeek() {
        assertThat(Adherence.count(FROM, TO, Duration.ofHours(12), null, List.of(FROM, FROM.plusSeconds(43_200))))
                .isEqualTo(new Adherence.Count(14, 2));
    }

    @Test
    void aPlanCountsEveryExpectedMeasurementTogether() {
        ThresholdRule rule = new ThresholdRule("systolic-low", "8480-6", 90.0, null, Severity.URGENT, "x", null, null);
        CarePlan plan = new CarePlan(
                "p1",
                "3",
                List.of(rule),
                List.of(
                        new ExpectedMeasurement("29463-7", Duration.ofDays(1), null),
                        new ExpectedMeasurement("8480-6", Duration.ofHours(12), null)),
                null,
                null,
                null,
                null);
        Map<String, List<Instant>> measured = Map.of(
                "29463-7",
                List.of(FROM, FROM.plus(Duration.ofDays(3))),
                "8480-6",
                List.of(FROM.plusSeconds(60)),
                "59408-5",
                List.of(FROM));
        assertThat(Adherence.ofPlan(plan, FROM, TO, null, measured)).isEqualTo(new Adherence.Count(7 + 14, 2 + 1));
    }
}
