package io.nara.ingest.clinic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Weight gain as the care plan's window rules see it: the newest reading minus the lowest reading in the window before
 * it (protocol {@code WindowChangeRule}): against the lowest, not the first, so losing and regaining counts. Pure.
 */
public final class WeightTrend {

    /** One weight reading, in kg. */
    public record Reading(Instant at, double kg) {}

    private WeightTrend() {}

    /** The gain over {@code window} up to the newest reading; empty without a reading or with only one in the window. */
    public static Optional<Double> gain(List<Reading> readings, Duration window) {
        Reading newest = null;
        for (Reading r : readings) {
            if (newest == null || r.at().isAfter(newest.at())) {
                newest = r;
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        Instant start = newest.at().minus(window);
        double lowest = Double.NaN;
        int inWindow = 0;
        for (Reading r : readings) {
            if (!r.at().isBefore(start) && !r.at().isAfter(newest.at())) {
                inWindow++;
                lowest = Double.isNaN(lowest) ? r.kg() : Math.min(lowest, r.kg());
            }
        }
        if (inWindow < 2) {
            return Optional.empty();
        }
        // rounded to 0.1 kg, as scales show it and the nurse reads it
        return Optional.of(Math.round((newest.kg() - lowest) * 10) / 10.0);
    }
}
