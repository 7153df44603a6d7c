package io.nara.ingest.alerting;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.db.Database;
import io.nara.ingest.db.Intervals;
import io.nara.ingest.notify.ChannelSettings;
import io.nara.ingest.notify.NotificationOutbox;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.Team;
import io.nara.ingest.web.Refused;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of an alert, and the one way to change it: a new alert opens, raises or closes its episode and is routed;
 * people acknowledge, hand over, escalate, snooze, record actions taken ({@link AlertActions}) and resolve it (a team that handed it over waits for the receiving
 * one, {@link HandoverPolicy}); the scan escalates it, reminds its owner and returns it to the
 * team. Only this package writes {@code alert}, {@code alert_state}, {@code alert_event}, {@code alert_action} and
 * {@code snooze}; every step
 * runs in one transaction that records it in the trail ({@link Trail}) and tells every node's inboxes. The decisions
 * are pure and beside it: {@link RoutingPolicy}, {@link EscalationPolicy}, {@link ReminderSchedule}.
 */
public final class AlertLifecycle implements AlertStore.StoredHook {

    private static final Logger LOG = LoggerFactory.getLogger(AlertLifecycle.class);

    /** The rule ids of the cloud's notices, INFO alerts that page nobody ({@code notice.hospital-discharge}). */
    public static final String NOTICE_RULE_PREFIX = "notice.";

    /**
     * How the caller sees an alert it changes: whether the person may act on it at all (else 404, the same answer as
     * for no alert), and what to answer once the change is made, read in the changing transaction.
     */
    public interface View<T> {
        boolean visible(Connection c, long alertId, Instant now) throws SQLException;

        T read(Connection c, long alertId, Instant now) throws SQLException;
    }

    /**
     * Told, in the transaction in which a person acknowledges an alert, so that others can record what follows from it
     * (the patient's hub is told that someone saw it); returns what to run once that transaction committed. A failure
     * here never refuses the acknowledgement.
     */
    @FunctionalInterface
    public interface AcknowledgedHook {
        Runnable acknowledged(Connection c, long alertId, String personId, String teamId, Instant now)
                throws SQLException;
    }

    private record Locked(
            String state,
            String teamId,
            int tier,
            String ownerId,
            Severity severity,
            Duration after,
            Instant escalateAt,
            String patientId,
            String ruleId,
            List<String> handedOverFrom) {}

    private final Database db;
    private final Clock clock;
    private final EscalationSettings escalation;
    private final ChannelSettings channels;
    private final String actor;
    private final AcknowledgedHook acknowledgedHook;

    public AlertLifecycle(
            Database db, Clock clock, EscalationSettings escalation, ChannelSettings channels, String nodeId) {
        this(db, clock, escalation, channels, nodeId, (c, alertId, personId, teamId, now) -> null);
    }

    public AlertLifecycle(
            Database db,
            Clock clock,
            EscalationSettings escalation,
            ChannelSettings channels,
            String nodeId,
            AcknowledgedHook acknowledgedHook) {
        this.db = db;
        this.clock = clock;
        this.escalation = escalation;
        this.channels = channels;
        this.actor = "system:" + nodeId;
        this.acknowledgedHook = acknowledgedHook;
    }

    // ---- a new alert: open, raise or close its episode, and route it ----

    /**
     * Routes a new alert in the transaction that stores it: to the team the rule names ({@code respondFirst}), else
     * the patient's first-responding care team, and there to the people on duty now; past teams where nobody is on
     * duty straight to the next tier. A RESOLVED alert closes its episode, an ESCALATED one raises it.
     */
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
                Trail.record(
                        c, alertId, now, Trail.Step.of("route.failed", actor).note(e.getMessage()));
            }
            return;
        }
        if (alert.status() == AlertStatus.ESCALATED) {
            // A worse reading in an open episode raises that episode's alert rather than paging a second one.
            Savepoint raising = c.setSavepoint();
            try {
                boolean raised = EpisodeRaise.raise(c, alertId, alert, hubScope, now, actor, escalation, channels);
                c.releaseSavepoint(raising);
                if (raised) {
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                // Routed as a new alert below instead: a second alert is better than a lost one.
                LOG.error(
                        "raising the episode of alert {} failed: {}; routing it as a new alert",
                        alertId,
                        e.getMessage(),
                        e);
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
            Trail.record(
                    c,
                    alertId,
                    now,
                    Trail.Step.of("route.unroutable", actor)
                            .note((note == null ? "" : note + "; ") + "patient " + alert.patientId()
                                    + " has no care relation in force"));
            fallBack(
                    c,
                    alertId,
                    OrgDirectory.organisationsOf(c, alert.patientId()),
                    null,
                    0,
                    now,
                    "ingen vårdrelation gäller / no care relation in force");
            return;
        }
        RouteDecision route = route(c, start, 0, now);
        insertState(c, alertId, alert, route.teamId(), route.tier(), after, now);
        Trail.recordSkipped(c, alertId, now, actor, route);
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        route.unstaffed() ? "routed.unstaffed" : "routed",
                        actor,
                        null,
                        route.teamId(),
                        route.tier(),
                        route.people(),
                        false,
                        null,
                        note));
        Optional<Snoozes.Active> snoozed = Snoozes.active(c, alert.patientId(), alert.ruleId(), now);
        if (snoozed.isPresent() && snoozed.get().covers(alert.severity())) {
            // Stored and shown, but it pages nobody: the nurse has already seen this rule fire for this patient.
            Trail.record(
                    c,
                    alertId,
                    now,
                    Trail.Step.of("notify.quiet", actor)
                            .note("snoozed until " + snoozed.get().until() + " from alert "
                                    + snoozed.get().alertId()));
        } else if (notice(c, alertId, alert)) {
            // Information for the team's inbox (a hospital's discharge): it must not page the night nurse.
            Trail.record(
                    c,
                    alertId,
                    now,
                    Trail.Step.of("notify.quiet", actor).note("information: shown in the inbox, pages nobody"));
        } else {
            NotificationOutbox.enqueue(
                    c, channels, now, alertId, event, "routed", route.teamId(), route.tier(), route.people());
            if (route.unstaffed()) {
                List<String> organisation = OrgDirectory.lookup(c, route.teamId())
                        .map(t -> List.of(t.organisationId()))
                        .orElse(List.of());
                fallBack(
                        c,
                        alertId,
                        organisation,
                        route.teamId(),
                        route.tier(),
                        now,
                        "ingen i tjänst på någon nivå / nobody on duty on any tier");
            }
            // Relatives are told of an urgent alert only, once per episode, when it opens (and again when resolved).
            if (alert.status() == AlertStatus.RAISED && alert.severity() == Severity.URGENT) {
                NotificationOutbox.enqueueRelatives(
                        c,
                        channels,
                        now,
                        alertId,
                        event,
                        alert.patientId(),
                        actor,
                        NotificationOutbox.RelativeMoment.OPENED);
            }
        }
    }

    /**
     * An alert nobody is on duty for, or with no care relation in force, goes at once to the fallback of each
     * organisation concerned: its MAS ({@code fallback}, told like anyone routed to). An organisation without one
     * leaves it to the operator, who sees every alert ({@code fallback.operator}); either way the trail says so.
     */
    private void fallBack(
            Connection c, long alertId, List<String> organisations, String teamId, int tier, Instant now, String why)
            throws SQLException {
        LinkedHashSet<String> people = new LinkedHashSet<>();
        for (String organisation : organisations) {
            people.addAll(OrgDirectory.fallback(c, organisation));
        }
        if (people.isEmpty()) {
            Trail.record(
                    c,
                    alertId,
                    now,
                    Trail.Step.of("fallback.operator", actor)
                            .note(why + "; "
                                    + (organisations.isEmpty()
                                            ? "no organisation has cared for the patient"
                                            : "no MAS in " + String.join(", ", organisations))
                                    + ": the operator must take it"));
            LOG.warn("alert {}: {}; no fallback person, left to the operator", alertId, why);
            return;
        }
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step("fallback", actor, null, teamId, tier, List.copyOf(people), false, null, why));
        NotificationOutbox.enqueue(c, channels, now, alertId, event, "fallback", teamId, tier, List.copyOf(people));
    }

    /** The route from {@code teamId} on {@code tier}: past teams where nobody is on duty now. */
    static RouteDecision route(Connection c, String teamId, int tier, Instant now) {
        return RoutingPolicy.route(
                teamId, tier, id -> OrgDirectory.lookup(c, id), team -> OrgDirectory.onDuty(c, team, now));
    }

    private static void insertState(
            Connection c, long alertId, Alert alert, String teamId, int tier, Optional<Duration> after, Instant now)
            throws SQLException {
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
            insert.setObject(7, after.map(Intervals::of).orElse(null));
            insert.setTimestamp(8, after.map(d -> Timestamp.from(now.plus(d))).orElse(null));
            insert.setTimestamp(9, Timestamp.from(now));
            insert.setTimestamp(10, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    /**
     * A notice: an INFO alert the cloud raised with a rule id starting {@link #NOTICE_RULE_PREFIX} (the hospital's
     * discharge). It is routed, shown and stays in the inbox until a person resolves it, but pages nobody.
     */
    private static boolean notice(Connection c, long alertId, Alert alert) throws SQLException {
        return alert.severity() == Severity.INFO
                && alert.ruleId().startsWith(NOTICE_RULE_PREFIX)
                && cloudOrigin(c, alertId);
    }

    private static boolean cloudOrigin(Connection c, long alertId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT origin = 'CLOUD' AS cloud FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() && r.getBoolean("cloud");
            }
        }
    }

    // ---- what people do ----

    /** Takes ownership, visible to all: escalation stops and the reminder clock starts. */
    public <T> Future<T> acknowledge(Principal who, long alertId, View<T> view) {
        AtomicReference<Runnable> afterCommit = new AtomicReference<>();
        return change(who, alertId, view, (c, s, now) -> {
                    if (s.state().equals("ACKNOWLEDGED")) {
                        throw new Refused(409, "redan kvitterat / already acknowledged");
                    }
                    own(c, alertId, s, who, now, afterCommit);
                })
                .onSuccess(v -> runAfterCommit(afterCommit));
    }

    private static void runAfterCommit(AtomicReference<Runnable> afterCommit) {
        Runnable after = afterCommit.get();
        if (after != null) {
            after.run();
        }
    }

    /**
     * The person takes the alert: the acknowledgement, its trail step and the reminder clock; what follows from it
     * (the patient's hub is told) is set in {@code afterCommit}, to run once the change is committed.
     */
    private void own(
            Connection c, long alertId, Locked s, Principal who, Instant now, AtomicReference<Runnable> afterCommit)
            throws SQLException {
        // An acknowledgement is a promise to act: the reminder scan holds the owner to it.
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET state = 'ACKNOWLEDGED', owner_id = ?, acknowledged_at = ?, escalate_at = NULL,
                       remind_at = ?, reminders = 0, updated_at = ?
                WHERE alert_id = ?""")) {
            u.setString(1, who.personId());
            u.setTimestamp(2, Timestamp.from(now));
            u.setTimestamp(3, Timestamp.from(escalation.reminders().firstDue(s.severity(), now)));
            u.setTimestamp(4, Timestamp.from(now));
            u.setLong(5, alertId);
            u.executeUpdate();
        }
        Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        "acknowledged",
                        who.actor(),
                        s.teamId(),
                        null,
                        null,
                        List.of(who.personId()),
                        false,
                        null,
                        null));
        // What follows from a person's acknowledgement must never undo it.
        Savepoint hook = c.setSavepoint();
        try {
            afterCommit.set(acknowledgedHook.acknowledged(c, alertId, who.personId(), s.teamId(), now));
            c.releaseSavepoint(hook);
        } catch (SQLException | RuntimeException e) {
            c.rollback(hook);
            LOG.error("alert {} acknowledged, but what follows from it failed: {}", alertId, e.getMessage(), e);
        }
    }

    /**
     * Records an action taken on the alert ({@code action.taken}, the action's code in the step's outcome field). An
     * OPEN alert is acknowledged by the person on the way: whoever phones the patient has taken the alert, and it must
     * not escalate past her while she acts (decision 0050).
     */
    public <T> Future<T> takeAction(Principal who, long alertId, EscalationAction kind, String note, View<T> view) {
        if (kind == null) {
            throw new Refused(400, "välj en åtgärd / choose an action");
        }
        String text = note == null || note.isBlank() ? null : note.strip();
        AtomicReference<Runnable> afterCommit = new AtomicReference<>();
        return change(who, alertId, view, (c, s, now) -> {
                    if (s.state().equals("OPEN")) {
                        own(c, alertId, s, who, now, afterCommit);
                    }
                    AlertActions.insert(c, alertId, kind, now, who.personId(), s.teamId(), text);
                    Trail.record(
                            c,
                            alertId,
                            now,
                            new Trail.Step(
                                    "action.taken",
                                    who.actor(),
                                    s.teamId(),
                                    null,
                                    null,
                                    null,
                                    false,
                                    kind.name(),
                                    text));
                })
                .onSuccess(v -> runAfterCommit(afterCommit));
    }

    /**
     * Records what came of an action on the alert ({@code action.outcome}, {@code KIND/OUTCOME} in the step's outcome
     * field); a later one corrects it, and the trail keeps both.
     */
    public <T> Future<T> actionOutcome(
            Principal who, long alertId, long actionId, ActionOutcome outcome, String note, View<T> view) {
        if (outcome == null) {
            throw new Refused(400, "välj ett utfall för åtgärden / choose the action's outcome");
        }
        String text = note == null || note.isBlank() ? null : note.strip();
        return change(who, alertId, view, (c, s, now) -> {
            EscalationAction kind = AlertActions.lockKind(c, alertId, actionId)
                    .orElseThrow(() ->
                            new Refused(404, "larmet har ingen sådan åtgärd / the alert has no action " + actionId));
            if (!kind.allows(outcome)) {
                throw new Refused(
                        400,
                        "utfallet " + outcome + " passar inte åtgärden " + kind + " / outcome " + outcome
                                + " does not fit action " + kind + "; one of " + kind.outcomes());
            }
            AlertActions.outcome(c, actionId, outcome, now, who.personId(), text);
            Trail.record(
                    c,
                    alertId,
                    now,
                    new Trail.Step(
                            "action.outcome",
                            who.actor(),
                            null,
                            null,
                            null,
                            null,
                            false,
                            kind.name() + "/" + outcome.name(),
                            text));
        });
    }

    /**
     * Hands the alert to another team with a note; it is open and unowned there, told to those on duty. Only a team
     * from {@link #handoverTargets} may receive it; the sending team then waits for the receiving one (decision 0042).
     */
    public <T> Future<T> handOver(Principal who, long alertId, String toTeamId, String note, View<T> view) {
        if (note == null || note.isBlank()) {
            throw new Refused(400, "en överlämning behöver en anteckning / a handover needs a note");
        }
        return change(who, alertId, view, (c, s, now) -> {
            Team to = OrgDirectory.team(c, toTeamId)
                    .orElseThrow(() -> new Refused(400, "okänt team / unknown team " + toTeamId));
            if (to.id().equals(s.teamId())) {
                throw new Refused(
                        400, "larmet ligger redan hos " + to.name() + " / the alert is already with that team");
            }
            boolean offered = targets(c, s.teamId(), s.patientId(), now).stream()
                    .anyMatch(t -> t.team().id().equals(to.id()));
            if (!offered) {
                throw new Refused(
                        409,
                        to.name()
                                + " har ingen vårdrelation med patienten och är inget eskaleringssteg för larmets team"
                                + " / " + to.name() + " has no care relation with the patient and is not on the"
                                + " escalation chain of the alert's team");
            }
            pass(c, alertId, s, who, to, 0, "handed-over", note.strip(), now);
        });
    }

    /**
     * Escalates the alert by hand, at once, to its team's escalation target ({@code escalatesTo}), with an optional
     * note: the same move as a handover, recorded as a person's escalation ({@code escalated.by-person}), not the
     * timer's.
     */
    public <T> Future<T> escalateNow(Principal who, long alertId, String note, View<T> view) {
        return change(who, alertId, view, (c, s, now) -> {
            Team to = HandoverPolicy.escalationTarget(targets(c, s.teamId(), s.patientId(), now))
                    .orElseThrow(() -> new Refused(
                            409, "larmets team har inget eskaleringssteg / the alert's team has no escalation target"));
            String text = note == null || note.isBlank() ? null : note.strip();
            pass(c, alertId, s, who, to, s.tier() + 1, "escalated.by-person", text, now);
        });
    }

    /**
     * The teams the alert may be handed to now, the escalation target first: its team's escalation chain, then the
     * teams with a care relation to the patient in force (decision 0042).
     */
    public static List<HandoverPolicy.Target> handoverTargets(Connection c, long alertId, Instant now)
            throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT team_id, patient_id FROM alert_state WHERE alert_id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? targets(c, r.getString("team_id"), r.getString("patient_id"), now) : List.of();
            }
        }
    }

    private static List<HandoverPolicy.Target> targets(Connection c, String teamId, String patientId, Instant now)
            throws SQLException {
        Team team = teamId == null ? null : OrgDirectory.team(c, teamId).orElse(null);
        return HandoverPolicy.targets(
                team, id -> OrgDirectory.lookup(c, id), OrgDirectory.careTeams(c, patientId, now));
    }

    /**
     * Moves the alert to {@code to} (or past it to the next tier with somebody on duty), open and unowned, with its
     * escalation clock restarted; the sending team waits for the receiving one. One trail step of {@code kind}.
     */
    private void pass(
            Connection c,
            long alertId,
            Locked s,
            Principal who,
            Team to,
            int tier,
            String kind,
            String note,
            Instant now)
            throws SQLException {
        Optional<Team> from = s.teamId() == null ? Optional.empty() : OrgDirectory.team(c, s.teamId());
        boolean cross = from.isEmpty() || !from.get().organisationId().equals(to.organisationId());
        RouteDecision route = route(c, to.id(), tier, now);
        Instant escalateAt = s.after() == null ? null : now.plus(s.after());
        reopen(c, alertId, route.teamId(), route.tier(), escalateAt, now);
        waitFor(c, alertId, HandoverPolicy.afterHandover(s.handedOverFrom(), s.teamId(), route.teamId()));
        Trail.recordSkipped(c, alertId, now, actor, route);
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        kind,
                        who.actor(),
                        s.teamId(),
                        route.teamId(),
                        route.tier(),
                        route.people(),
                        cross,
                        null,
                        // The note is the person's own words; a crossing between principals is cross_principal.
                        note));
        NotificationOutbox.enqueue(
                c, channels, now, alertId, event, kind, route.teamId(), route.tier(), route.people());
    }

    private static void waitFor(Connection c, long alertId, List<String> teams) throws SQLException {
        try (PreparedStatement u =
                c.prepareStatement("UPDATE alert_state SET handed_over_from = ? WHERE alert_id = ?")) {
            u.setArray(1, c.createArrayOf("text", teams.toArray()));
            u.setLong(2, alertId);
            u.executeUpdate();
        }
    }

    /** Closes the alert with what came of it. */
    public <T> Future<T> resolve(Principal who, long alertId, Outcome outcome, String note, View<T> view) {
        if (outcome == null) {
            throw new Refused(400, "välj ett utfall / choose an outcome");
        }
        return change(who, alertId, view, (c, s, now) -> {
            try (PreparedStatement u = c.prepareStatement("""
                    UPDATE alert_state SET state = 'RESOLVED', owner_id = coalesce(owner_id, ?), resolved_at = ?,
                           escalate_at = NULL, remind_at = NULL, outcome = ?, outcome_note = ?, updated_at = ?
                    WHERE alert_id = ?""")) {
                u.setString(1, who.personId());
                u.setTimestamp(2, Timestamp.from(now));
                u.setString(3, outcome.name());
                u.setString(4, note);
                u.setTimestamp(5, Timestamp.from(now));
                u.setLong(6, alertId);
                u.executeUpdate();
            }
            long event = Trail.record(
                    c,
                    alertId,
                    now,
                    new Trail.Step("resolved", who.actor(), s.teamId(), null, null, null, false, outcome.name(), note));
            if (s.severity() == Severity.URGENT) {
                // The relatives told that it opened are told it has been dealt with: no outcome, no note.
                NotificationOutbox.enqueueRelatives(
                        c,
                        channels,
                        now,
                        alertId,
                        event,
                        s.patientId(),
                        who.actor(),
                        NotificationOutbox.RelativeMoment.RESOLVED);
            }
        });
    }

    /** Quiets the alert's rule for this patient for a while ({@link EscalationPolicy#snooze}). */
    public <T> Future<T> snooze(Principal who, long alertId, Duration length, View<T> view) {
        return change(who, alertId, view, (c, s, now) -> {
            EscalationPolicy.SnoozeDecision d;
            try {
                d = EscalationPolicy.snooze(s.severity(), now, length, s.escalateAt());
            } catch (IllegalStateException e) {
                throw new Refused(
                        409,
                        "brådskande larm kan inte pausas förbi eskaleringen kl. " + s.escalateAt() + " / "
                                + e.getMessage());
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
            Trail.record(
                    c,
                    alertId,
                    now,
                    Trail.Step.of("snoozed", who.actor())
                            .note("until " + d.until() + " (" + s.ruleId() + "); escalates at " + d.escalateAt()));
        });
    }

    @FunctionalInterface
    private interface Step {
        void apply(Connection c, Locked state, Instant now) throws SQLException;
    }

    private <T> Future<T> change(Principal who, long alertId, View<T> view, Step step) {
        if (who.operator() || who.personId() == null) {
            return Future.failedFuture(new Refused(403, "bara personer kan hantera larm / only people act on alerts"));
        }
        Instant now = clock.instant();
        return db.transaction(c -> {
            if (!view.visible(c, alertId, now)) {
                throw new Refused(404, "inget sådant larm / no such alert");
            }
            Locked s = lock(c, alertId);
            if (s.state().equals("RESOLVED")) {
                throw new Refused(409, "larmet är redan avslutat / the alert is already resolved");
            }
            Optional<String> waiting = HandoverPolicy.waitingFor(s.handedOverFrom(), s.teamId(), who.teams());
            if (waiting.isPresent()) {
                // The sending team sees it read-only: a slip must not take it back from the team it was given to.
                String team =
                        OrgDirectory.team(c, waiting.get()).map(Team::name).orElse(waiting.get());
                throw new Refused(
                        409,
                        "Larmet är överlämnat till " + team + " och väntar på dem / The alert is handed over to " + team
                                + " and waits for them");
            }
            step.apply(c, s, now);
            Trail.changed(c, alertId);
            return view.read(c, alertId, now);
        });
    }

    private static Locked lock(Connection c, long alertId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT state, team_id, tier, owner_id, severity, escalate_after, escalate_at, patient_id, rule_id,
                       handed_over_from
                FROM alert_state WHERE alert_id = ? FOR UPDATE""")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(404, "larmet har ingen status / the alert has no state");
                }
                Timestamp at = r.getTimestamp("escalate_at");
                return new Locked(
                        r.getString("state"),
                        r.getString("team_id"),
                        r.getInt("tier"),
                        r.getString("owner_id"),
                        Severity.valueOf(r.getString("severity")),
                        Intervals.read(r, "escalate_after"),
                        at == null ? null : at.toInstant(),
                        r.getString("patient_id"),
                        r.getString("rule_id"),
                        List.of((String[]) r.getArray("handed_over_from").getArray()));
            }
        }
    }

    /**
     * Puts an alert back OPEN and unowned with a team (handed over, or given back by the reminder scan): no owner,
     * acknowledgement, reminder or snooze, the escalation clock at {@code escalateAt}.
     */
    private static void reopen(Connection c, long alertId, String teamId, int tier, Instant escalateAt, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET state = 'OPEN', team_id = ?, tier = ?, owner_id = NULL, acknowledged_at = NULL,
                       remind_at = NULL, reminders = 0, escalate_at = ?, snoozed_until = NULL, updated_at = ?,
                       handed_over_from = array_remove(handed_over_from, ?)
                WHERE alert_id = ?""")) {
            u.setString(1, teamId);
            u.setInt(2, tier);
            u.setTimestamp(3, escalateAt == null ? null : Timestamp.from(escalateAt));
            u.setTimestamp(4, Timestamp.from(now));
            u.setString(5, teamId);
            u.setLong(6, alertId);
            u.executeUpdate();
        }
    }

    // ---- what the scan does (Escalator finds what is due and calls these in its transaction) ----

    /** Escalates an OPEN alert nobody acknowledged in time to the next tier; the last tier's is kept and said so. */
    void escalate(Connection c, long alertId, String fromTeamId, int tier, Duration after, Instant now)
            throws SQLException {
        Optional<Team> from = fromTeamId == null ? Optional.empty() : OrgDirectory.team(c, fromTeamId);
        String next = from.map(Team::escalatesTo).orElse(null);
        if (next == null) {
            // The last tier did not answer either: nobody further to call; keep it open and say so, once.
            moveTo(c, alertId, fromTeamId, tier, null, now);
            Trail.record(
                    c,
                    alertId,
                    now,
                    new Trail.Step(
                            "escalation.exhausted",
                            actor,
                            fromTeamId,
                            null,
                            tier,
                            null,
                            false,
                            null,
                            "no further tier / ingen ytterligare nivå"));
            Trail.changed(c, alertId);
            return;
        }
        RouteDecision route = route(c, next, tier + 1, now);
        moveTo(c, alertId, route.teamId(), route.tier(), after == null ? null : now.plus(after), now);
        Trail.recordSkipped(c, alertId, now, actor, route);
        boolean cross = OrgDirectory.crossOrganisation(c, fromTeamId, route.teamId());
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        "escalated",
                        actor,
                        fromTeamId,
                        route.teamId(),
                        route.tier(),
                        route.people(),
                        cross,
                        null,
                        "not acknowledged within " + after
                                + (route.unstaffed() ? "; nobody on duty on any tier" : "")));
        NotificationOutbox.enqueue(
                c, channels, now, alertId, event, "escalated", route.teamId(), route.tier(), route.people());
        Trail.changed(c, alertId);
    }

    /** Reminds the owner of an acknowledged alert she has not resolved; it returns to the team at the next step. */
    void remind(
            Connection c,
            long alertId,
            String teamId,
            int tier,
            String ownerId,
            Severity severity,
            Instant acknowledgedAt,
            Instant now)
            throws SQLException {
        ReminderSchedule schedule = escalation.reminders();
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE alert_state SET remind_at = ?, reminders = reminders + 1, updated_at = ? WHERE alert_id = ?")) {
            u.setTimestamp(1, Timestamp.from(schedule.afterReminder(severity, now)));
            u.setTimestamp(2, Timestamp.from(now));
            u.setLong(3, alertId);
            u.executeUpdate();
        }
        String since = acknowledgedAt == null ? "" : " since " + acknowledgedAt;
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        "reminded",
                        actor,
                        null,
                        teamId,
                        tier,
                        List.of(ownerId),
                        false,
                        null,
                        "kvitterat men inte avslutat / acknowledged but not resolved" + since
                                + "; returns to the team at " + schedule.afterReminder(severity, now)));
        NotificationOutbox.enqueue(c, channels, now, alertId, event, "reminded", teamId, tier, List.of(ownerId));
        Trail.changed(c, alertId);
    }

    /**
     * Returns an acknowledged, unresolved alert to the team it lay with, to whoever is on duty there now (the owner's
     * shift may be over), OPEN and unowned with its escalation clock restarted; a team with nobody on duty passes it
     * on to its next tier, as routing does.
     */
    void returnToTeam(Connection c, long alertId, String teamId, int tier, String ownerId, Duration after, Instant now)
            throws SQLException {
        RouteDecision route = teamId == null ? null : route(c, teamId, tier, now);
        reopen(
                c,
                alertId,
                route == null ? null : route.teamId(),
                route == null ? tier : route.tier(),
                after == null ? null : now.plus(after),
                now);
        if (route == null) {
            Trail.record(
                    c,
                    alertId,
                    now,
                    new Trail.Step(
                            "returned",
                            actor,
                            null,
                            null,
                            tier,
                            List.of(),
                            false,
                            null,
                            "inte avslutat, ingen ägare längre / not resolved, no longer owned by " + ownerId
                                    + "; the alert has no team"));
            Trail.changed(c, alertId);
            return;
        }
        Trail.recordSkipped(c, alertId, now, actor, route);
        boolean cross = OrgDirectory.crossOrganisation(c, teamId, route.teamId());
        long event = Trail.record(
                c,
                alertId,
                now,
                new Trail.Step(
                        "returned",
                        actor,
                        teamId,
                        route.teamId(),
                        route.tier(),
                        route.people(),
                        cross,
                        null,
                        "inte avslutat efter påminnelse, tillbaka till jouren utan ägare / not resolved after a reminder, back "
                                + "to the people on duty unowned (was " + ownerId + ")"
                                + (route.unstaffed() ? "; nobody on duty on any tier" : "")));
        NotificationOutbox.enqueue(
                c, channels, now, alertId, event, "returned", route.teamId(), route.tier(), route.people());
        Trail.changed(c, alertId);
    }

    private static void moveTo(Connection c, long alertId, String teamId, int tier, Instant escalateAt, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE alert_state SET team_id = ?, tier = ?, escalate_at = ?, snoozed_until = NULL, updated_at = ?,
                       handed_over_from = array_remove(handed_over_from, ?)
                WHERE alert_id = ?""")) {
            u.setString(1, teamId);
            u.setInt(2, tier);
            u.setTimestamp(3, escalateAt == null ? null : Timestamp.from(escalateAt));
            u.setTimestamp(4, Timestamp.from(now));
            u.setString(5, teamId);
            u.setLong(6, alertId);
            u.executeUpdate();
        }
    }

    // ---- what other parts of the system record on an alert ----

    /** A notification of the alert will not be tried again: the trail says so and open inboxes update. */
    public static void undeliverable(Connection c, long alertId, Instant at, String what) throws SQLException {
        Trail.record(c, alertId, at, Trail.Step.of("notify.dead", "system").note(what));
        Trail.changed(c, alertId);
    }

    /**
     * Someone added to an open alert without paging again (a relative pressing "I am worried" a second time): the
     * trail records it as {@code kind} with their words, in the caller's transaction, and open inboxes update.
     */
    public static void added(Connection c, long alertId, Instant at, String kind, String actor, String note)
            throws SQLException {
        Trail.record(c, alertId, at, Trail.Step.of(kind, actor).note(note));
        Trail.changed(c, alertId);
    }

    /**
     * A nurse assigned a reading to a patient and it fell in an open alert's episode: the alert's trail records it,
     * in the caller's transaction; {@code changed} tells open inboxes.
     */
    public static void readingAssigned(
            Connection c, long alertId, Instant at, String actor, String note, boolean changed) throws SQLException {
        Trail.record(c, alertId, at, Trail.Step.of("reading.assigned", actor).note(note));
        if (changed) {
            Trail.changed(c, alertId);
        }
    }

    /**
     * Home-care staff reported something about the patient that raised or joined this alert: its trail names who and
     * what, in the caller's transaction; {@code changed} tells open inboxes (a report joining an open alert).
     */
    public static void reportedByHomeCare(
            Connection c, long alertId, Instant at, String actor, String note, boolean changed) throws SQLException {
        Trail.record(c, alertId, at, Trail.Step.of("homecare.report", actor).note(note));
        if (changed) {
            Trail.changed(c, alertId);
        }
    }

    /**
     * Erases a patient's alerts, their state, trail and snoozes in the caller's transaction (what refers to them,
     * such as notifications, goes first); the number of rows per table.
     */
    public static Map<String, Integer> erase(Connection c, String patientId) throws SQLException {
        String herAlerts = "(SELECT id FROM alert WHERE patient_id = ?)";
        Map<String, String> deletes = new LinkedHashMap<>();
        deletes.put("snooze", "DELETE FROM snooze WHERE patient_id = ? OR alert_id IN " + herAlerts);
        deletes.put("alert_action", "DELETE FROM alert_action WHERE alert_id IN " + herAlerts);
        deletes.put("alert_event", "DELETE FROM alert_event WHERE alert_id IN " + herAlerts);
        deletes.put("alert_state", "DELETE FROM alert_state WHERE patient_id = ? OR alert_id IN " + herAlerts);
        deletes.put("alert", "DELETE FROM alert WHERE patient_id = ?");
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : deletes.entrySet()) {
            try (PreparedStatement s = c.prepareStatement(d.getValue())) {
                int params = (int) d.getValue().chars().filter(ch -> ch == '?').count();
                for (int i = 1; i <= params; i++) {
                    s.setString(i, patientId);
                }
                removed.put(d.getKey(), s.executeUpdate());
            }
        }
        return removed;
    }
}
