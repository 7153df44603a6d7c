package io.nara.ingest.observation;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * The one InfluxDB client of an ingest node and the database the observations are in. influx-java's client is
 * thread-safe and pools its HTTP connections, so every store and reader of the node shares it; whoever connected
 * closes it, once. Blocking: call from a worker, never the event loop.
 */
public record InfluxDatabase(InfluxDB client, String name) implements AutoCloseable {

    public static InfluxDatabase connect(ObservationStore.Settings settings) {
        return new InfluxDatabase(
                InfluxDBFactory.connect(settings.url(), settings.user(), settings.password()), settings.database());
    }

    /** A query with bound parameters against this database (bind values, never build them into the text). */
    public BoundParameterQuery.QueryBuilder newQuery(String influxQl) {
        return BoundParameterQuery.QueryBuilder.newQuery(influxQl).forDatabase(name);
    }

    /**
     * {@code (tag = $param0 OR tag = $param1 ...)} for {@code count} values, to bind with {@link #bindAnyOf}: the values
     * stay bound parameters, never text.
     */
    public static String anyOf(String tag, String param, int count) {
        StringBuilder clause = new StringBuilder("(");
        for (int i = 0; i < count; i++) {
            clause.append(i == 0 ? "" : " OR ")
                    .append(tag)
                    .append(" = $")
                    .append(param)
                    .append(i);
        }
        return clause.append(')').toString();
    }

    /** Binds the values of an {@link #anyOf} clause as {@code $param0, $param1, ...}. */
    public static BoundParameterQuery.QueryBuilder bindAnyOf(
            BoundParameterQuery.QueryBuilder query, String param, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            query.bind(param + i, values.get(i));
        }
        return query;
    }

    /**
     * Runs the query, times in epoch milliseconds, and fails when InfluxDB refused the request or any of its
     * statements: a partial answer would read as "no readings".
     */
    public QueryResult query(Query query) {
        QueryResult result = client.query(query, TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB: " + result.getError());
        }
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB: " + r.getError());
            }
        }
        return result;
    }

    /** The series the statement at {@code index} found; empty when it found none. */
    public static List<QueryResult.Series> series(QueryResult result, int index) {
        if (result.getResults().size() <= index
                || result.getResults().get(index).getSeries() == null) {
            return List.of();
        }
        return result.getResults().get(index).getSeries();
    }

    /** An identifier (database, retention policy, measurement) quoted for InfluxQL. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A row's time, from a query run with times in epoch milliseconds. */
    public static Instant time(List<Object> row) {
        return Instant.ofEpochMilli(((Number) row.get(0)).longValue());
    }

    @Override
    public void close() {
        client.close();
    }
}
