package io.nara.ingest.patient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The span a trend chart shows and the bucket InfluxDB averages readings into. Pure.
 *
 * <p>Why buckets: a pulse oximeter worn at night sends one SpO2 and one pulse value a second, so 90 days can hold
 * millions of points; a chart a few hundred pixels wide shows at most a few hundred. The bucket is the smallest of a
 * ladder of round sizes that keeps a series at or below {@link #MAX_POINTS} buckets, and each bucket carries mean, min
 * and max, so a short desaturation still shows as the bucket's minimum. A daily weight stays one point per day in
 * every range up to 90 days (no bucket holds two mornings).
 *
 * @param name   what the caller asked for: 7d, 30d, 90d or discharge
 * @param from   the first instant shown (inclusive)
 * @param to     the last (exclusive): now
 * @param bucket the GROUP BY time(...) size
 */
public record TrendRange(String name, Instant from, Instant to, Duration bucket) {

    /** At most this many buckets per series. */
    public static final int MAX_POINTS = 300;

    /** Round bucket sizes, smallest first; chart ticks and InfluxDB's time grid both fall on them. */
    static final List<Duration> LADDER = List.of(
            Duration.ofMinutes(1),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(15),
            Duration.ofMinutes(30),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofHours(3),
            Duration.ofHours(6),
            Duration.ofHours(12),
            Duration.ofDays(1),
            Duration.ofDays(2),
            Duration.ofDays(7),
            Duration.ofDays(14),
            Duration.ofDays(28));

    /** The longest span "since discharge" may cover: a patient discharged years ago reads no more than this. */
    static final Duration LONGEST = Duration.ofDays(365);

    public TrendRange {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("range " + name + ": from " + from + " is not before to " + to);
        }
    }

    /**
     * @param range       7d, 30d, 90d or discharge
     * @param now         the end of the range
     * @param dischargeOn the discharge date of the care plan's post-discharge period, if it has one
     * @param zone        the home's time zone (the discharge day starts at its midnight)
     */
    public static TrendRange parse(String range, Instant now, Optional<LocalDate> dischargeOn, ZoneId zone) {
        if (range == null) {
            range = "30d";
        }
        Instant from = switch (range) {
            case "7d" -> now.minus(Duration.ofDays(7));
            case "30d" -> now.minus(Duration.ofDays(30));
            case "90d" -> now.minus(Duration.ofDays(90));
            case "discharge" -> {
                LocalDate day = dischargeOn.orElseThrow(() -> new IllegalArgumentException(
                        "vårdplanen har ingen utskrivning / the care plan has no discharge date"));
                Instant start = day.atStartOfDay(zone).toInstant();
                if (!start.isBefore(now)) {
                    throw new IllegalArgumentException("utskrivningen " + day + " har inte skett än / the discharge "
                            + day + " lies in the future");
                }
                yield start.isBefore(now.minus(LONGEST)) ? now.minus(LONGEST) : start;
            }
            default ->
                throw new IllegalArgumentException("range must be 7d, 30d, 90d or discharge, was '" + range + "'");
        };
        return new TrendRange(range, from, now, bucketFor(Duration.between(from, now)));
    }

    /** The smallest ladder size that cuts {@code span} into at most {@link #MAX_POINTS} buckets. */
    static Duration bucketFor(Duration span) {
        for (Duration size : LADDER) {
            if (span.toMillis() / size.toMillis() + (span.toMillis() % size.toMillis() == 0 ? 0 : 1) <= MAX_POINTS) {
                return size;
            }
        }
        return LADDER.get(LADDER.size() - 1);
    }

    /** The bucket as an InfluxQL duration literal. */
    public String influxBucket() {
        return influxDuration(bucket);
    }

    /** A duration as an InfluxQL literal in whole milliseconds (InfluxQL has no ISO-8601 durations). */
    static String influxDuration(Duration d) {
        return d.toMillis() + "ms";
    }
}
