package io.nara.ingest.alerting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The actions taken on an alert ({@code alert_action}), oldest first. Written only through {@link AlertLifecycle}, in
 * the transaction that records the step in the trail; read by whoever shows an alert.
 */
public final class AlertActions {

    /**
     * One action with who took it and its outcome; names are null where the person is gone. {@code possibleOutcomes}
     * are those its kind allows, for the page's choice.
     */
    public record Action(
            long id,
            EscalationAction kind,
            Instant takenAt,
            String takenBy,
            String takenByName,
            String teamId,
            String teamName,
            String note,
            ActionOutcome outcome,
            Instant outcomeAt,
            String outcomeBy,
            String outcomeByName,
            String outcomeNote,
            List<ActionOutcome> possibleOutcomes) {}

    private AlertActions() {}

    /** The alert's actions in the order they were taken. */
    public static List<Action> of(Connection c, long alertId) throws SQLException {
        List<Action> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT x.id, x.kind, x.taken_at, x.taken_by, t.name AS taken_by_name, x.team_id, ct.name AS team_name,
                       x.note, x.outcome, x.outcome_at, x.outcome_by, o.name AS outcome_by_name, x.outcome_note
                FROM alert_action x
                LEFT JOIN person t ON t.id = x.taken_by
                LEFT JOIN person o ON o.id = x.outcome_by
                LEFT JOIN care_team ct ON ct.id = x.team_id
                WHERE x.alert_id = ? ORDER BY x.id""")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String outcome = r.getString("outcome");
                    Timestamp outcomeAt = r.getTimestamp("outcome_at");
                    out.add(new Action(
                            r.getLong("id"),
                            EscalationAction.valueOf(r.getString("kind")),
                            r.getTimestamp("taken_at").toInstant(),
                            r.getString("taken_by"),
                            r.getString("taken_by_name"),
                            r.getString("team_id"),
                            r.getString("team_name"),
                            r.getString("note"),
                            outcome == null ? null : ActionOutcome.valueOf(outcome),
                            outcomeAt == null ? null : outcomeAt.toInstant(),
                            r.getString("outcome_by"),
                            r.getString("outcome_by_name"),
                            r.getString("outcome_note"),
                            List.copyOf(EscalationAction.valueOf(r.getString("kind"))
                                    .outcomes())));
                }
            }
        }
        return out;
    }

    static long insert(
            Connection c, long alertId, EscalationAction kind, Instant at, String personId, String teamId, String note)
            throws SQLException {
        try (PreparedStatement i = c.prepareStatement("""
                INSERT INTO alert_action (alert_id, kind, taken_at, taken_by, team_id, note)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
            i.setLong(1, alertId);
            i.setString(2, kind.name());
            i.setTimestamp(3, Timestamp.from(at));
            i.setString(4, personId);
            i.setString(5, teamId);
            i.setString(6, note);
            try (ResultSet r = i.executeQuery()) {
                r.next();
                return r.getLong("id");
            }
        }
    }

    /** The action of this alert, locked for its outcome; empty when the alert has no such action. */
    static Optional<EscalationAction> lockKind(Connection c, long alertId, long actionId) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT kind FROM alert_action WHERE id = ? AND alert_id = ? FOR UPDATE")) {
            q.setLong(1, actionId);
            q.setLong(2, alertId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(EscalationAction.valueOf(r.getString("kind"))) : Optional.empty();
            }
        }
    }

    static void outcome(Connection c, long actionId, ActionOutcome outcome, Instant at, String personId, String note)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE alert_action SET outcome = ?, outcome_at = ?, outcome_by = ?, outcome_note = ? WHERE id = ?")) {
            u.setString(1, outcome.name());
            u.setTimestamp(2, Timestamp.from(at));
            u.setString(3, personId);
            u.setString(4, note);
            u.setLong(5, actionId);
            u.executeUpdate();
        }
    }
}
