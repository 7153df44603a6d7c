package io.nara.ingest.routing;

import io.nara.ingest.alert.AlertStore;
import io.nara.ingest.escalation.EscalationPolicy;
import io.nara.ingest.notify.NotificationOutbox;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.Team;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postgresql.util.PGInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a new alert in the transaction that stores it: to the team the rule names ({@code respondFirst}), else the
 * patient's first-responding care team, and there to the people on duty now; past teams where nobody is on duty
 * straight to the next tier. Writes the alert's state, the trail and the notifications.
 */
public final class AlertRouter implements AlertStore.StoredHook {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRouter.class);

    private final Clock clock;
    private final AlertingSettings settings;
    private final String actor;

    public AlertRouter(Clock clock, AlertingSettings settings, String nodeId) {
        this.clock = clock;
        this.settings = settings;
        this.actor = "system:" + nodeId;
    }

    @Override
    public void stored(Connection c, long alertId, String hubId, Alert alert) throws SQLException {
        Instant now = clock.instant();
        // A hub's RESOLVED or ESCALATED alert speaks for its own episodes only; the cloud's own alerts for any.
        String hubScope = alert.status() == AlertStatus.RAISED || cloudOrigin(c, alertId) ? null : hubId;
        if (alert.status() == AlertStatus.RESOLVED) {
            // Back to normal pages nobody; it closes the episode's open alert (protocol README, "alert").
            // Like routing, a failure here must not refuse the alert: kept, flagged for the operator.
            Savepoint closing = c.setSavepoint();
            try {
                EpisodeClosure.close(c, alertId, alert, hubScope, now, actor);
                c.releaseSavepoint(closing);
            } catch (SQLException | RuntimeException e) {
                LOG.error("closing the episode of alert {} failed: {}", alertId, e.getMessage(), e);
                c.rollback(closing);
                Trail.record(c, alertId, now, Trail.Step.of("route.failed", actor).note(e.getMessage()));
            }
            return;
        }
        if (alert.status() == AlertStatus.ESCALATED) {
            // A worse reading in an open episode raises that episode's alert rather than paging a second one.
            Savepoint raising = c.setSavepoint();
            try {
                boolean raised = EpisodeRaise.raise(c, alertId, alert, hubScope, now, actor, settings);
                c.releaseSavepoint(raising);
                if (raised) {
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                // Routed as a new alert below instead: a second alert is better than a lost one.
                LOG.error("raising the episode of alert {} failed: {}; routing it as a new alert", alertId,
                        e.getMessage(), e);
                c.rollback(raising);
            }
        }
        Optional<Duration> after = EscalationPolicy.escalateAfter(alert.severity(), alert.escalateAfter());
        // A routing failure must not refuse the alert (the hub would resend it forever): keep it, flagged.
        Savepoint savepoint = c.setSavepoint();
        try {
            route(c, alertId, alert, now, after);
            c.releaseSavepoint(savepoint);
        } catch (SQLException | RuntimeException e) {
            LOG.error("routing alert {} failed: {}; stored unrouted for the operator", alertId, e.getMessage(), e);
            c.rollback(savepoint);
            insertState(c, alertId, alert, null, 0, after, now);
            Trail.record(c, alertId, now, Trail.Step.of("route.failed", actor).note(e.getMessage()));
        }
    }

    private void route(Connection c, long alertId, Alert alert, Instant now, Optional<Duration> after)
            throws SQLException {
        String start = null;
        String note = null;
        if (alert.respondFirst() != null) {
            if (OrgDirectory.team(c, alert.respondFirst()).isPresent()) {
                start = alert.respondFirst();
            } else {
                note = "the care plan names team " + alert.respondFirst() + ", which does not exist; "
                        + "routed to the patient's care team";
            }
        }
        if (start == null) {
            start = OrgDirectory.firstResponder(c, alert.patientId(), now).orElse(null);
        }
        if (start == null) {
            insertState(c, alertId, alert, null, 0, after, now);
            Trail.record(c, alertId, now, Trail.Step.of("route.unroutable", actor)
                    .note((note == null ? "" : note + "; ") + "patient " + alert.patientId()
                            + " has no care relation in force"));
            fallBack(c, alertId, OrgDirectory.organisationsOf(c, alert.patientId()), null, 0, now,
                    "ingen vårdrelation gäller / no care relation in force");
            return;
        }
        RouteDecision route = RoutingPolicy.route(start, 0, id -> lookup(c, id), team -> onDuty(c, team, now));
        insertState(c, alertId, alert, route.teamId(), route.tier(), after, now);
        Trail.recordSkipped(c, alertId, now, actor, route);
        long event = Trail.record(c, alertId, now, new Trail.Step(route.unstaffed() ? "routed.unstaffed" : "routed",
                actor, null, route.teamId(), route.tier(), route.people(), false, null, note));
        Optional<Snoozes.Active> snoozed = Snoozes.active(c, alert.patientId(), alert.ruleId(), now);
        if (snoozed.isPresent() && snoozed.get().covers(alert.severity())) {
            // Stored and shown, but it pages nobody: the nurse has already seen this rule fire for this patient.
            Trail.record(c, alertId, now, Trail.Step.of("notify.quiet", actor)
                    .note("snoozed until " + snoozed.get().until() + " from alert " + snoozed.get().alertId()));
        } else {
            NotificationOutbox.enqueue(c, settings, now, alertId, event, "routed", route.teamId(), route.tier(),
                    route.people());
            if (route.unstaffed()) {
                List<String> organisation = lookup(c, route.teamId()).map(t -> List.of(t.organisationId()))
                        .orElse(List.of());
                fallBack(c, alertId, organisation, route.teamId(), route.tier(), now,
                        "ingen i tjänst på någon nivå / nobody on duty on any tier");
            }
            // Relatives are told once per episode, when it is raised, and not of what needs nobody (INFO).
            if (alert.status() == AlertStatus.RAISED && alert.severity() != Severity.INFO) {
                NotificationOutbox.enqueueRelatives(c, settings, now, alertId, event, alert.patientId(), actor);
            }
        }
    }

    /**
     * An alert nobody is on duty for, or with no care relation in force, goes at once to the fallback of each
     * organisation concerned: its MAS ({@code fallback}, told like anyone routed to). An organisation without one
     * leaves it to the operator, who sees every alert ({@code fallback.operator}); either way the trail says so.
     */
    private void fallBack(Connection c, long alertId, List<String> organisations, String teamId, int tier, Instant now,
                          String why) throws SQLException {
        java.util.LinkedHashSet<String> people = new java.util.LinkedHashSet<>();
        for (String organisation : organisations) {
            people.addAll(OrgDirectory.fallback(c, organisation));
        }
        if (people.isEmpty()) {
            Trail.record(c, alertId, now, Trail.Step.of("fallback.operator", actor).note(why + "; "
                    + (organisations.isEmpty() ? "no organisation has cared for the patient"
                    : "no MAS in " + String.join(", ", organisations)) + ": the operator must take it"));
            LOG.warn("alert {}: {}; no fallback person, left to the operator", alertId, why);
            return;
        }
        long event = Trail.record(c, alertId, now, new Trail.Step("fallback", actor, null, teamId, tier,
                List.copyOf(people), false, null, why));
        NotificationOutbox.enqueue(c, settings, now, alertId, event, "fallback", teamId, tier, List.copyOf(people));
    }

    /** Reads a team, turning SQL failures into unchecked ones for the pure policy's functions. */
    /** A team by id, for {@link RoutingPolicy}'s lookups inside a transaction. */
    public static Optional<Team> lookup(Connection c, String id) {
        try {
            return OrgDirectory.team(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Who is on duty in {@code team} at {@code now}, for {@link RoutingPolicy} inside a transaction. */
    public static java.util.Set<String> onDuty(Connection c, Team team, Instant now) {
        try {
            return OrgDirectory.schedule(c, team, now).onDuty(now);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void insertState(Connection c, long alertId, Alert alert, String teamId, int tier,
                                    Optional<Duration> after, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert_state (alert_id, patient_id, rule_id, severity, state, team_id, tier, escalate_after,
                                         escalate_at, opened_at, updated_at)
                VALUES (?, ?, ?, ?, 'OPEN', ?, ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, alertId);
            insert.setString(2, alert.patientId());
            insert.setString(3, alert.ruleId());
            insert.setString(4, alert.severity().name());
            insert.setString(5, teamId);
            insert.setInt(6, tier);
            insert.setObject(7, after.map(AlertRouter::interval).orElse(null));
            insert.setTimestamp(8, after.map(d -> Timestamp.from(now.plus(d))).orElse(null));
            insert.setTimestamp(9, Timestamp.from(now));
            insert.setTimestamp(10, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    static PGInterval interval(Duration d) {
        return new PGInterval(0, 0, 0, 0, 0, d.toMillis() / 1000.0);
    }

    static Duration duration(PGInterval i) {
        if (i == null) {
            return null;
        }
        return Duration.ofDays(i.getDays()).plusHours(i.getHours()).plusMinutes(i.getMinutes())
                .plusMillis(Math.round(i.getSeconds() * 1000));
    }

    /** The escalate_after of an alert as a Duration. */
    public static Duration escalateAfter(ResultSet row, String column) throws SQLException {
        return duration((PGInterval) row.getObject(column));
    }

    public static PGInterval toInterval(Duration d) {
        return interval(d);
    }

    private static boolean cloudOrigin(Connection c, long alertId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT origin = 'CLOUD' FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}
