package io.nara.ingest.workqueue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table of work items delivered by every node at least once: the one claim/lease/settle mechanism of the
 * notification outbox and the FHIR push. The table has the columns {@code id, state ('PENDING', 'DELIVERED', 'DEAD',
 * and any of its own), attempts, next_attempt_at, lease_until, last_error, delivered_at}.
 *
 * <p>A claim takes due PENDING rows whose lease is free with {@code FOR UPDATE SKIP LOCKED}, counts the attempt and
 * leases them, so two nodes never work on the same row at once, and a node that dies mid-delivery leaves a lease that
 * runs out. A delivery is then settled in its own transaction: done, or failed (retry after a capped exponential
 * back-off, or DEAD with the reason once the attempts are spent, for the operator). The caller maps its own columns,
 * by name, and keeps its own logging and side effects (an alert's trail, a panel's readings).
 *
 * <p>Pure SQL on the caller's connection: callers run it in {@code Database.transaction}.
 */
public final class WorkQueue {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Maps one claimed row, read by column name. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    /**
     * How often an item is tried and how long it waits between tries.
     *
     * @param maxAttempts attempts before an item is dead, at least one
     * @param retryBase   the wait after the first failure; each further failure doubles it
     * @param retryCap    the longest wait
     */
    public record Policy(int maxAttempts, Duration retryBase, Duration retryCap) {

        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("a work queue needs at least one attempt, not " + maxAttempts);
            }
            if (retryBase == null || retryBase.isNegative() || retryCap == null || retryCap.isNegative()) {
                throw new IllegalArgumentException(
                        "a work queue's retry delays must be zero or more, not " + retryBase + " and " + retryCap);
            }
        }

        /** The wait after the n-th failed attempt: doubling from the base, at most the cap. */
        public Duration backoff(int attempts) {
            Duration d = retryBase.multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
            return d.compareTo(retryCap) > 0 ? retryCap : d;
        }

        /** What becomes of an item whose {@code attempts}-th attempt failed at {@code now}. */
        public Failure afterFailure(int attempts, Instant now) {
            return new Failure(attempts >= maxAttempts, now.plus(backoff(attempts)));
        }
    }

    /**
     * The decision on a failed attempt.
     *
     * @param dead        no attempt is left: the item is dead-lettered
     * @param nextAttempt when the item is due again (kept on a dead item too, as the time it would have been)
     */
    public record Failure(boolean dead, Instant nextAttempt) {}

    private final String table;
    private final Policy policy;

    /** @param table the queue's table; a plain SQL name, never user input */
    public WorkQueue(String table, Policy policy) {
        if (table == null || !NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.table = table;
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Claims up to {@code limit} due items, oldest due first, counting the attempt and leasing them until
     * {@code now + lease}; the lease must outlive a delivery, so a live node's item is not taken by another.
     *
     * @param columns the columns to return besides {@code id} and {@code attempts} (SQL select list, aliases welcome)
     */
    public <T> List<T> claim(Connection c, Instant now, Duration lease, int limit, String columns, Row<T> row)
            throws SQLException {
        List<T> claimed = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("UPDATE " + table
                + " SET attempts = attempts + 1, lease_until = ? "
                + "WHERE id IN (SELECT id FROM " + table + " WHERE state = 'PENDING' AND next_attempt_at <= ? "
                + "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT ? "
                + "FOR UPDATE SKIP LOCKED) RETURNING id, attempts" + (columns.isBlank() ? "" : ", " + columns))) {
            q.setTimestamp(1, Timestamp.from(now.plus(lease)));
            q.setTimestamp(2, Timestamp.from(now));
            q.setTimestamp(3, Timestamp.from(now));
            q.setInt(4, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    claimed.add(row.map(r));
                }
            }
        }
        return claimed;
    }

    /** Settles an item as delivered. */
    public void done(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE " + table + " SET state = 'DELIVERED', delivered_at = ?, "
                + "lease_until = NULL, last_error = NULL WHERE id = ?")) {
            u.setTimestamp(1, Timestamp.from(now));
            u.setLong(2, id);
            u.executeUpdate();
        }
    }

    /**
     * Settles a failed attempt: the item is due again after the back-off, or DEAD once its attempts are spent; the
     * error is kept either way. The caller logs and records the outcome where its users look.
     *
     * @param attempts the attempts so far, this one included (as claimed)
     */
    public Failure failed(Connection c, long id, int attempts, String error, Instant now) throws SQLException {
        Failure failure = policy.afterFailure(attempts, now);
        try (PreparedStatement u = c.prepareStatement("UPDATE " + table + " SET state = ?, next_attempt_at = ?, "
                + "lease_until = NULL, last_error = ? WHERE id = ?")) {
            u.setString(1, failure.dead() ? "DEAD" : "PENDING");
            u.setTimestamp(2, Timestamp.from(failure.nextAttempt()));
            u.setString(3, error);
            u.setLong(4, id);
            u.executeUpdate();
        }
        return failure;
    }
}
