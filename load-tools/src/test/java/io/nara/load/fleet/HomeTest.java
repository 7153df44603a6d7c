package io.nara.load.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HomeTest {

    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

    private static Instant at(LocalDate day, int hour, int minute) {
        return ZonedDateTime.of(day, LocalTime.of(hour, minute), STOCKHOLM).toInstant();
    }

    @Test
    void everyHomeWeighsAndMeasuresOnceInTheMorningBurst() {
        Home home = new Home(7, new Home.Profile(false, 0, null, Duration.ZERO), STOCKHOLM);

        List<Home.Reading> day = home.readingsBetween(at(DAY, 0, 0), at(DAY.plusDays(1), 0, 0));

        assertThat(day)
                .extracting(r -> r.code().code())
                .containsExactly(
                        Vocabulary.BODY_WEIGHT.code(),
                        Vocabulary.SYSTOLIC.code(),
                        Vocabulary.DIASTOLIC.code(),
                        Vocabulary.HEART_RATE.code());
        assertThat(day).allSatisfy(r -> assertThat(r.at()).isBetween(at(DAY, 7, 0), at(DAY, 9, 5)));
        assertThat(day).allSatisfy(r -> assertThat(r.value()).isNotNaN());
    }

    @Test
    void consecutiveIntervalsGiveEachReadingExactlyOnce() {
        Home home = new Home(3, new Home.Profile(true, 2, null, Duration.ZERO), STOCKHOLM);
        Instant start = at(DAY, 21, 0);
        Instant end = at(DAY.plusDays(1), 10, 0);

        List<Home.Reading> whole = home.readingsBetween(start, end);
        List<Home.Reading> pieces = new ArrayList<>();
        for (Instant t = start; t.isBefore(end); t = t.plusMillis(61_700)) {
            Instant next = t.plusMillis(61_700).isAfter(end) ? end : t.plusMillis(61_700);
            pieces.addAll(home.readingsBetween(t, next));
        }

        assertThat(pieces).containsExactlyElementsOf(whole);
    }

    @Test
    void anOximetryHomeSendsTwoSamplesASecondThroughTheNightOnly() {
        Home home = new Home(1, new Home.Profile(true, 0, null, Duration.ZERO), STOCKHOLM);

        List<Home.Reading> night = home.readingsBetween(at(DAY, 22, 0), at(DAY.plusDays(1), 6, 0));
        List<Home.Reading> evening = home.readingsBetween(at(DAY, 12, 0), at(DAY, 22, 0));

        assertThat(night).hasSize(2 * 8 * 3600);
        assertThat(night)
                .filteredOn(r -> r.code().equals(Vocabulary.SPO2))
                .allSatisfy(r -> assertThat(r.value()).isBetween(93.0, 97.0));
        assertThat(evening).isEmpty();
    }

    @Test
    void aLowMorningComesEveryNthDayAndOnlyThen() {
        Home home = new Home(0, new Home.Profile(false, 3, null, Duration.ZERO), STOCKHOLM);
        long lowDays = 0;
        for (int d = 0; d < 30; d++) {
            LocalDate day = DAY.plusDays(d);
            double systolic = home.readingsBetween(at(day, 0, 0), at(day.plusDays(1), 0, 0)).stream()
                    .filter(r -> r.code().equals(Vocabulary.SYSTOLIC))
                    .findFirst()
                    .orElseThrow()
                    .value();
            assertThat(systolic == Home.LOW_SYSTOLIC).isEqualTo(home.lowMorning(day));
            lowDays += home.lowMorning(day) ? 1 : 0;
        }
        assertThat(lowDays).isEqualTo(10);
    }

    @Test
    void anOfflineHomeIsOfflineForItsWindowAcrossMidnight() {
        Home home = new Home(5, new Home.Profile(false, 0, LocalTime.of(23, 0), Duration.ofHours(3)), STOCKHOLM);

        assertThat(home.offlineAt(at(DAY, 22, 59))).isFalse();
        assertThat(home.offlineAt(at(DAY, 23, 0))).isTrue();
        assertThat(home.offlineAt(at(DAY.plusDays(1), 1, 59))).isTrue();
        assertThat(home.offlineAt(at(DAY.plusDays(1), 2, 0))).isFalse();
    }

    @Test
    void profilesFollowTheFleetShares() {
        int oximetry = 0;
        int offline = 0;
        for (int i = 0; i < 10_000; i++) {
            Home.Profile profile = Home.Profile.draw(42, i, 0.1, 0.02, 0.05);
            oximetry += profile.oximetryAtNight() ? 1 : 0;
            offline += profile.offlineFrom() != null ? 1 : 0;
            assertThat(profile).isEqualTo(Home.Profile.draw(42, i, 0.1, 0.02, 0.05));
        }
        assertThat(oximetry).isBetween(900, 1100);
        assertThat(offline).isBetween(400, 600);
    }
}
