package io.nara.ingest.escalation;

import io.nara.ingest.db.Database;
import io.nara.ingest.notify.NotificationOutbox;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.Team;
import io.nara.ingest.routing.AlertRouter;
import io.nara.ingest.routing.AlertingSettings;
import io.nara.ingest.routing.RouteDecision;
import io.nara.ingest.routing.RoutingPolicy;
import io.nara.ingest.routing.Trail;
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
 * Escalates open alerts whose time has come. Every ingest node runs it; PostgreSQL decides who escalates what: the
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
        for (String skipped : route.skipped()) {
            Trail.record(c, alertId, now, new Trail.Step("route.skipped", actor, skipped, null, null, List.of(), false,
                    null, "nobody on duty / ingen i tjänst"));
        }
        Optional<Team> to = OrgDirectory.team(c, route.teamId());
        boolean cross = from.isPresent() && to.isPresent()
                && !from.get().organisationId().equals(to.get().organisationId());
        long event = Trail.record(c, alertId, now, new Trail.Step("escalated", actor, fromTeamId, route.teamId(),
                route.tier(), route.people(), cross, null,
                "not acknowledged within " + after + (route.unstaffed() ? "; nobody on duty on any tier" : "")));
        NotificationOutbox.enqueue(c, settings, now, alertId, event, "escalated", route.teamId(), route.tier(),
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
