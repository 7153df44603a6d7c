package io.nara.ingest.alerting;

import io.nara.ingest.db.Intervals;
import io.nara.ingest.notify.ChannelSettings;
import io.nara.ingest.notify.NotificationOutbox;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An ESCALATED alert (a worse reading within an open episode, e.g. potassium from above 5.5 to above 6.0) raises the
 * episode's open alert instead of becoming a second one: one alert per episode, in the inbox at its worst. Runs in the
 * transaction that stores the ESCALATED alert, for hub and cloud alerts alike.
 *
 * <p>The open alert's severity rises (alert and state), its escalation clock is brought forward to the new
 * severity's, its trail names the worse reading, and the people it lies with are told: those on duty where an OPEN
 * alert is (routed as a new alert would be from its team and tier), the owner of an ACKNOWLEDGED one. A snooze taken
 * on the alert ends: the nurse snoozed a lesser episode. The ESCALATED alert itself is stored closed, shown in the
 * history and never in anyone's open list. Without an open alert (its RAISED one not yet arrived, or resolved by a
 * nurse while the hub's episode went on) the caller routes it as a new alert, so it is never dropped.
 */
public final class EpisodeRaise {

    private EpisodeRaise() {}

    /** The open alert of an episode. */
    public record Open(
            long alertId,
            String episode,
            String state,
            String teamId,
            int tier,
            String ownerId,
            Severity severity,
            Instant escalateAt) {}

    /** Whether an open alert of the episode took the ESCALATED one; false leaves it to be routed as new. */
    static boolean raise(
            Connection c,
            long alertId,
            Alert escalated,
            String hubScope,
            Instant now,
            String actor,
            EscalationSettings escalation,
            ChannelSettings channels)
            throws SQLException {
        if (escalated.episode() == null) {
            return false;
        }
        // The ESCALATED alert has no state yet, so it is not its own episode's open alert.
        Optional<Open> found = openOf(c, escalated.patientId(), escalated.episode(), hubScope);
        if (found.isEmpty()) {
            return false;
        }
        Open o = found.get();
        boolean worse = escalated.severity().isWorseThan(o.severity());
        Severity severity = worse ? escalated.severity() : o.severity();
        Instant escalateAt = o.escalateAt();
        // The worse severity's time also governs the tiers after the next one (the escalation scan reads it).
        Optional<Duration> after =
                worse ? EscalationPolicy.escalateAfter(severity, escalated.escalateAfter()) : Optional.empty();
        if (o.state().equals("OPEN")
                && after.isPresent()
                && (escalateAt == null || now.plus(after.get()).isBefore(escalateAt))) {
            escalateAt = now.plus(after.get());
        }
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET severity = ?, escalate_at = ?, updated_at = ?, value_recovered_at = NULL,
                    escalate_after = coalesce(CAST(? AS interval), escalate_after),
                    snoozed_until = CASE WHEN ? THEN NULL ELSE snoozed_until END
                WHERE alert_id = ?""")) {
            u.setString(1, severity.name());
            u.setTimestamp(2, escalateAt == null ? null : Timestamp.from(escalateAt));
            u.setTimestamp(3, Timestamp.from(now));
            if (after.isPresent()) {
                u.setObject(4, Intervals.of(after.get()));
            } else {
                u.setNull(4, Types.OTHER);
            }
            u.setBoolean(5, worse);
            u.setLong(6, o.alertId());
            u.executeUpdate();
        }
        if (worse && o.state().equals("ACKNOWLEDGED")) {
            // The owner keeps it, but a worse reading brings her reminder forward to the new severity's (never back).
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE alert_state SET remind_at = least(remind_at, ?) WHERE alert_id = ?")) {
                u.setTimestamp(1, Timestamp.from(escalation.reminders().firstDue(severity, now)));
                u.setLong(2, o.alertId());
                u.executeUpdate();
            }
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE alert SET severity = ? WHERE id = ?")) {
            u.setString(1, severity.name());
            u.setLong(2, o.alertId());
            u.executeUpdate();
        }
        String reading = escalated.ruleId()
                + (escalated.value() == null
                        ? ""
                        : " " + escalated.value() + (escalated.unit() == null ? "" : " " + escalated.unit()))
                + ": " + escalated.message();
        long event = Trail.record(
                c,
                o.alertId(),
                now,
                new Trail.Step(
                        "episode.escalated",
                        actor,
                        null,
                        o.teamId(),
                        o.tier(),
                        null,
                        false,
                        null,
                        (worse ? o.severity() + " → " + severity : "severity stays " + severity) + "; larm / alert "
                                + alertId + ", " + reading));
        if (worse) {
            endSnoozes(c, o.alertId(), now, actor);
        }
        if (worse && severity == Severity.URGENT) {
            // The open alert has just become urgent: for the relatives, an urgent alert opens now.
            NotificationOutbox.enqueueRelatives(
                    c,
                    channels,
                    now,
                    o.alertId(),
                    event,
                    escalated.patientId(),
                    actor,
                    NotificationOutbox.RelativeMoment.OPENED);
        }
        if (o.state().equals("ACKNOWLEDGED")) {
            if (o.ownerId() != null) {
                NotificationOutbox.enqueue(
                        c, channels, now, o.alertId(), event, "raised", o.teamId(), o.tier(), List.of(o.ownerId()));
            }
        } else if (o.teamId() != null) {
            RouteDecision route = AlertLifecycle.route(c, o.teamId(), o.tier(), now);
            if (!route.teamId().equals(o.teamId())) {
                try (PreparedStatement u = c.prepareStatement("UPDATE alert_state SET team_id = ?, tier = ?,"
                        + " handed_over_from = array_remove(handed_over_from, ?) WHERE alert_id = ?")) {
                    // A team the alert comes to waits for nobody (decision 0042).
                    u.setString(1, route.teamId());
                    u.setInt(2, route.tier());
                    u.setString(3, route.teamId());
                    u.setLong(4, o.alertId());
                    u.executeUpdate();
                }
                Trail.recordSkipped(c, o.alertId(), now, actor, route);
                event = Trail.record(
                        c,
                        o.alertId(),
                        now,
                        new Trail.Step(
                                route.unstaffed() ? "routed.unstaffed" : "routed",
                                actor,
                                o.teamId(),
                                route.teamId(),
                                route.tier(),
                                route.people(),
                                false,
                                null,
                                "worse reading / sämre värde"));
            }
            NotificationOutbox.enqueue(
                    c, channels, now, o.alertId(), event, "raised", route.teamId(), route.tier(), route.people());
        }
        Trail.changed(c, o.alertId());
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert_state (alert_id, patient_id, rule_id, severity, state, team_id, tier, opened_at,
                                         resolved_at, updated_at)
                VALUES (?, ?, ?, ?, 'RESOLVED', ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, alertId);
            insert.setString(2, escalated.patientId());
            insert.setString(3, escalated.ruleId());
            insert.setString(4, escalated.severity().name());
            insert.setString(5, o.teamId());
            insert.setInt(6, o.tier());
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setTimestamp(8, Timestamp.from(now));
            insert.setTimestamp(9, Timestamp.from(now));
            insert.executeUpdate();
        }
        Trail.record(
                c,
                alertId,
                now,
                Trail.Step.of("episode.escalated", actor).note("höjer larm / raises alert " + o.alertId()));
        return true;
    }

    /**
     * The patient's oldest alert of the episode that is not resolved, locked against the escalation scan. The episode
     * is {@code episodeKey} itself or any {@code episodeKey@...} (one key, episodes started at different times).
     * {@code hubScope}: only alerts that hub sent or the cloud raised for it (a hub's ESCALATED alert raises its own
     * episode, never another hub's); null for any (the cloud's own, a nurse assigning a reading).
     */
    public static Optional<Open> openOf(Connection c, String patientId, String episodeKey, String hubScope)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT s.alert_id, a.episode, s.state, s.team_id, s.tier, s.owner_id, s.severity, s.escalate_at
                FROM alert a JOIN alert_state s ON s.alert_id = a.id
                WHERE a.patient_id = ? AND (a.episode = ? OR a.episode LIKE ? ESCAPE '!') AND s.state <> 'RESOLVED'
                  AND (CAST(? AS text) IS NULL OR a.hub_id = ?)
                ORDER BY s.alert_id LIMIT 1 FOR UPDATE OF s""")) {
            q.setString(1, patientId);
            q.setString(2, episodeKey);
            q.setString(3, episodeKey.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "@%");
            q.setString(4, hubScope);
            q.setString(5, hubScope);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Timestamp at = r.getTimestamp("escalate_at");
                return Optional.of(new Open(
                        r.getLong("alert_id"),
                        r.getString("episode"),
                        r.getString("state"),
                        r.getString("team_id"),
                        r.getInt("tier"),
                        r.getString("owner_id"),
                        Severity.valueOf(r.getString("severity")),
                        at == null ? null : at.toInstant()));
            }
        }
    }

    private static void endSnoozes(Connection c, long alertId, Instant now, String actor) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE snooze SET until = ? WHERE alert_id = ? AND until > ?")) {
            u.setTimestamp(1, Timestamp.from(now));
            u.setLong(2, alertId);
            u.setTimestamp(3, Timestamp.from(now));
            if (u.executeUpdate() > 0) {
                Trail.record(
                        c,
                        alertId,
                        now,
                        Trail.Step.of("snooze.ended", actor).note("sämre värde / a worse reading ends the snooze"));
            }
        }
    }
}
