package io.nara.ingest.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Notifications the dispatcher gave up on (state DEAD), for the operator to see and act on. */
public final class DeadLetters {

    /** One notification that will not be tried again, with the last error a channel gave. */
    public record DeadLetter(
            long id, long alertId, String channel, String target, int attempts, String lastError, Instant createdAt) {}

    private DeadLetters() {}

    /** The newest {@code limit} dead letters, newest first. */
    public static List<DeadLetter> newest(Connection c, int limit) throws SQLException {
        List<DeadLetter> rows = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT id, alert_id, channel, target, attempts, last_error, created_at "
                        + "FROM notification WHERE state = 'DEAD' ORDER BY id DESC LIMIT ?")) {
            q.setInt(1, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    rows.add(new DeadLetter(
                            r.getLong("id"),
                            r.getLong("alert_id"),
                            r.getString("channel"),
                            r.getString("target"),
                            r.getInt("attempts"),
                            r.getString("last_error"),
                            r.getTimestamp("created_at").toInstant()));
                }
            }
        }
        return rows;
    }
}
