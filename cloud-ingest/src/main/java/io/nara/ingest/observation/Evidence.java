package io.nara.ingest.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The readings behind an alert: the same signal of the same patient around it, from InfluxDB, for the alert card's
 * chart; and the newest reading of each signal. Blocking: call from a worker.
 */
public final class Evidence {

    /** One reading. */
    public record Point(Instant at, double value) {}

    /** A chart of 48 hours holds a reading every six minutes at this many; a denser signal shows its newest. */
    private static final int MAX_POINTS = 500;

    private final ObservationQueries queries;

    /** How far back {@link #latest} looks: an older reading is no longer "the newest" a relative should be shown. */
    static final Duration LATEST_WITHIN = Duration.ofDays(30);

    /** @param influx the node's InfluxDB client, which its owner closes */
    public Evidence(InfluxDatabase influx) {
        this.queries = new ObservationQueries(influx);
    }

    /** The usable readings of one signal in [from, to], oldest first (at most the newest {@value #MAX_POINTS}). */
    public List<Point> readings(String patientId, String code, Instant from, Instant to) {
        List<Point> points = new ArrayList<>();
        if (code == null) {
            return points;
        }
        // Unchecked, as it always was: a refused query shows an alert without its evidence rather than failing.
        queries.recentValues(patientId, code, from, to, MAX_POINTS)
                .forEach(v -> points.add(new Point(v.at(), v.value())));
        return points;
    }

    /** The newest reading of one signal. */
    public record Latest(String code, String unit, double value, Instant at) {}

    /**
     * The newest usable reading of each of the patient's signals since {@link #LATEST_WITHIN} before {@code now}, by
     * code (no upper bound: a point's time carries its seq in the nanoseconds, and a hub's clock may run ahead).
     * Blocking: call from the influx worker.
     */
    public List<Latest> latest(String patientId, Instant now) {
        List<Latest> latest = new ArrayList<>();
        queries.latest(patientId, now, LATEST_WITHIN)
                .forEach(l -> latest.add(new Latest(l.code(), l.unit(), l.value(), l.at())));
        return latest;
    }
}
