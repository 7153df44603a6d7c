package io.nara.ingest.rejected;

import io.nara.ingest.db.Database;
import io.nara.protocol.HubTopic;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Payloads the ingest refused, with the reason, for an operator to inspect: the first {@value #KEPT_BYTES} bytes, the
 * size and the SHA-256 of the whole (a refused payload may be megabytes of junk). A hub re-sends what was never
 * acknowledged, so the same payload is counted, not stored again. Rows not seen for {@link #RETENTION} are deleted.
 */
public final class RejectedMessages {

    /** A refused payload as the operator sees it: its kept prefix as text, and its whole size. */
    public record Rejected(
            long id,
            String hubId,
            String topic,
            String problem,
            String payload,
            Integer payloadBytes,
            Instant firstSeen,
            Instant lastSeen,
            int times) {}

    /** How much of a refused payload is kept: enough to see what it was. */
    public static final int KEPT_BYTES = 4096;

    /** How long a refusal is kept after it was last seen. */
    public static final Duration RETENTION = Duration.ofDays(30);

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
                    INSERT INTO rejected_message (hub_id, topic, problem, payload, payload_sha256, payload_bytes,
                                                  unauthorised)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topic, payload_sha256)
                    DO UPDATE SET times = rejected_message.times + 1, last_seen = now(), problem = EXCLUDED.problem
                    """)) {
                upsert.setString(1, hubId);
                upsert.setString(2, topic);
                upsert.setString(3, problem);
                upsert.setBytes(4, payload.length <= KEPT_BYTES ? payload : Arrays.copyOf(payload, KEPT_BYTES));
                upsert.setBytes(5, sha256(payload));
                upsert.setInt(6, payload.length);
                upsert.setBoolean(7, unauthorised);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /** One row for the refusals of a hub that were counted, not kept one by one (see {@link RefusalLimiter}). */
    public Future<Void> keepCount(RefusalLimiter.Suppressed s, Duration window) {
        String topic = s.hubId() == null
                ? "(no hub topic)"
                : HubTopic.of(s.hubId(), HubTopic.Kind.OBS).name().replaceFirst("/obs$", "/#");
        String problem = s.count() + " further refusals from " + s.windowStart() + " for " + window
                + " counted, not kept one by one (rate limit)";
        byte[] marker = (topic + "@" + s.windowStart()).getBytes(StandardCharsets.UTF_8);
        return db.transaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO rejected_message (hub_id, topic, problem, payload, payload_sha256, payload_bytes, times)
                    VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (topic, payload_sha256) DO NOTHING""")) {
                insert.setString(1, s.hubId());
                insert.setString(2, topic);
                insert.setString(3, problem);
                insert.setBytes(4, new byte[0]);
                insert.setBytes(5, sha256(marker));
                insert.setLong(6, Math.min(s.count(), Integer.MAX_VALUE));
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** Deletes refusals last seen before {@code now} minus {@link #RETENTION}; how many. */
    public Future<Integer> purge(Instant now) {
        return db.transaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM rejected_message WHERE last_seen < ?")) {
                delete.setTimestamp(1, Timestamp.from(now.minus(RETENTION)));
                return delete.executeUpdate();
            }
        });
    }

    public static List<Rejected> newest(Connection c, int limit) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                SELECT id, hub_id, topic, problem, payload, payload_bytes, first_seen, last_seen, times
                FROM rejected_message ORDER BY last_seen DESC, id DESC LIMIT ?""")) {
            query.setInt(1, limit);
            List<Rejected> result = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byte[] payload = rows.getBytes("payload");
                    String shown = new String(payload, 0, Math.min(payload.length, KEPT_BYTES), StandardCharsets.UTF_8);
                    result.add(new Rejected(
                            rows.getLong("id"),
                            rows.getString("hub_id"),
                            rows.getString("topic"),
                            rows.getString("problem"),
                            shown,
                            (Integer) rows.getObject("payload_bytes"),
                            rows.getTimestamp("first_seen").toInstant(),
                            rows.getTimestamp("last_seen").toInstant(),
                            rows.getInt("times")));
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
