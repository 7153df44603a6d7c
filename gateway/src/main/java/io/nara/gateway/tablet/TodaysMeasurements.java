package io.nara.gateway.tablet;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * Today's measurements for the tablet: each the plan expects, done or still missing, from the readings the hub itself
 * holds (no cloud needed). A daily one is done by a reading since local midnight; a rarer one by a reading within its
 * period. Pure.
 */
public final class TodaysMeasurements {

    /** One expected measurement as the patient sees it; {@code lastAt} null when none in its period. */
    public record Item(String code, String sv, String en, LocalTime by, boolean done, Instant lastAt) {}

    private TodaysMeasurements() {}

    /** @param latest the newest time of the patient's readings of each code (what the hub holds) */
    public static List<Item> of(CarePlan plan, Map<String, Instant> latest, Instant now) {
        if (plan == null) {
            return List.of();
        }
        ZonedDateTime local = now.atZone(plan.zoneId());
        Instant midnight = local.toLocalDate().atStartOfDay(plan.zoneId()).toInstant();
        return plan.expected().stream()
                .map(e -> item(e, latest.get(e.code()), midnight, now))
                .toList();
    }

    /** The start of the period in which a reading counts as done. */
    static Instant periodStart(ExpectedMeasurement e, Instant midnight, Instant now) {
        return e.every().compareTo(Duration.ofDays(1)) <= 0 ? midnight : now.minus(e.every());
    }

    private static Item item(ExpectedMeasurement e, Instant last, Instant midnight, Instant now) {
        ClinicalCode code = Vocabulary.byCode(e.code()).orElseThrow();
        boolean done = last != null && !last.isBefore(periodStart(e, midnight, now));
        String sv = code.equals(Vocabulary.SYSTOLIC) ? "Blodtryck" : code.swedish();
        String en = code.equals(Vocabulary.SYSTOLIC) ? "Blood pressure" : code.display();
        return new Item(e.code(), sv, en, e.by(), done, done ? last : null);
    }
}
