package io.nara.ingest.observation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * The InfluxDB retention policy of raw continuous samples ({@value ObservationStore#RAW_POLICY}): every node makes sure
 * on start that it exists with the configured duration, creating it or altering its duration (idempotent, so nodes
 * starting together agree). InfluxDB itself then drops the samples' shards once they are older than the duration.
 * Spot readings and the one-minute rollup stay in the database's default policy, which is left as it is (infinite:
 * the journal's period runs from a patient's last entry, so erasure, not a fixed age, removes them).
 * Blocking: call from a worker.
 */
public final class RawSamplePolicy {

    /** InfluxDB refuses a retention policy shorter than an hour. */
    public static final Duration SHORTEST = Duration.ofHours(1);

    /** What {@link #ensure} did. */
    public enum Outcome {
        CREATED,
        ALTERED,
        UNCHANGED
    }

    private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private RawSamplePolicy() {}

    /** Creates the policy with {@code duration}, or sets an existing one's duration to it. */
    public static Outcome ensure(InfluxDatabase influx, Duration duration) {
        requireStorable(duration);
        Optional<Duration> current = current(influx);
        if (current.isEmpty()) {
            try {
                run(
                        influx,
                        "CREATE RETENTION POLICY " + InfluxDatabase.quote(ObservationStore.RAW_POLICY) + " ON "
                                + InfluxDatabase.quote(influx.name()) + " DURATION " + literal(duration)
                                + " REPLICATION 1");
                return Outcome.CREATED;
            } catch (IllegalStateException e) {
                // Another node created it a moment ago, perhaps with an older setting: align it below.
                current = current(influx);
                if (current.isEmpty()) {
                    throw e;
                }
            }
        }
        if (current.get().equals(duration)) {
            return Outcome.UNCHANGED;
        }
        run(
                influx,
                "ALTER RETENTION POLICY " + InfluxDatabase.quote(ObservationStore.RAW_POLICY) + " ON "
                        + InfluxDatabase.quote(influx.name()) + " DURATION " + literal(duration));
        return Outcome.ALTERED;
    }

    /** The policy's duration now, if it exists (zero is InfluxDB's "infinite"). */
    public static Optional<Duration> current(InfluxDatabase influx) {
        QueryResult result =
                influx.query(new Query("SHOW RETENTION POLICIES ON " + InfluxDatabase.quote(influx.name())));
        for (QueryResult.Series s : InfluxDatabase.series(result, 0)) {
            int name = s.getColumns().indexOf("name");
            int duration = s.getColumns().indexOf("duration");
            for (List<Object> row : s.getValues()) {
                if (ObservationStore.RAW_POLICY.equals(row.get(name))) {
                    return Optional.of(parseGoDuration((String) row.get(duration)));
                }
            }
        }
        return Optional.empty();
    }

    /** A duration InfluxDB accepts for the policy, else a clear error. Pure. */
    public static Duration requireStorable(Duration duration) {
        if (duration == null || duration.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("raw continuous samples must be kept at least 1h (InfluxDB's shortest "
                    + "retention policy), not " + duration);
        }
        if (duration.toMillis() % 60_000 != 0) {
            throw new IllegalArgumentException("the raw-sample retention must be whole minutes, not " + duration);
        }
        return duration;
    }

    /** The InfluxQL duration literal, in whole minutes. Pure. */
    static String literal(Duration duration) {
        return duration.toMinutes() + "m";
    }

    /** InfluxDB's {@code SHOW RETENTION POLICIES} duration, such as {@code 720h0m0s} or {@code 0s}. Pure. */
    static Duration parseGoDuration(String text) {
        Matcher m = GO_DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalStateException("InfluxDB gave a retention duration Nära cannot read: '" + text + "'");
        }
        return Duration.ofHours(part(m.group(1))).plusMinutes(part(m.group(2))).plusSeconds(part(m.group(3)));
    }

    private static long part(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static void run(InfluxDatabase influx, String statement) {
        influx.query(new Query(statement, influx.name(), true));
    }
}
