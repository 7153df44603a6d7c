package io.nara.ingest.inbox;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.db.Database;
import io.nara.ingest.escalation.EscalationPolicy;
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
import java.util.List;
import java.util.Optional;

/**
 * What people do with an alert: acknowledge (take ownership, visible to all), hand over to another team with a note,
 * snooze, resolve with an outcome. Each runs in one transaction that locks the alert's state row, checks the step is
 * allowed, changes the state, records the step in the trail and tells every node's inboxes.
 */
public final class AlertActions {

    /** A step that is not allowed now; the message says why, in Swedish and English. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private record Locked(String state, String teamId, String ownerId, Severity severity, Duration after,
                          Instant escalateAt, String patientId, String ruleId) {
    }

    private final Database db;
    private final Clock clock;
    private final AlertingSettings settings;

    public AlertActions(Database db, Clock clock, AlertingSettings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    public Future<InboxItem> acknowledge(Principal who, long alertId) {
        return change(who, alertId, (c, s, now) -> {
            if (s.state().equals("ACKNOWLEDGED")) {
                throw new Refused(409, "redan kvitterat / already acknowledged");
            }
            // Escalation stops; the reminder clock starts (an acknowledgement is a promise to act, see Escalator).
            try (PreparedStatement u = c.prepareStatement("""
                    UPDATE alert_state SET state = 'ACKNOWLEDGED', owner_id = ?, acknowledged_at = ?, escalate_at = NULL,
                           remind_at = ?, reminders = 0, updated_at = ?
                    WHERE alert_id = ?""")) {
                u.setString(1, who.personId());
                u.setTimestamp(2, Timestamp.from(now));
                u.setTimestamp(3, Timestamp.from(settings.reminders().firstDue(s.severity(), now)));
                u.setTimestamp(4, Timestamp.from(now));
                u.setLong(5, alertId);
                u.executeUpdate();
            }
            Trail.record(c, alertId, now, new Trail.Step("acknowledged", who.actor(), s.teamId(), null, null,
                    List.of(who.personId()), false, null, null));
        });
    }

    public Future<InboxItem> handOver(Principal who, long alertId, String toTeamId, String note) {
        if (note == null || note.isBlank()) {
            throw new Refused(400, "en överlämning behöver en anteckning / a handover needs a note");
        }
        return change(who, alertId, (c, s, now) -> {
            Team to = OrgDirectory.team(c, toTeamId)
                    .orElseThrow(() -> new Refused(400, "okänt team / unknown team " + toTeamId));
            if (to.id().equals(s.teamId())) {
                throw new Refused(400, "larmet ligger redan hos " + to.name() + " / the alert is already with that team");
            }
            Optional<Team> from = s.teamId() == null ? Optional.empty() : OrgDirectory.team(c, s.teamId());
            boolean cross = from.isEmpty() || !from.get().organisationId().equals(to.organisationId());
            RouteDecision route = RoutingPolicy.route(to.id(), 0, id -> AlertRouter.lookup(c, id), t -> AlertRouter.onDuty(c, t, now));
            Instant escalateAt = s.after() == null ? null : now.plus(s.after());
            reopen(c, alertId, route.teamId(), route.tier(), escalateAt, now);
            String kinds = from.map(f -> f.organisationKind() + " → ").orElse("") + to.organisationKind();
            long event = Trail.record(c, alertId, now, new Trail.Step("handed-over", who.actor(), s.teamId(),
                    route.teamId(), route.tier(), route.people(), cross, null,
                    note.strip() + (cross ? " [" + kinds + "]" : "")));
            NotificationOutbox.enqueue(c, settings, now, alertId, event, "handed-over", route.teamId(), route.tier(),
                    route.people());
        });
    }

    public Future<InboxItem> resolve(Principal who, long alertId, Outcome outcome, String note) {
        if (outcome == null) {
            throw new Refused(400, "välj ett utfall / choose an outcome");
        }
        return change(who, alertId, (c, s, now) -> {
            update(c, alertId, "state = 'RESOLVED', owner_id = coalesce(owner_id, ?), resolved_at = ?, "
                    + "escalate_at = NULL, remind_at = NULL, outcome = '" + outcome.name() + "', outcome_note = '" + "'", who.personId(), now);
            try (PreparedStatement u = c.prepareStatement("UPDATE alert_state SET outcome_note = ? WHERE alert_id = ?")) {
                u.setString(1, note);
                u.setLong(2, alertId);
                u.executeUpdate();
            }
            Trail.record(c, alertId, now, new Trail.Step("resolved", who.actor(), s.teamId(), null, null, null, false,
                    outcome.name(), note));
        });
    }

    public Future<InboxItem> snooze(Principal who, long alertId, Duration length) {
        return change(who, alertId, (c, s, now) -> {
            EscalationPolicy.SnoozeDecision d;
            try {
                d = EscalationPolicy.snooze(s.severity(), now, length, s.escalateAt());
            } catch (IllegalStateException e) {
                throw new Refused(409, "brådskande larm kan inte pausas förbi eskaleringen kl. " + s.escalateAt()
                        + " / " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new Refused(400, e.getMessage());
            }
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE alert_state SET snoozed_until = ?, escalate_at = ?, updated_at = ? WHERE alert_id = ?")) {
                u.setTimestamp(1, Timestamp.from(d.until()));
                u.setTimestamp(2, d.escalateAt() == null ? null : Timestamp.from(d.escalateAt()));
                u.setTimestamp(3, Timestamp.from(now));
                u.setLong(4, alertId);
                u.executeUpdate();
            }
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO snooze (patient_id, rule_id, alert_id, until, by_person, at) VALUES (?, ?, ?, ?, ?, ?)")) {
                i.setString(1, s.patientId());
                i.setString(2, s.ruleId());
                i.setLong(3, alertId);
                i.setTimestamp(4, Timestamp.from(d.until()));
                i.setString(5, who.personId());
                i.setTimestamp(6, Timestamp.from(now));
                i.executeUpdate();
            }
            Trail.record(c, alertId, now, Trail.Step.of("snoozed", who.actor())
                    .note("until " + d.until() + " (" + s.ruleId() + "); escalates at " + d.escalateAt()));
        });
    }

    @FunctionalInterface
    private interface Step {
        void apply(Connection c, Locked state, Instant now) throws SQLException;
    }

    private Future<InboxItem> change(Principal who, long alertId, Step step) {
        if (who.operator() || who.personId() == null) {
            return Future.failedFuture(new Refused(403, "bara personer kan hantera larm / only people act on alerts"));
        }
        Instant now = clock.instant();
        return db.transaction(c -> {
            if (Inbox.visible(c, who, alertId, now).isEmpty()) {
                throw new Refused(404, "inget sådant larm / no such alert");
            }
            Locked s = lock(c, alertId);
            if (s.state().equals("RESOLVED")) {
                throw new Refused(409, "larmet är redan avslutat / the alert is already resolved");
            }
            step.apply(c, s, now);
            Trail.changed(c, alertId);
            return Inbox.one(c, who, alertId, now, "alerts.change").orElseThrow();
        });
    }

    private static Locked lock(Connection c, long alertId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT state, team_id, owner_id, severity, escalate_after, escalate_at, patient_id, rule_id
                FROM alert_state WHERE alert_id = ? FOR UPDATE""")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(404, "larmet har ingen status / the alert has no state");
                }
                Timestamp at = r.getTimestamp(6);
                return new Locked(r.getString(1), r.getString(2), r.getString(3), Severity.valueOf(r.getString(4)),
                        AlertRouter.escalateAfter(r, "escalate_after"), at == null ? null : at.toInstant(),
                        r.getString(7), r.getString(8));
            }
        }
    }

    /**
     * Puts an alert back OPEN and unowned with a team (handed over, or given back by the reminder scan): no owner,
     * acknowledgement, reminder or snooze, the escalation clock at {@code escalateAt}.
     */
    public static void reopen(Connection c, long alertId, String teamId, int tier, Instant escalateAt, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET state = 'OPEN', team_id = ?, tier = ?, owner_id = NULL, acknowledged_at = NULL,
                       remind_at = NULL, reminders = 0, escalate_at = ?, snoozed_until = NULL, updated_at = ?
                WHERE alert_id = ?""")) {
            u.setString(1, teamId);
            u.setInt(2, tier);
            u.setTimestamp(3, escalateAt == null ? null : Timestamp.from(escalateAt));
            u.setTimestamp(4, Timestamp.from(now));
            u.setLong(5, alertId);
            u.executeUpdate();
        }
    }

    private static void update(Connection c, long alertId, String set, String personId, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE alert_state SET " + set + ", updated_at = ? WHERE alert_id = ?")) {
            u.setString(1, personId);
            u.setTimestamp(2, Timestamp.from(now));
            u.setTimestamp(3, Timestamp.from(now));
            u.setLong(4, alertId);
            u.executeUpdate();
        }
    }

}
