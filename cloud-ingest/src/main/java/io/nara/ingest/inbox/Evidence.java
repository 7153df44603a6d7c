package io.nara.ingest.inbox;

import io.nara.ingest.observation.ObservationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;

/**
 * The readings behind an alert: the same signal of the same patient over the days before it, from InfluxDB, for the
 * inbox's small chart. Blocking: call from a worker.
 */
public final class Evidence implements AutoCloseable {

    /** One reading. */
    public record Point(Instant at, double value) {
    }

    private static final Duration WINDOW = Duration.ofDays(7);
    private static final int MAX_POINTS = 500;

    private final InfluxDB influx;
    private final String database;

    public Evidence(ObservationStore.Settings settings) {
        this.influx = InfluxDBFactory.connect(settings.url(), settings.user(), settings.password());
        this.database = settings.database();
    }

    public List<Point> readings(String patientId, String code, Instant around) {
        List<Point> points = new ArrayList<>();
        if (code == null) {
            return points;
        }
        QueryResult result = influx.query(BoundParameterQuery.QueryBuilder.newQuery(
                        "SELECT value FROM observation WHERE patient = $patient AND code = $code AND time >= $from "
                                + "AND time <= $to ORDER BY time DESC LIMIT " + MAX_POINTS)
                .forDatabase(database).bind("patient", patientId).bind("code", code)
                .bind("from", around.minus(WINDOW).toString()).bind("to", around.plus(Duration.ofHours(1)).toString())
                .create(), TimeUnit.MILLISECONDS);
        if (result.hasError() || result.getResults().isEmpty() || result.getResults().get(0).getSeries() == null) {
            return points;
        }
        for (List<Object> row : result.getResults().get(0).getSeries().get(0).getValues()) {
            if (row.get(1) instanceof Number n) {
                points.add(new Point(Instant.ofEpochMilli(((Number) row.get(0)).longValue()), n.doubleValue()));
            }
        }
        points.sort((a, b) -> a.at().compareTo(b.at()));
        return points;
    }

    /** The newest reading of one signal. */
    public record Latest(String code, String unit, double value, Instant at) {
    }

    /** The newest successful reading of each of the patient's signals, by code. */
    public List<Latest> latest(String patientId) {
        List<Latest> latest = new ArrayList<>();
        QueryResult result = influx.query(BoundParameterQuery.QueryBuilder.newQuery(
                        "SELECT last(value) FROM observation WHERE patient = $patient GROUP BY code, unit")
                .forDatabase(database).bind("patient", patientId).create(), TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB: " + result.getError());
        }
        if (result.getResults().isEmpty() || result.getResults().get(0).getSeries() == null) {
            return latest;
        }
        for (QueryResult.Series series : result.getResults().get(0).getSeries()) {
            for (List<Object> row : series.getValues()) {
                if (row.get(1) instanceof Number n) {
                    latest.add(new Latest(series.getTags().get("code"), series.getTags().get("unit"), n.doubleValue(),
                            Instant.ofEpochMilli(((Number) row.get(0)).longValue())));
                }
            }
        }
        latest.sort((a, b) -> a.code().compareTo(b.code()));
        return latest;
    }

    @Override
    public void close() {
        influx.close();
    }
}
