package io.nara.ingest.rejected;

import io.nara.ingest.db.Database;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads the ingest refused, kept whole with the reason for an operator to inspect. A hub re-sends what was never
 * acknowledged, so the same payload is counted, not stored again.
 */
public final class RejectedMessages {

    /** A refused payload as the operator sees it; the payload is shown as text, cut at 4 KiB. */
    public record Rejected(long id, String hubId, String topic, String problem, String payload, Instant firstSeen,
                           Instant lastSeen, int times) {
    }

    private static final int SHOWN_BYTES = 4096;

    private final Database db;

    public RejectedMessages(Database db) {
        this.db = db;
    }

    /** @param hubId the hub, or null when the topic did not name a valid one */
    public Future<Void> keep(String hubId, String topic, byte[] payload, String problem) {
        return keep(hubId, topic, payload, problem, false);
    }

    /**
     * Keeps a message the hub was not authorised to send (a patient or device not bound to it), counted apart from
     * malformed ones ({@code hub_refusals}, for the fleet page).
     */
    public Future<Void> keepUnauthorised(String hubId, String topic, byte[] payload, String problem) {
        return keep(hubId, topic, payload, problem, true);
    }

    private Future<Void> keep(String hubId, String topic, byte[] payload, String problem, boolean unauthorised) {
        return db.transaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO rejected_message (hub_id, topic, problem, payload, payload_sha256, unauthorised)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topic, payload_sha256)
                    DO UPDATE SET times = rejected_message.times + 1, last_seen = now(), problem = EXCLUDED.problem
                    """)) {
                upsert.setString(1, hubId);
                upsert.setString(2, topic);
                upsert.setString(3, problem);
                upsert.setBytes(4, payload);
                upsert.setBytes(5, sha256(payload));
                upsert.setBoolean(6, unauthorised);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    public static List<Rejected> newest(Connection c, int limit) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                SELECT id, hub_id, topic, problem, payload, first_seen, last_seen, times
                FROM rejected_message ORDER BY last_seen DESC, id DESC LIMIT ?""")) {
            query.setInt(1, limit);
            List<Rejected> result = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byte[] payload = rows.getBytes("payload");
                    String shown = new String(payload, 0, Math.min(payload.length, SHOWN_BYTES), StandardCharsets.UTF_8);
                    result.add(new Rejected(rows.getLong("id"), rows.getString("hub_id"), rows.getString("topic"),
                            rows.getString("problem"), shown, rows.getTimestamp("first_seen").toInstant(),
                            rows.getTimestamp("last_seen").toInstant(), rows.getInt("times")));
                }
            }
            return result;
        }
    }

    private static byte[] sha256(byte[] payload) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(payload);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
