package io.nara.ingest.observation;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;
import org.influxdb.dto.Point;

/**
 * Vital signs in InfluxDB, measurement {@code observation}: tags hub, patient, code, unit, device; fields value (absent
 * for a failed measurement), failed, seq, outbox, flags, received_ms.
 *
 * <p>Idempotent: a point's time is the reading's time truncated to the millisecond plus {@code seq mod 10^6}
 * nanoseconds. The same hub and seq always give the same point, so a replay overwrites it with itself, and two
 * readings of one series in the same millisecond never overwrite each other.
 *
 * <p>Blocking: every write is a synchronous HTTP request that returns once InfluxDB has it, which is what lets the
 * ingest acknowledge afterwards. Call from a worker thread.
 */
public final class ObservationStore implements AutoCloseable {

    public static final String MEASUREMENT = "observation";
    public static final String UNATTRIBUTED = "unattributed";

    /** Where and as whom to write. */
    public record Settings(String url, String user, String password, String database) {
        @Override
        public String toString() {
            return "Settings[" + url + "/" + database + " as " + user + "]";
        }
    }

    private final InfluxDB influx;
    private final String database;

    public ObservationStore(Settings settings) {
        this.influx = InfluxDBFactory.connect(settings.url(), settings.user(), settings.password());
        this.database = settings.database();
    }

    public void write(String hubId, ObservationBatch batch) {
        BatchPoints points = BatchPoints.database(database)
                .consistency(InfluxDB.ConsistencyLevel.ALL)
                .precision(TimeUnit.NANOSECONDS)
                .build();
        for (Observation o : batch.observations()) {
            points.point(point(hubId, batch.outbox(), o));
        }
        influx.write(points);
    }

    /**
     * Runs an InfluxQL query with bound parameters against the observation database and returns its first series as
     * rows by column name (times as RFC 3339 text, to the nanosecond). Blocking, like {@link #write}.
     */
    public List<Map<String, Object>> select(String influxQl, Map<String, Object> parameters) {
        BoundParameterQuery.QueryBuilder builder = BoundParameterQuery.QueryBuilder.newQuery(influxQl).forDatabase(database);
        parameters.forEach(builder::bind);
        QueryResult result = influx.query(builder.create());
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB refused the query: " + result.getError());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB refused the query: " + r.getError());
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                for (List<Object> values : series.getValues()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 0; i < series.getColumns().size(); i++) {
                        row.put(series.getColumns().get(i), values.get(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Whether InfluxDB answers; for the health check. */
    public boolean ping() {
        try {
            return influx.ping().isGood();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Point point(String hubId, String outbox, Observation o) {
        Point.Builder p = Point.measurement(MEASUREMENT)
                .time(pointTime(o), TimeUnit.NANOSECONDS)
                .tag("hub", hubId)
                .tag("patient", o.patientId() == null ? UNATTRIBUTED : o.patientId())
                .tag("code", o.code())
                .tag("unit", o.unit())
                .tag("device", o.deviceId())
                .addField("seq", o.seq())
                .addField("outbox", outbox)
                .addField("failed", o.value() == null)
                .addField("flags", o.flags().stream().map(ObservationFlag::name).sorted().collect(Collectors.joining(",")))
                .addField("received_ms", o.received().toEpochMilli());
        if (o.value() != null) {
            p.addField("value", o.value());
        }
        return p.build();
    }

    static long pointTime(Observation o) {
        Instant t = o.time();
        return t.toEpochMilli() * 1_000_000L + o.seq() % 1_000_000L;
    }

    @Override
    public void close() {
        influx.close();
    }
}
