package io.nara.ingest.observation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.influxdb.dto.QueryResult;

/**
 * One patient's readings in InfluxDB, wherever they are kept: every retention policy of the database and every
 * measurement in it (raw readings, one-minute rollups, and whatever is added later), found by asking InfluxDB rather
 * than from a list that could fall behind. What a patient's register extract and her erasure read and drop. Blocking:
 * on the ingest's InfluxDB worker pool only.
 */
public final class PatientSeries {

    private final InfluxDatabase influx;
    private final String patientParam;

    public PatientSeries(InfluxDatabase influx, String patientId) {
        this.influx = influx;
        this.patientParam = patientId;
    }

    /** A measurement in a retention policy. */
    record Place(String retentionPolicy, String measurement) {
        String from() {
            return InfluxDatabase.quote(retentionPolicy) + "." + InfluxDatabase.quote(measurement);
        }
    }

    List<Place> places() {
        List<Place> places = new ArrayList<>();
        for (String rp :
                column(influx.query(influx.newQuery("SHOW RETENTION POLICIES").create()), 0)) {
            for (String m : column(
                    influx.query(influx.newQuery("SHOW MEASUREMENTS ON " + InfluxDatabase.quote(influx.name()))
                            .create()),
                    0)) {
                places.add(new Place(rp, m));
            }
        }
        return places;
    }

    /** Every point of the patient: per place, its rows as objects (time as an ISO instant, tags and fields). */
    public JsonArray readAll() {
        JsonArray all = new JsonArray();
        for (Place place : places()) {
            QueryResult r = influx.query(influx.newQuery("SELECT * FROM " + place.from() + " WHERE patient = $p")
                    .bind("p", patientParam)
                    .create());
            JsonArray rows = new JsonArray();
            for (QueryResult.Series s : InfluxDatabase.series(r, 0)) {
                for (List<Object> values : s.getValues()) {
                    JsonObject row = new JsonObject()
                            .put("time", InfluxDatabase.time(values).toString());
                    for (int i = 1; i < s.getColumns().size(); i++) {
                        Object v = values.get(i);
                        if (v != null) {
                            row.put(s.getColumns().get(i), v);
                        }
                    }
                    rows.add(row);
                }
            }
            if (!rows.isEmpty()) {
                all.add(new JsonObject()
                        .put("retentionPolicy", place.retentionPolicy())
                        .put("measurement", place.measurement())
                        .put("points", rows));
            }
        }
        return all;
    }

    /** The time of the patient's newest point anywhere; null when she has none. */
    public Instant newest() {
        Instant newest = null;
        for (Place place : places()) {
            QueryResult r = influx.query(
                    influx.newQuery("SELECT * FROM " + place.from() + " WHERE patient = $p ORDER BY time DESC LIMIT 1")
                            .bind("p", patientParam)
                            .create());
            for (QueryResult.Series s : InfluxDatabase.series(r, 0)) {
                for (List<Object> values : s.getValues()) {
                    Instant t = InfluxDatabase.time(values);
                    newest = newest == null || t.isAfter(newest) ? t : newest;
                }
            }
        }
        return newest;
    }

    /** How many points the patient has, all places together. */
    public long count() {
        long n = 0;
        for (Object place : readAll()) {
            n += ((JsonObject) place).getJsonArray("points").size();
        }
        return n;
    }

    /**
     * Drops every series of the patient: all measurements in all retention policies (a series is dropped from every
     * shard). The number of points that were there.
     */
    public long drop() {
        long before = count();
        influx.query(influx.newQuery("DROP SERIES WHERE patient = $p")
                .bind("p", patientParam)
                .create());
        long after = count();
        if (after != 0) {
            throw new IllegalStateException(
                    "InfluxDB still holds " + after + " points of the patient after DROP SERIES");
        }
        return before;
    }

    private static List<String> column(QueryResult result, int index) {
        List<String> values = new ArrayList<>();
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            for (List<Object> row : s.getValues()) {
                values.add(String.valueOf(row.get(index)));
            }
        }
        return values;
    }
}
