package io.nara.ingest.homecare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What home-care staff reported ({@code home_care_report}; owner): a symptom or their own words, and the alert it
 * raised or joined, so the staff member sees whether a nurse has seen it. Nothing of the alert's clinical content
 * leaves here: only whether a person acknowledged it.
 */
final class HomeCareReports {

    /** A report as its author sees it. {@code seen}: a person acknowledged (or closed) the alert it is in. */
    record Mine(long id, String code, String text, Instant reportedAt, boolean sent, boolean seen, Instant seenAt) {}

    private HomeCareReports() {}

    /** Stores one report (a symptom code or words, not both); its id. */
    static long insert(Connection c, String patientId, String personId, String code, String text, Instant at)
            throws SQLException {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO home_care_report (patient_id, person_id, code, text,"
                + " reported_at) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
            i.setString(1, patientId);
            i.setString(2, personId);
            i.setString(3, code);
            i.setString(4, text);
            i.setTimestamp(5, Timestamp.from(at));
            try (ResultSet r = i.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The alert the report raised or joined. */
    static void link(Connection c, long reportId, Long alertId) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE home_care_report SET alert_id = ? WHERE id = ?")) {
            if (alertId == null) {
                u.setNull(1, Types.BIGINT);
            } else {
                u.setLong(1, alertId);
            }
            u.setLong(2, reportId);
            u.executeUpdate();
        }
    }

    /** The person's own reports about the patient, newest first, at most {@code limit}. */
    static List<Mine> mine(Connection c, String personId, String patientId, int limit) throws SQLException {
        List<Mine> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT h.id, h.code, h.text, h.reported_at, h.alert_id,
                       s.acknowledged_at, s.resolved_at, s.state
                FROM home_care_report h LEFT JOIN alert_state s ON s.alert_id = h.alert_id
                WHERE h.person_id = ? AND h.patient_id = ?
                ORDER BY h.reported_at DESC, h.id DESC LIMIT ?""")) {
            q.setString(1, personId);
            q.setString(2, patientId);
            q.setInt(3, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Timestamp ack = r.getTimestamp("acknowledged_at");
                    Timestamp resolved = r.getTimestamp("resolved_at");
                    Timestamp seenAt = ack != null ? ack : "RESOLVED".equals(r.getString("state")) ? resolved : null;
                    r.getLong("alert_id");
                    boolean sent = !r.wasNull();
                    out.add(new Mine(
                            r.getLong("id"),
                            r.getString("code"),
                            r.getString("text"),
                            r.getTimestamp("reported_at").toInstant(),
                            sent,
                            seenAt != null,
                            seenAt == null ? null : seenAt.toInstant()));
                }
            }
        }
        return out;
    }
}
