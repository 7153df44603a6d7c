package io.nara.ingest.patient;

import io.nara.protocol.careplan.ExpectedMeasurement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;

/**
 * How adherence to one expected measurement is counted. Pure.
 *
 * <p>The last {@link #LOOKBACK} (or one period, for measurements expected less often) is cut into periods of the
 * plan's {@code every} that end now: [now − k·every, now − (k−1)·every). A period with at least one usable reading
 * counts as taken; several readings in one period count once. Periods end now, not at midnight, so a patient who
 * weighs herself at 07:00 every day is 7 of 7 at 06:00 as well as at 10:00. Failed readings carry no value and do not
 * count: the patient tried, but the nurse has no number.
 *
 * @param code     LOINC code
 * @param every    the plan's interval
 * @param by       the plan's time of day, if any (shown, not used for counting)
 * @param from     the start of the first period
 * @param to       now
 * @param periods  how many periods: the expected count
 * @param offset   {@code to} modulo {@code every} since the epoch, so InfluxDB's GROUP BY time(every, offset) grid
 *                 falls on the period boundaries
 */
public record AdherenceWindow(String code, Duration every, LocalTime by, Instant from, Instant to, int periods,
                              Duration offset) {

    public static final Duration LOOKBACK = Duration.ofDays(7);

    public static AdherenceWindow of(ExpectedMeasurement expected, Instant now) {
        Duration every = expected.every();
        int periods = (int) Math.max(1, LOOKBACK.toMillis() / every.toMillis());
        Instant from = now.minus(every.multipliedBy(periods));
        Duration offset = Duration.ofMillis(Math.floorMod(now.toEpochMilli(), every.toMillis()));
        return new AdherenceWindow(expected.code(), every, expected.by(), from, now, periods, offset);
    }

    /** The result for {@code bucketsWithReadings} periods that held a reading (never more than expected). */
    public Adherence result(String display, long bucketsWithReadings) {
        return new Adherence(code, display, every, by, from, periods, (int) Math.min(periods, bucketsWithReadings));
    }

    /** Expected and taken measurements of one kind over the window. */
    public record Adherence(String code, String display, Duration every, LocalTime by, Instant since, int expected,
                            int taken) {
    }
}
