package io.nara.ingest.retention;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.RawSamplePolicy;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL retention: what the ingest keeps only for a while is deleted when its time is up, by every node every
 * {@link #EVERY} (the deletes are idempotent, so two nodes at once delete nothing twice). Patients, care plans, alerts
 * and their trails are the journal's and are not touched here; the access log is kept at least {@link #ACCESS_LOG_FLOOR}
 * whatever is configured, since the law requires the log of who read patient data to outlive the reads.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    public static final Duration EVERY = Duration.ofHours(1);
    /** The shortest access-log retention accepted (see deploy/PRODUCTION.md, "Retention"). */
    public static final Duration ACCESS_LOG_FLOOR = Duration.ofDays(5 * 365);
    /** Patientdatalagen 3 kap. 17 §: a record is kept at least ten years after its last entry. */
    public static final Duration JOURNAL_FLOOR = Duration.ofDays(3650);
    /** The default for raw continuous samples: a month of nights to look back at in full detail. */
    public static final Duration RAW_SAMPLES = Duration.ofDays(30);

    /**
     * How long each kind of row is kept.
     *
     * @param sessions               after a session expired
     * @param rejectedMessages       after a refused payload was last seen
     * @param deliveredNotifications after a notification was delivered (dead ones stay for the operator)
     * @param accessLog              after the read it records
     * @param journal                a patient's record after its last entry, before it may be erased on request
     *                               (never erased by these rounds: see {@code rights.ErasurePolicy})
     * @param rawSamples             raw continuous samples (1 Hz oximetry) in InfluxDB, by InfluxDB's own retention
     *                               policy ({@code observation.RawSamplePolicy}); their one-minute rollup is journal
     */
    public record Settings(
            Duration sessions,
            Duration rejectedMessages,
            Duration deliveredNotifications,
            Duration accessLog,
            Duration journal,
            Duration rawSamples) {
        public Settings {
            RawSamplePolicy.requireStorable(rawSamples);
            for (Duration d : new Duration[] {sessions, rejectedMessages, deliveredNotifications, accessLog, journal}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("a retention period must be positive");
                }
            }
            if (accessLog.compareTo(ACCESS_LOG_FLOOR) < 0) {
                throw new IllegalArgumentException("the access log must be kept at least " + ACCESS_LOG_FLOOR.toDays()
                        + " days, not " + accessLog.toDays());
            }
            if (journal.compareTo(JOURNAL_FLOOR) < 0) {
                throw new IllegalArgumentException("a patient's record must be kept at least " + JOURNAL_FLOOR.toDays()
                        + " days after its last entry, not " + journal.toDays());
            }
        }

        public static Settings defaults() {
            return new Settings(
                    Duration.ofDays(30),
                    Duration.ofDays(180),
                    Duration.ofDays(90),
                    Duration.ofDays(10 * 365),
                    JOURNAL_FLOOR,
                    RAW_SAMPLES);
        }
    }

    private static final Pattern SHORT = Pattern.compile("(\\d+)([mhd])");

    private final Database db;

    private final Clock clock;

    private final Settings settings;

    /** {@code 90d}, {@code 12h}, {@code 30m} or ISO-8601 ({@code P90D}); a clear error otherwise. */
    public static Duration parse(String text) {
        Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (like 90d, 12h, 30m or P90D)");
        }
    }

    public Retention(Database db, Clock clock, Settings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    /** Deletes what has expired now; the number of rows per table. */
    public Future<Map<String, Integer>> run() {
        Instant now = clock.instant();
        return db.transaction(c -> {
                    Map<String, Integer> deleted = new LinkedHashMap<>();
                    deleted.put(
                            "web_session",
                            delete(c, "DELETE FROM web_session WHERE expires_at < ?", now.minus(settings.sessions())));
                    deleted.put(
                            "rejected_message",
                            delete(
                                    c,
                                    "DELETE FROM rejected_message WHERE last_seen < ?",
                                    now.minus(settings.rejectedMessages())));
                    deleted.put(
                            "notification",
                            delete(
                                    c,
                                    // A cancelled one (a relative's consent withdrawn) was never sent: kept as long.
                                    "DELETE FROM notification WHERE state IN ('DELIVERED', 'CANCELLED') "
                                            + "AND coalesce(delivered_at, created_at) < ?",
                                    now.minus(settings.deliveredNotifications())));
                    deleted.put(
                            "access_log",
                            delete(c, "DELETE FROM access_log WHERE at < ?", now.minus(settings.accessLog())));
                    return deleted;
                })
                .onSuccess(deleted -> {
                    if (deleted.values().stream().anyMatch(n -> n > 0)) {
                        LOG.info("retention deleted {}", deleted);
                    }
                });
    }

    private static int delete(Connection c, String sql, Instant before) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(sql)) {
            delete.setTimestamp(1, Timestamp.from(before));
            return delete.executeUpdate();
        }
    }
}
