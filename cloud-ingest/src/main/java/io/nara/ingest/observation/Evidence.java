package io.nara.ingest.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.QueryResult;

/**
 * The readings behind an alert: the same signal of the same patient over the days before it, from InfluxDB, for the
 * inbox's small chart. Blocking: call from a worker.
 */
public final class Evidence {

    /** One reading. */
    public record Point(Instant at, double value) {
    }

    private static final Duration WINDOW = Duration.ofDays(7);
    private static final int MAX_POINTS = 500;

    private final InfluxDatabase influx;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public Evidence(InfluxDatabase influx) {
        this.influx = influx;
    }

    public List<Point> readings(String patientId, String code, Instant around) {
        List<Point> points = new ArrayList<>();
        if (code == null) {
            return points;
        }
        // Unchecked, as it always was: a refused query shows an alert without its evidence rather than failing.
        QueryResult result = influx.client().query(influx.newQuery(
                        "SELECT value FROM " + ObservationStore.EVERY_POLICY + " WHERE patient = $patient AND code = $code AND time >= $from "
                                + "AND time <= $to ORDER BY time DESC LIMIT " + MAX_POINTS)
                .bind("patient", patientId).bind("code", code)
                .bind("from", around.minus(WINDOW).toString()).bind("to", around.plus(Duration.ofHours(1)).toString())
                .create(), TimeUnit.MILLISECONDS);
        List<QueryResult.Series> series = result.hasError() ? List.of() : InfluxDatabase.series(result, 0);
        if (series.isEmpty()) {
            return points;
        }
        for (List<Object> row : series.get(0).getValues()) {
            if (row.get(1) instanceof Number n) {
                points.add(new Point(InfluxDatabase.time(row), n.doubleValue()));
            }
        }
        points.sort((a, b) -> a.at().compareTo(b.at()));
        return points;
    }

    /** The newest reading of one signal. */
    public record Latest(String code, String unit, double value, Instant at) {
    }

    /** How far back {@link #latest} looks: an older reading is no longer "the newest" a relative should be shown. */
    static final Duration LATEST_WITHIN = Duration.ofDays(30);

    /**
     * The newest usable reading of each of the patient's signals since {@link #LATEST_WITHIN} before {@code now}, by
     * code (no upper bound: a point's time carries its seq in the nanoseconds, and a hub's clock may run ahead).
     * Blocking: call from the influx worker.
     */
    public List<Latest> latest(String patientId, Instant now) {
        List<Latest> latest = new ArrayList<>();
        QueryResult result = influx.query(influx.newQuery(
                        "SELECT last(value) FROM " + ObservationStore.EVERY_POLICY + " WHERE patient = $patient AND time >= $from AND "
                                + ObservationRollup.USABLE + " GROUP BY code, unit")
                .bind("patient", patientId).bind("from", now.minus(LATEST_WITHIN).toString()).create());
        for (QueryResult.Series series : InfluxDatabase.series(result, 0)) {
            for (List<Object> row : series.getValues()) {
                if (row.get(1) instanceof Number n) {
                    latest.add(new Latest(series.getTags().get("code"), series.getTags().get("unit"), n.doubleValue(),
                            InfluxDatabase.time(row)));
                }
            }
        }
        latest.sort((a, b) -> a.code().compareTo(b.code()));
        return latest;
    }
}
