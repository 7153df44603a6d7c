package io.nara.ingest.alerting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * The audit trail of an alert ({@code alert_event}) and the signal that an alert changed. Both are written in the
 * caller's transaction: a step and its record commit together or not at all.
 */
final class Trail {

    /** One step. Null fields do not apply. */
    public record Step(
            String kind,
            String actor,
            String fromTeam,
            String toTeam,
            Integer tier,
            List<String> people,
            boolean crossPrincipal,
            String outcome,
            String note) {
        public static Step of(String kind, String actor) {
            return new Step(kind, actor, null, null, null, null, false, null, null);
        }

        public Step note(String text) {
            return new Step(kind, actor, fromTeam, toTeam, tier, people, crossPrincipal, outcome, text);
        }
    }

    private Trail() {}

    /** Records a step; its id. */
    public static long record(Connection c, long alertId, Instant at, Step step) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert_event (alert_id, at, kind, actor, from_team, to_team, tier, people, cross_principal,
                                         outcome, note)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            insert.setLong(1, alertId);
            insert.setTimestamp(2, Timestamp.from(at));
            insert.setString(3, step.kind());
            insert.setString(4, step.actor());
            insert.setString(5, step.fromTeam());
            insert.setString(6, step.toTeam());
            insert.setObject(7, step.tier());
            insert.setArray(
                    8,
                    step.people() == null
                            ? null
                            : c.createArrayOf("text", step.people().toArray()));
            insert.setBoolean(9, step.crossPrincipal());
            insert.setString(10, step.outcome());
            insert.setString(11, step.note());
            try (ResultSet r = insert.executeQuery()) {
                r.next();
                return r.getLong("id");
            }
        }
    }

    /** Records each team routing passed over because nobody was on duty there ({@code route.skipped}). */
    public static void recordSkipped(Connection c, long alertId, Instant at, String actor, RouteDecision route)
            throws SQLException {
        for (String skipped : route.skipped()) {
            record(
                    c,
                    alertId,
                    at,
                    new Step(
                            "route.skipped",
                            actor,
                            skipped,
                            null,
                            null,
                            List.of(),
                            false,
                            null,
                            "nobody on duty / ingen i tjänst"));
        }
    }

    /** Tells every node (on commit) that the alert changed, so open inboxes update. */
    public static void changed(Connection c, long alertId) throws SQLException {
        AlertFeed.tell(c, AlertFeed.CHANGED, alertId);
    }
}
