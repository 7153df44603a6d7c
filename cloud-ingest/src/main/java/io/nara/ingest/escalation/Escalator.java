package io.nara.ingest.escalation;

import io.nara.ingest.db.Database;
import io.nara.ingest.inbox.AlertActions;
import io.nara.ingest.notify.NotificationOutbox;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.Team;
import io.nara.ingest.routing.AlertRouter;
import io.nara.ingest.routing.AlertingSettings;
import io.nara.ingest.routing.RouteDecision;
import io.nara.ingest.routing.RoutingPolicy;
import io.nara.ingest.routing.Trail;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Escalates open alerts whose time has come, and reminds the owners of acknowledged alerts nobody resolved
 * ({@link ReminderSchedule}). Every ingest node runs it; PostgreSQL decides who escalates what: the
 * due rows are locked with {@code FOR UPDATE SKIP LOCKED}, so a row another node is escalating is skipped, and once
 * that node commits the row's {@code escalate_at} lies in the future (or is null), so it is no longer due. Each
 * escalation therefore happens exactly once, however many nodes race.
 */
public final class Escalator {

    private static final int BATCH = 50;

    private final Database db;
    private final Clock clock;
    private final AlertingSettings settings;
    private final String actor;

    public Escalator(Database db, Clock clock, AlertingSettings settings, String nodeId) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.actor = "system:" + nodeId;
    }

    /** What one scan did on this node. */
    public record Scan(int escalated, int reminded, int returned) {
    }

    /** One scan of both kinds, as every node's timer runs it; a failure of one kind does not stop the other. */
    public Future<Scan> scan() {
        Future<Integer> escalated = escalateDue();
        Future<Scan> reminded = remindDue();
        return Future.join(escalated, reminded)
                .map(v -> new Scan(escalated.result(), reminded.result().reminded(), reminded.result().returned()));
    }

    /** One scan; the number of alerts this node escalated. */
    public Future<Integer> escalateDue() {
        Instant now = clock.instant();
        return db.transaction(c -> {
            record Due(long alertId, String teamId, int tier, Duration after) {
            }
            List<Due> due = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT alert_id, team_id, tier, escalate_after FROM alert_state
                    WHERE state = 'OPEN' AND escalate_at IS NOT NULL AND escalate_at <= ?
                    ORDER BY escalate_at LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                q.setTimestamp(1, Timestamp.from(now));
                q.setInt(2, BATCH);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        due.add(new Due(r.getLong(1), r.getString(2), r.getInt(3),
                                AlertRouter.escalateAfter(r, "escalate_after")));
                    }
                }
            }
            for (Due d : due) {
                escalate(c, d.alertId(), d.teamId(), d.tier(), d.after(), now);
            }
            return due.size();
        });
    }

    private void escalate(Connection c, long alertId, String fromTeamId, int tier, Duration after, Instant now)
            throws SQLException {
        Optional<Team> from = fromTeamId == null ? Optional.empty() : OrgDirectory.team(c, fromTeamId);
        String next = from.map(Team::escalatesTo).orElse(null);
        if (next == null) {
            // The last tier did not answer either: nobody further to call; keep it open and say so, once.
            update(c, alertId, fromTeamId, tier, null, now);
            Trail.record(c, alertId, now, new Trail.Step("escalation.exhausted", actor, fromTeamId, null, tier, null,
                    false, null, "no further tier / ingen ytterligare nivå"));
            Trail.changed(c, alertId);
            return;
        }
        RouteDecision route = RoutingPolicy.route(next, tier + 1, id -> AlertRouter.lookup(c, id), team -> AlertRouter.onDuty(c, team, now));
        update(c, alertId, route.teamId(), route.tier(), after == null ? null : now.plus(after), now);
        Trail.recordSkipped(c, alertId, now, actor, route);
        boolean cross = OrgDirectory.crossOrganisation(c, fromTeamId, route.teamId());
        long event = Trail.record(c, alertId, now, new Trail.Step("escalated", actor, fromTeamId, route.teamId(),
                route.tier(), route.people(), cross, null,
                "not acknowledged within " + after + (route.unstaffed() ? "; nobody on duty on any tier" : "")));
        NotificationOutbox.enqueue(c, settings, now, alertId, event, "escalated", route.teamId(), route.tier(),
                route.people());
        Trail.changed(c, alertId);
    }

    /**
     * One reminder scan: acknowledged alerts whose {@code remind_at} has come. The first time the owner is reminded
     * (trail {@code reminded}, notifications to her alone); the next time the alert goes back to the people on duty in
     * its team as unowned (trail {@code returned}), OPEN again with its escalation clock restarted, so from there the
     * {@link EscalationPolicy} applies as to any unacknowledged alert. Locked with {@code SKIP LOCKED} and moved on in
     * the same transaction, exactly as escalations are, so each step happens once however many nodes scan.
     */
    public Future<Scan> remindDue() {
        Instant now = clock.instant();
        return db.transaction(c -> {
            record Due(long alertId, String teamId, int tier, String ownerId, Severity severity, int reminders,
                       Duration after, Instant acknowledgedAt) {
            }
            List<Due> due = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT alert_id, team_id, tier, owner_id, severity, reminders, escalate_after, acknowledged_at
                    FROM alert_state
                    WHERE state = 'ACKNOWLEDGED' AND remind_at IS NOT NULL AND remind_at <= ?
                    ORDER BY remind_at LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                q.setTimestamp(1, Timestamp.from(now));
                q.setInt(2, BATCH);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        Timestamp ack = r.getTimestamp(8);
                        due.add(new Due(r.getLong(1), r.getString(2), r.getInt(3), r.getString(4),
                                Severity.valueOf(r.getString(5)), r.getInt(6),
                                AlertRouter.escalateAfter(r, "escalate_after"), ack == null ? null : ack.toInstant()));
                    }
                }
            }
            int reminded = 0;
            int returned = 0;
            for (Due d : due) {
                if (d.ownerId() != null && ReminderSchedule.step(d.reminders()) == ReminderSchedule.Step.REMIND) {
                    remind(c, d.alertId(), d.teamId(), d.tier(), d.ownerId(), d.severity(), d.acknowledgedAt(), now);
                    reminded++;
                } else {
                    giveBack(c, d.alertId(), d.teamId(), d.tier(), d.ownerId(), d.after(), now);
                    returned++;
                }
            }
            return new Scan(0, reminded, returned);
        });
    }

    private void remind(Connection c, long alertId, String teamId, int tier, String ownerId, Severity severity,
                        Instant acknowledgedAt, Instant now) throws SQLException {
        ReminderSchedule schedule = settings.reminders();
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE alert_state SET remind_at = ?, reminders = reminders + 1, updated_at = ? WHERE alert_id = ?")) {
            u.setTimestamp(1, Timestamp.from(schedule.afterReminder(severity, now)));
            u.setTimestamp(2, Timestamp.from(now));
            u.setLong(3, alertId);
            u.executeUpdate();
        }
        String since = acknowledgedAt == null ? "" : " since " + acknowledgedAt;
        long event = Trail.record(c, alertId, now, new Trail.Step("reminded", actor, null, teamId, tier,
                List.of(ownerId), false, null, "kvitterat men inte avslutat / acknowledged but not resolved" + since
                + "; returns to the team at " + schedule.afterReminder(severity, now)));
        NotificationOutbox.enqueue(c, settings, now, alertId, event, "reminded", teamId, tier, List.of(ownerId));
        Trail.changed(c, alertId);
    }

    private void giveBack(Connection c, long alertId, String teamId, int tier, String ownerId, Duration after,
                          Instant now) throws SQLException {
        // Back to the team it lay with, to whoever is on duty there now (the owner's shift may be over); a team with
        // nobody on duty passes it on to its next tier, as routing does.
        RouteDecision route = teamId == null ? null
                : RoutingPolicy.route(teamId, tier, id -> AlertRouter.lookup(c, id), t -> AlertRouter.onDuty(c, t, now));
        AlertActions.reopen(c, alertId, route == null ? null : route.teamId(), route == null ? tier : route.tier(),
                after == null ? null : now.plus(after), now);
        if (route == null) {
            Trail.record(c, alertId, now, new Trail.Step("returned", actor, null, null, tier, List.of(), false, null,
                    "inte avslutat, ingen ägare längre / not resolved, no longer owned by " + ownerId
                            + "; the alert has no team"));
            Trail.changed(c, alertId);
            return;
        }
        Trail.recordSkipped(c, alertId, now, actor, route);
        boolean cross = OrgDirectory.crossOrganisation(c, teamId, route.teamId());
        long event = Trail.record(c, alertId, now, new Trail.Step("returned", actor, teamId, route.teamId(),
                route.tier(), route.people(), cross, null,
                "inte avslutat efter påminnelse, tillbaka till jouren utan ägare / not resolved after a reminder, back "
                        + "to the people on duty unowned (was " + ownerId + ")"
                        + (route.unstaffed() ? "; nobody on duty on any tier" : "")));
        NotificationOutbox.enqueue(c, settings, now, alertId, event, "returned", route.teamId(), route.tier(),
                route.people());
        Trail.changed(c, alertId);
    }

    private static void update(Connection c, long alertId, String teamId, int tier, Instant escalateAt, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET team_id = ?, tier = ?, escalate_at = ?, snoozed_until = NULL, updated_at = ?
                WHERE alert_id = ?""")) {
            u.setString(1, teamId);
            u.setInt(2, tier);
            u.setTimestamp(3, escalateAt == null ? null : Timestamp.from(escalateAt));
            u.setTimestamp(4, Timestamp.from(now));
            u.setLong(5, alertId);
            u.executeUpdate();
        }
    }

}
