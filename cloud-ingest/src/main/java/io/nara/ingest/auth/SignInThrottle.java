package io.nara.ingest.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Slows password guessing without locking anyone out: failures are counted per source address and per user name
 * (known or not, so the answer never tells which names exist), and after a few free ones each further failure doubles
 * the wait before the next attempt from that address or for that name. The wait for a name is capped low (a nurse
 * whose name an attacker knows waits seconds, not a shift); the wait for an address grows up to the configured
 * maximum. A count is forgotten once its last failure is older than that maximum. Kept in PostgreSQL, so every
 * ingest node applies the same count; a key is locked (advisory, per transaction) while a guess is checked, so
 * parallel guesses queue. Only failures make rows.
 *
 * @param freeFailures failures of a name before it waits (an address gets four times as many)
 * @param longestWait  the longest wait of an address, and how long a count is remembered
 */
public record SignInThrottle(int freeFailures, Duration longestWait) {

    /** The longest wait for one user name: long enough to make guessing slow, short enough to never lock out. */
    static final Duration LONGEST_NAME_WAIT = Duration.ofSeconds(30);

    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    /** An attempt made before its wait was over; no password was checked. */
    public static final class Throttled extends RuntimeException {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super("för många försök, vänta " + retryAfterSeconds + " s / too many attempts, wait " + retryAfterSeconds
                    + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The keys an attempt is counted under. */
    public record Keys(String address, String name) {
        public static Keys of(String sourceAddress, String username) {
            return new Keys(
                    "address:" + (sourceAddress == null ? "unknown" : sourceAddress),
                    "name:" + (username == null ? "" : username.strip().toLowerCase(Locale.ROOT)));
        }

        List<String> both() {
            return List.of(address, name);
        }
    }

    /**
     * Locks both keys for this transaction and refuses when either still waits.
     *
     * @throws Throttled with the seconds left
     */
    public void check(Connection c, Keys keys, Instant now) throws SQLException {
        Instant until = now;
        for (String key : keys.both()) {
            // Held to the end of the transaction, also for a key that has no row yet: parallel guesses queue.
            try (PreparedStatement l = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                l.setString(1, "sign_in_throttle:" + key);
                l.execute();
            }
            try (PreparedStatement q = c.prepareStatement("SELECT not_before FROM sign_in_throttle WHERE key = ?")) {
                q.setString(1, key);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        Instant notBefore = r.getTimestamp("not_before").toInstant();
                        until = notBefore.isAfter(until) ? notBefore : until;
                    }
                }
            }
        }
        if (until.isAfter(now)) {
            throw new Throttled(Math.max(
                    1,
                    Duration.between(now, until).toMillis() / 1000
                            + (Duration.between(now, until).toMillis() % 1000 == 0 ? 0 : 1)));
        }
    }

    /** Counts a failure under both keys and sets their next allowed attempt. */
    public void failed(Connection c, Keys keys, Instant now) throws SQLException {
        count(c, keys.address(), freeFailures * 4, longestWait, now);
        count(
                c,
                keys.name(),
                freeFailures,
                LONGEST_NAME_WAIT.compareTo(longestWait) < 0 ? LONGEST_NAME_WAIT : longestWait,
                now);
        try (PreparedStatement d = c.prepareStatement("DELETE FROM sign_in_throttle WHERE last_failure < ?")) {
            d.setTimestamp(1, Timestamp.from(now.minus(longestWait).minus(longestWait)));
            d.executeUpdate(); // forgotten counts, so the table stays small
        }
    }

    /** A right password: the name's count starts again (the address's does not, or one known account would reset it). */
    public void succeeded(Connection c, Keys keys) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM sign_in_throttle WHERE key = ?")) {
            d.setString(1, keys.name());
            d.executeUpdate();
        }
    }

    private void count(Connection c, String key, int free, Duration cap, Instant now) throws SQLException {
        int failures;
        try (PreparedStatement q =
                c.prepareStatement("SELECT failures, last_failure FROM sign_in_throttle WHERE key = ? FOR UPDATE")) {
            q.setString(1, key);
            try (ResultSet r = q.executeQuery()) {
                failures =
                        !r.next() || r.getTimestamp("last_failure").toInstant().isBefore(now.minus(longestWait))
                                ? 1
                                : r.getInt("failures") + 1;
            }
        }
        Duration wait = wait(failures, free, cap);
        Instant notBefore = wait.isZero() ? Instant.EPOCH : now.plus(wait); // no wait: nothing to compare with
        try (PreparedStatement u = c.prepareStatement("INSERT INTO sign_in_throttle (key, failures, last_failure, "
                + "not_before) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures, "
                + "last_failure = EXCLUDED.last_failure, not_before = EXCLUDED.not_before")) {
            u.setString(1, key);
            u.setInt(2, failures);
            u.setTimestamp(3, Timestamp.from(now));
            u.setTimestamp(4, Timestamp.from(notBefore));
            u.executeUpdate();
        }
    }

    /** No wait for the first {@code free} failures, then 1 s, 2 s, 4 s, ... up to {@code cap}. Pure. */
    static Duration wait(int failures, int free, Duration cap) {
        if (failures < free) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - free, 30);
        Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
        return wait.compareTo(cap) > 0 ? cap : wait;
    }
}
