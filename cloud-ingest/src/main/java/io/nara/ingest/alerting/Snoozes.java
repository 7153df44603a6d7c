package io.nara.ingest.alerting;

import io.nara.protocol.message.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Snoozes in force: one patient's rule (one direction of one signal), quiet until a time. */
public final class Snoozes {

    /** A snooze in force, set on {@code alertId} whose severity it was. */
    public record Active(long alertId, Instant until, Severity severity) {
        /** A snooze quiets only alerts no worse than the one snoozed: a new, worse one always pages. */
        public boolean covers(Severity incoming) {
            return !incoming.isWorseThan(severity);
        }
    }

    private Snoozes() {}

    public static Optional<Active> active(Connection c, String patientId, String ruleId, Instant now)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT s.alert_id, s.until, a.severity FROM snooze s JOIN alert a ON a.id = s.alert_id
                WHERE s.patient_id = ? AND s.rule_id = ? AND s.at <= ? AND s.until > ? ORDER BY s.until DESC LIMIT 1""")) {
            q.setString(1, patientId);
            q.setString(2, ruleId);
            q.setTimestamp(3, Timestamp.from(now));
            q.setTimestamp(4, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                return r.next()
                        ? Optional.of(new Active(
                                r.getLong("alert_id"),
                                r.getTimestamp("until").toInstant(),
                                Severity.valueOf(r.getString("severity"))))
                        : Optional.empty();
            }
        }
    }
}
