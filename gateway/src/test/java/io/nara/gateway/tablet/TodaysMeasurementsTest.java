package io.nara.gateway.tablet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Today's measurements: a daily one is done by a reading since local midnight, a weekly one within its week. */
class TodaysMeasurementsTest {

    // 09:30 in Stockholm (UTC+1 in December).
    private static final Instant NOW = Instant.parse("2026-12-07T08:30:00Z");

    private static CarePlan plan() {
        return new CarePlan(
                "anna",
                "1",
                List.of(),
                List.of(
                        new ExpectedMeasurement(Vocabulary.BODY_WEIGHT.code(), Duration.ofDays(1), LocalTime.of(11, 0)),
                        new ExpectedMeasurement(Vocabulary.SYSTOLIC.code(), Duration.ofDays(1), null),
                        new ExpectedMeasurement(Vocabulary.INR.code(), Duration.ofDays(7), null)),
                null,
                null,
                null,
                null);
    }

    @Test
    void doneSinceLocalMidnightOrWithinItsPeriod() {
        Map<String, Instant> latest = Map.of(
                Vocabulary.BODY_WEIGHT.code(), Instant.parse("2026-12-06T23:05:00Z"), // 00:05 local today
                Vocabulary.SYSTOLIC.code(), Instant.parse("2026-12-06T22:55:00Z"), // 23:55 local yesterday
                Vocabulary.INR.code(), NOW.minus(Duration.ofDays(6)));
        List<TodaysMeasurements.Item> items = TodaysMeasurements.of(plan(), latest, NOW);
        assertThat(items).extracting(TodaysMeasurements.Item::done).containsExactly(true, false, true);
        assertThat(items.get(0).by()).isEqualTo(LocalTime.of(11, 0));
        assertThat(items.get(0).sv()).isEqualTo("Kroppsvikt");
        assertThat(items.get(1).sv()).isEqualTo("Blodtryck");
        assertThat(items.get(1).lastAt()).as("yesterday's is not today's").isNull();
    }

    @Test
    void nothingMeasuredIsAllMissingAndNoPlanIsNothingExpected() {
        assertThat(TodaysMeasurements.of(plan(), Map.of(), NOW))
                .extracting(TodaysMeasurements.Item::done)
                .containsOnly(false);
        assertThat(TodaysMeasurements.of(null, Map.of(), NOW)).isEmpty();
    }
}
