package io.nara.ingest.patient;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.dto.QueryResult;

/**
 * The patient page's charts from InfluxDB: trends downsampled by InfluxDB itself from the
 * one-minute aggregates of usable readings ({@link ObservationRollup}: no failed, implausible or control readings), so
 * a page view reads tens of thousands of minutes instead of millions of 1 Hz samples. A bucket's mean is the sum of
 * its minutes' sums over the sum of their counts: every reading weighs the same. Times are minute-exact. Blocking:
 * call from a worker, never the event loop.
 */
public final class PatientReadings {

    /** One bucket of one signal. {@code at} is the bucket's start. */
    public record TrendPoint(Instant at, double mean, double min, double max, long n) {
    }

    private final InfluxDatabase influx;

    /** @param influx the node's InfluxDB client, which its owner closes */
    public PatientReadings(InfluxDatabase influx) {
        this.influx = influx;
    }

    /** Every signal of the patient over the range, one point per bucket that holds readings, per LOINC code. */
    public Map<String, List<TrendPoint>> trends(String patientId, TrendRange range, ZoneId zone) {
        QueryResult result = influx.query(influx.newQuery(
                        "SELECT sum(total) / sum(n), min(min), max(max), sum(n) FROM " + ObservationRollup.MEASUREMENT
                                + " WHERE patient = $patient AND time >= $from AND time < $to"
                                + " GROUP BY time(" + range.influxBucket() + "), code fill(none) tz('" + zone.getId()
                                + "')")
                .bind("patient", patientId).bind("from", range.from().toString())
                .bind("to", range.to().toString()).create());
        Map<String, List<TrendPoint>> byCode = new LinkedHashMap<>();
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            List<TrendPoint> points = new ArrayList<>();
            for (List<Object> row : s.getValues()) {
                // The rollup holds no row for a minute without a usable reading; NaN is never a number on the chart.
                if (row.get(1) instanceof Number mean && row.get(2) instanceof Number min
                        && row.get(3) instanceof Number max && row.get(4) instanceof Number n && n.longValue() > 0
                        && Double.isFinite(mean.doubleValue())) {
                    points.add(new TrendPoint(InfluxDatabase.time(row), mean.doubleValue(), min.doubleValue(),
                            max.doubleValue(), n.longValue()));
                }
            }
            byCode.put(s.getTags().get("code"), points);
        }
        return byCode;
    }
}
