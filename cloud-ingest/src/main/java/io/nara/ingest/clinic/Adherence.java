package io.nara.ingest.clinic;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measurement adherence: of the measurements the care plan asks for ({@code every} P1D = one a day), how many were
 * taken. A window is cut into slots of {@code every} counted from its start; a slot is taken when at least one usable
 * reading of the code falls in it, however many. Slots before monitoring began ({@code since}) are not expected.
 * Pure.
 */
public final class Adherence {

    /** Expected and taken slots. */
    public record Count(int expected, int taken) {
        public Count {
            if (taken > expected || taken < 0) {
                throw new IllegalArgumentException("taken " + taken + " of " + expected);
            }
        }

        public int missed() {
            return expected - taken;
        }

        public Count plus(Count other) {
            return new Count(expected + other.expected, taken + other.taken);
        }

        public static Count none() {
            return new Count(0, 0);
        }
    }

    private Adherence() {}

    /**
     * Every measurement the plan expects, counted together over one window (the worklist's week, a patient's share of
     * an evaluation month).
     *
     * @param measured the times of the patient's usable readings by code ({@link ClinicReadings#measuredHours})
     */
    public static Count ofPlan(
            CarePlan plan, Instant from, Instant to, Instant since, Map<String, List<Instant>> measured) {
        Count total = Count.none();
        for (ExpectedMeasurement e : plan.expected()) {
            total = total.plus(count(from, to, e.every(), since, measured.getOrDefault(e.code(), List.of())));
        }
        return total;
    }

    /**
     * @param from     the window's start (inclusive)
     * @param to       the window's end (exclusive)
     * @param every    how often the plan asks for the measurement
     * @param since    when monitoring began; slots that start before it are not expected (null: no limit)
     * @param readings the times of the usable readings of the code
     */
    public static Count count(Instant from, Instant to, Duration every, Instant since, Collection<Instant> readings) {
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("every must be positive, was " + every);
        }
        long slots = Duration.between(from, to).toMillis() / every.toMillis();
        long firstSlot = 0;
        if (since != null && since.isAfter(from)) {
            // the first whole slot that starts at or after `since`
            firstSlot = (Duration.between(from, since).toMillis() + every.toMillis() - 1) / every.toMillis();
        }
        Set<Long> taken = new HashSet<>();
        for (Instant at : readings) {
            if (at.isBefore(from) || !at.isBefore(to)) {
                continue;
            }
            long slot = Duration.between(from, at).toMillis() / every.toMillis();
            if (slot >= firstSlot && slot < slots) {
                taken.add(slot);
            }
        }
        int expected = (int) Math.max(0, slots - firstSlot);
        return new Count(expected, taken.size());
    }
}
