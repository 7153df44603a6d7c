package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdherenceTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(7));

    @Test
    void aSlotIsTakenOnceHoweverManyReadingsFallInIt() {
        List<Instant> readings = List.of(FROM.plusSeconds(3600), FROM.plusSeconds(7200), // day 1, twice
                FROM.plus(Duration.ofDays(2)).plusSeconds(60), FROM.plus(Duration.ofDays(6)).plusSeconds(86_399));
        Adherence.Count c = Adherence.count(FROM, TO, Duration.ofDays(1), null, readings);
        assertThat(c).isEqualTo(new Adherence.Count(7, 3));
        assertThat(c.missed()).isEqualTo(4);
    }

    @Test
    void readingsOutsideTheWindowAndSlotsBeforeMonitoringBeganDoNotCount() {
        List<Instant> readings = List.of(FROM.minusSeconds(1), TO, FROM.plus(Duration.ofDays(5)));
        assertThat(Adherence.count(FROM, TO, Duration.ofDays(1), null, readings)).isEqualTo(new Adherence.Count(7, 1));
        // monitoring began mid-day 3: days 4 to 7 are expected
        Instant since = FROM.plus(Duration.ofDays(3)).plusSeconds(3600);
        assertThat(Adherence.count(FROM, TO, Duration.ofDays(1), since, readings)).isEqualTo(new Adherence.Count(3, 1));
    }

    @Test
    void twiceADayMeansFourteenSlotsAWeek() {
        assertThat(Adherence.count(FROM, TO, Duration.ofHours(12), null, List.of(FROM, FROM.plusSeconds(43_200))))
                .isEqualTo(new Adherence.Count(14, 2));
    }
}
