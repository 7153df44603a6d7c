package io.nara.ingest.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the whole deployment's PostgreSQL says about its queues and its hubs: the same on every node (read each
 * {@link NodeMetrics#REFRESH}), so dashboards and rules take {@code max()} over the nodes, never {@code sum()}.
 * No patient, person or hub is named: counts and durations only.
 *
 * @param hubs                   hubs the cloud has heard from
 * @param hubsOffline            of those, the ones whose last will says offline or that were silent for {@link #SILENT}
 * @param hubOutboxPending       readings and alerts waiting in the hubs' outboxes (their last status), summed
 * @param notificationsPending   notifications not yet delivered
 * @param notificationsDead      notifications given up after their last attempt
 * @param fhirPushPending        readings waiting to be pushed to the journal
 * @param fhirPushDead           readings dead-lettered by the push
 * @param escalations            escalation steps in all alert trails
 * @param oldestPendingSeconds   age of the oldest pending notification, 0 when none
 * @param notificationP50Seconds median of created → delivered of the notifications delivered in the last 15 minutes
 * @param notificationP90Seconds the 90th percentile of the same
 */
public record DeploymentState(
        long hubs,
        long hubsOffline,
        long hubOutboxPending,
        long notificationsPending,
        long notificationsDead,
        long fhirPushPending,
        long fhirPushDead,
        long escalations,
        double oldestPendingSeconds,
        double notificationP50Seconds,
        double notificationP90Seconds) {

    /** A hub not heard from for this long counts as offline even without its last will. */
    public static final Duration SILENT = Duration.ofMinutes(15);

    public static final DeploymentState UNKNOWN = new DeploymentState(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Reads the figures in one transaction's snapshot. */
    public static DeploymentState read(Connection c, Instant now) throws SQLException {
        Timestamp nowTs = Timestamp.from(now);
        Map<String, Long> hub = counts(
                c,
                "SELECT count(*) AS hubs, "
                        + "count(*) FILTER (WHERE state = 'OFFLINE' OR last_seen_at < ?) AS offline, "
                        + "coalesce(sum(outbox_pending), 0) AS outbox_pending FROM hub",
                Timestamp.from(now.minus(SILENT)));
        Map<String, Long> notify = counts(
                c,
                "SELECT count(*) FILTER (WHERE state = 'PENDING') AS pending, "
                        + "count(*) FILTER (WHERE state = 'DEAD') AS dead FROM notification");
        Map<String, Long> push = counts(
                c,
                "SELECT count(*) FILTER (WHERE state = 'PENDING') AS pending, "
                        + "count(*) FILTER (WHERE state = 'DEAD') AS dead FROM fhir_push");
        Map<String, Long> escalated =
                counts(c, "SELECT count(*) AS escalated FROM alert_event WHERE kind = 'escalated'");
        double oldest = 0;
        double p50 = 0;
        double p90 = 0;
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(extract(epoch FROM ? - min(created_at)), 0) "
                + "AS oldest FROM notification WHERE state = 'PENDING'")) {
            q.setTimestamp(1, nowTs);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                oldest = Math.max(0, r.getDouble("oldest"));
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p50, "
                + "percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS p90 FROM (SELECT extract(epoch FROM delivered_at - "
                + "created_at) AS d FROM notification WHERE state = 'DELIVERED' AND delivered_at >= ?) x")) {
            q.setTimestamp(1, Timestamp.from(now.minus(Duration.ofMinutes(15))));
            try (ResultSet r = q.executeQuery()) {
                r.next();
                p50 = r.getDouble("p50");
                p90 = r.getDouble("p90");
            }
        }
        return new DeploymentState(
                hub.get("hubs"),
                hub.get("offline"),
                hub.get("outbox_pending"),
                notify.get("pending"),
                notify.get("dead"),
                push.get("pending"),
                push.get("dead"),
                escalated.get("escalated"),
                oldest,
                p50,
                p90);
    }

    /** The share of hubs offline, 0 when there are none. */
    public double offlineShare() {
        return hubs == 0 ? 0 : (double) hubsOffline / hubs;
    }

    /** The one row of a counting query, by column label. */
    private static Map<String, Long> counts(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            try (ResultSet r = q.executeQuery()) {
                r.next();
                Map<String, Long> values = new HashMap<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    String label = r.getMetaData().getColumnLabel(i);
                    values.put(label, r.getLong(label));
                }
                return values;
            }
        }
    }
}
