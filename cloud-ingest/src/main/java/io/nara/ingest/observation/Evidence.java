package io.nara.ingest.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The readings behind an alert: the same signal of the same patient over the days before it, from InfluxDB, for the
 * inbox's small chart. Blocking: call from a worker.
 */
public final class Evidence {

    /** One reading. */
    public record Point(Instant at, double value) {}

    private static final Duration WINDOW = Duration.ofDays(7);
    private static final int MAX_POINTS = 500;

    private final ObservationQueries queries;

    /** How far back {@link #latest} looks: an older reading is no longer "the newest" a relative should be shown. */
    static final Duration LATEST_WITHIN = Duration.ofDays(30);

    /** @param influx the node's InfluxDB client, which its owner closes */
    public Evidence(InfluxDatabase influx) {
        this.queries = new ObservationQueries(influx);
    }

    public List<Point> readings(String patientId, String code, Instant around) {
        List<Point> points = new ArrayList<>();
        if (code == null) {
            return points;
        }
        // Unchecked, as it always was: a refused query shows an alert without its evidence rather than failing.
        queries.recentValues(patientId, code, around.minus(WINDOW), around.plus(Duration.ofHours(1)), MAX_POINTS)
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
