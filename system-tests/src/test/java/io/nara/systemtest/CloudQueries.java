package io.nara.systemtest;

import io.nara.ingest.observation.ObservationStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** What the cloud has stored for one hub: the questions the reliability tests ask of InfluxDB and PostgreSQL. */
final class CloudQueries {

    private final DevStack stack;
    private final Services.Ingest ingest;

    CloudQueries(DevStack stack, Services.Ingest ingest) {
        this.stack = stack;
        this.ingest = ingest;
    }

    /** The seq of every observation point of {@code hub}, one entry per point (duplicates would show twice). */
    List<Long> observationSeqs(String hub) {
        return seqs(ObservationStore.EVERY_POLICY, hub);
    }

    /** ... of the raw continuous samples only: the points in the raw-sample retention policy. */
    List<Long> rawSampleSeqs(String hub) {
        return seqs("\"" + ObservationStore.RAW_POLICY + "\".observation", hub);
    }

    private List<Long> seqs(String from, String hub) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(
                    "SELECT seq FROM " + from + " WHERE hub = '" + hub + "'",
                    ingest.influx().database()));
            if (result.hasError()) {
                throw new IllegalStateException(result.getError());
            }
            var series = result.getResults().get(0).getSeries();
            List<Long> seqs = new ArrayList<>();
            if (series != null) {
                for (var s : series) {
                    for (List<Object> row : s.getValues()) {
                        seqs.add(((Number) row.get(1)).longValue());
                    }
                }
            }
            return seqs;
        }
    }

    /** Points of {@code hub} per code, as (code, seq) in time order per series. */
    List<long[]> seqsInTimeOrder(String hub, String code) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(
                    "SELECT seq FROM " + ObservationStore.EVERY_POLICY + " WHERE hub = '" + hub + "' AND code = '"
                            + code + "' ORDER BY time ASC",
                    ingest.influx().database()));
            var series = result.getResults().get(0).getSeries();
            List<long[]> rows = new ArrayList<>();
            if (series != null) {
                for (List<Object> row : series.get(0).getValues()) {
                    rows.add(new long[] {((Number) row.get(1)).longValue()});
                }
            }
            return rows;
        }
    }

    /** Points of {@code hub} and {@code code} as "patient seq value", in time order. */
    List<String> pointsByPatient(String hub, String code) {
        try (InfluxDB influx = stack.influx()) {
            QueryResult result = influx.query(new Query(
                    "SELECT seq, value FROM " + ObservationStore.EVERY_POLICY + " WHERE hub = '" + hub
                            + "' AND code = '" + code + "' GROUP BY patient",
                    ingest.influx().database()));
            if (result.hasError()) {
                throw new IllegalStateException(result.getError());
            }
            var series = result.getResults().get(0).getSeries();
            List<String> points = new ArrayList<>();
            if (series != null) {
                for (var s : series) {
                    for (List<Object> row : s.getValues()) {
                        points.add(s.getTags().get("patient") + " " + ((Number) row.get(1)).longValue() + " "
                                + row.get(2));
                    }
                }
            }
            return points;
        }
    }

    /** The seq of every alert row of {@code hub}. */
    Set<Long> alertSeqs(String hub) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        ingest.postgres().jdbcUrl(),
                        ingest.postgres().user(),
                        ingest.postgres().password());
                PreparedStatement query = c.prepareStatement("SELECT seq FROM alert WHERE hub_id = ?")) {
            query.setString(1, hub);
            Set<Long> seqs = new HashSet<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
            return seqs;
        }
    }
}
