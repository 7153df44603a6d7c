package io.nara.ingest.alerting;

import io.nara.protocol.message.Alert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A RESOLVED alert (readings back to normal, the hub back online, a battery replaced) pages nobody: the protocol
 * says a consumer closes the episode's open alerts instead. Runs in the transaction that stores the RESOLVED alert,
 * for hub and cloud alerts alike.
 *
 * <p>An OPEN URGENT alert latches: nobody has seen it yet, so it stays OPEN in the inbox with its escalation clock
 * running, marked with the time the value returned to normal ({@code value_recovered_at}), until a person acknowledges
 * it. An OPEN alert of lower severity is closed (no escalation, gone from the inbox) and marked {@code auto_closed} so
 * that it can be reviewed. An ACKNOWLEDGED one stays with its owner, who records what she did (the outcome is hers to
 * give). The trail of each notes that the episode resolved.
 */
final class EpisodeClosure {

    private EpisodeClosure() {}

    private record Open(long alertId, String state, String severity, String teamId, int tier, boolean recovered) {

        boolean latches() {
            return state.equals("OPEN") && severity.equals("URGENT");
        }

        boolean closes() {
            return state.equals("OPEN") && !latches();
        }
    }

    /**
     * Closes the episode's open alerts. {@code hubScope} is the sending hub for a hub's RESOLVED alert: it closes only
     * that hub's episode, never one another hub raised for the same patient; null (the cloud's own) closes any.
     */
    static void close(Connection c, long alertId, Alert resolved, String hubScope, Instant now, String actor)
            throws SQLException {
        List<Open> open = new ArrayList<>();
        if (resolved.episode() != null) {
            // FOR UPDATE: an escalation scan (SKIP LOCKED) cannot escalate what is being closed.
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT s.alert_id, s.state, s.severity, s.team_id, s.tier, s.value_recovered_at IS NOT NULL AS recovered
                    FROM alert a JOIN alert_state s ON s.alert_id = a.id
                    WHERE a.patient_id = ? AND a.episode = ? AND a.id <> ? AND s.state <> 'RESOLVED'
                      AND (CAST(? AS text) IS NULL OR a.hub_id = ?)
                    ORDER BY s.alert_id FOR UPDATE OF s""")) {
                q.setString(1, resolved.patientId());
                q.setString(2, resolved.episode());
                q.setLong(3, alertId);
                q.setString(4, hubScope);
                q.setString(5, hubScope);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        open.add(new Open(
                                r.getLong("alert_id"),
                                r.getString("state"),
                                r.getString("severity"),
                                r.getString("team_id"),
                                r.getInt("tier"),
                                r.getBoolean("recovered")));
                    }
                }
            }
        }
        for (Open o : open) {
            if (o.latches() && o.recovered()) {
                continue; // already latched by an earlier RESOLVED of the episode (a repeat): nothing new to say
            }
            String note;
            if (o.latches()) {
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE alert_state SET value_recovered_at = ?, updated_at = ? WHERE alert_id = ?")) {
                    u.setTimestamp(1, Timestamp.from(now));
                    u.setTimestamp(2, Timestamp.from(now));
                    u.setLong(3, o.alertId());
                    u.executeUpdate();
                }
                note = "kvar tills någon kvitterar / stays until acknowledged";
            } else if (o.closes()) {
                try (PreparedStatement u = c.prepareStatement("""
                        UPDATE alert_state SET state = 'RESOLVED', resolved_at = ?, escalate_at = NULL, auto_closed = true,
                                               updated_at = ?
                        WHERE alert_id = ?""")) {
                    u.setTimestamp(1, Timestamp.from(now));
                    u.setTimestamp(2, Timestamp.from(now));
                    u.setLong(3, o.alertId());
                    u.executeUpdate();
                }
                note = "stängt automatiskt / closed automatically";
            } else {
                note = "kvar hos ägaren / stays with its owner";
            }
            Trail.record(
                    c,
                    o.alertId(),
                    now,
                    Trail.Step.of(o.latches() ? "episode.resolved.latched" : "episode.resolved", actor)
                            .note(note + ": alert " + alertId));
            Trail.changed(c, o.alertId());
        }
        // The RESOLVED alert itself is already closed: it is shown in the history, never in anyone's open list.
        Open first = open.isEmpty() ? null : open.get(0);
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert_state (alert_id, patient_id, rule_id, severity, state, team_id, tier, opened_at,
                                         resolved_at, updated_at)
                VALUES (?, ?, ?, ?, 'RESOLVED', ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, alertId);
            insert.setString(2, resolved.patientId());
            insert.setString(3, resolved.ruleId());
            insert.setString(4, resolved.severity().name());
            insert.setString(5, first == null ? null : first.teamId());
            insert.setInt(6, first == null ? 0 : first.tier());
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setTimestamp(8, Timestamp.from(now));
            insert.setTimestamp(9, Timestamp.from(now));
            insert.executeUpdate();
        }
        Trail.record(
                c,
                alertId,
                now,
                Trail.Step.of("episode.resolved", actor)
                        .note("inget larm / pages nobody; "
                                + (open.isEmpty()
                                        ? "no open alert in episode " + resolved.episode()
                                        : "resolves the episode of "
                                                + open.stream()
                                                        .map(o -> Long.toString(o.alertId()))
                                                        .toList())));
    }
}
