package io.nara.ingest.patient;

import io.nara.protocol.message.Severity;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The patient page's reads of PostgreSQL. Each takes the connection of the caller's transaction. */
final class PatientRecords {

    /** The patient's hub as its last status and message left it. */
    public record Hub(String hubId, String state, Instant lastSeenAt) {}

    /** A device bound to the patient or one that sent their readings: battery and newest reading. */
    public record Device(
            String hubId,
            String deviceId,
            String model,
            Integer batteryPercent,
            Instant batteryReportedAt,
            Instant lastReadingAt,
            List<String> codes) {}

    /** An alert on the patient's timeline with what became of it. */
    public record Mark(
            long alertId,
            String ruleId,
            Severity severity,
            String code,
            Double value,
            String unit,
            String message,
            Instant raisedAt,
            String state,
            String ownerName,
            String outcome,
            String outcomeNote,
            Instant resolvedAt) {}

    private static final int MAX_MARKS = 500;

    private PatientRecords() {}

    static String name(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM patient WHERE id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getString("name") : patientId;
            }
        }
    }

    /** When monitoring began ({@code care_plan.since}), or null without a plan. */
    static Instant monitoredSince(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT since FROM care_plan WHERE patient_id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? instant(r, "since") : null;
            }
        }
    }

    /** The latest discharge the team entered at or before {@code now}, or null. */
    static Instant lastDischarge(Connection c, String patientId, Instant now) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT max(discharged_at) AS discharged_at FROM admission "
                + "WHERE patient_id = ? AND discharged_at <= ?")) {
            q.setString(1, patientId);
            q.setTimestamp(2, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? instant(r, "discharged_at") : null;
            }
        }
    }

    static Optional<Hub> hub(Connection c, String hubId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT state, last_seen_at FROM hub WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                return r.next()
                        ? Optional.of(new Hub(hubId, r.getString("state"), instant(r, "last_seen_at")))
                        : Optional.empty();
            }
        }
    }

    /**
     * The devices the patient's hub binds to them (alone or as one of a shared device's users), and any other device
     * whose readings were theirs.
     */
    static List<Device> devices(Connection c, String patientId, String hubId) throws SQLException {
        String sql = """
                WITH bound AS (
                    SELECT h.hub_id, d->>'deviceId' AS device_id, d->>'model' AS model
                    FROM hub_config h, jsonb_array_elements(h.devices) d
                    WHERE h.hub_id = ? AND (d->>'patientId' = ?
                        OR coalesce(d->'users', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('patientId', ?::text)))),
                seen AS (
                    SELECT hub_id, device_id, max(at) AS last_at, array_agg(DISTINCT code ORDER BY code) AS codes
                    FROM latest_reading WHERE patient_id = ? GROUP BY hub_id, device_id)
                SELECT coalesce(b.hub_id, s.hub_id) AS hub_id, coalesce(b.device_id, s.device_id) AS device_id,
                       b.model, bt.percent,
                       bt.reported_at, s.last_at, s.codes
                FROM bound b FULL JOIN seen s ON s.hub_id = b.hub_id AND s.device_id = b.device_id
                LEFT JOIN device_battery bt ON bt.hub_id = coalesce(b.hub_id, s.hub_id)
                    AND bt.device_id = coalesce(b.device_id, s.device_id)
                ORDER BY 2, 1""";
        List<Device> devices = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, hubId);
            q.setString(2, patientId);
            q.setString(3, patientId);
            q.setString(4, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    int percent = r.getInt("percent");
                    Integer battery = r.wasNull() ? null : percent;
                    Array codes = r.getArray("codes");
                    devices.add(new Device(
                            r.getString("hub_id"),
                            r.getString("device_id"),
                            r.getString("model"),
                            battery,
                            instant(r, "reported_at"),
                            instant(r, "last_at"),
                            codes == null ? List.of() : List.of((String[]) codes.getArray())));
                }
            }
        }
        return devices;
    }

    /** Alerts (not the hubs' "episode over" messages) that are neither resolved nor closed, most severe first. */
    static List<Mark> openAlerts(Connection c, String patientId) throws SQLException {
        return marks(
                c,
                "a.patient_id = ? AND coalesce(s.state, 'OPEN') <> 'RESOLVED'",
                "CASE a.severity WHEN 'URGENT' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, a.raised_at DESC",
                patientId,
                null,
                null);
    }

    /** Alerts raised in [from, to), oldest first, with their state and the outcome the nurse recorded. */
    static List<Mark> timeline(Connection c, String patientId, Instant from, Instant to) throws SQLException {
        return marks(
                c,
                "a.patient_id = ? AND a.raised_at >= ? AND a.raised_at < ?",
                "a.raised_at, a.id",
                patientId,
                from,
                to);
    }

    private static List<Mark> marks(
            Connection c, String where, String order, String patientId, Instant from, Instant to) throws SQLException {
        String sql = "SELECT a.id, a.rule_id, a.severity, a.code, a.value, a.unit, a.message, a.raised_at, "
                + "coalesce(s.state, 'OPEN') AS state, w.name AS owner_name, s.outcome, s.outcome_note, s.resolved_at "
                + "FROM alert a LEFT JOIN alert_state s ON s.alert_id = a.id LEFT JOIN person w ON w.id = s.owner_id "
                + "WHERE a.status <> 'RESOLVED' AND " + where + " ORDER BY " + order + " LIMIT " + MAX_MARKS;
        List<Mark> marks = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, patientId);
            if (from != null) {
                q.setTimestamp(2, Timestamp.from(from));
                q.setTimestamp(3, Timestamp.from(to));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    double value = r.getDouble("value");
                    Double v = r.wasNull() || !Double.isFinite(value) ? null : value;
                    marks.add(new Mark(
                            r.getLong("id"),
                            r.getString("rule_id"),
                            Severity.valueOf(r.getString("severity")),
                            r.getString("code"),
                            v,
                            r.getString("unit"),
                            r.getString("message"),
                            instant(r, "raised_at"),
                            r.getString("state"),
                            r.getString("owner_name"),
                            r.getString("outcome"),
                            r.getString("outcome_note"),
                            instant(r, "resolved_at")));
                }
            }
        }
        return marks;
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
