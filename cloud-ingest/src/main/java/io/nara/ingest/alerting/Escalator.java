package io.nara.ingest.alerting;

import io.nara.ingest.db.Database;
import io.nara.ingest.db.Intervals;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the open alerts whose time to escalate has come, and the acknowledged ones nobody resolved, and has the
 * {@link AlertLifecycle} escalate, remind or return them
 * ({@link ReminderSchedule}). Every ingest node runs it; PostgreSQL decides who escalates what: the
 * due rows are locked with {@code FOR UPDATE SKIP LOCKED}, so a row another node is escalating is skipped, and once
 * that node commits the row's {@code escalate_at} lies in the future (or is null), so it is no longer due. Each
 * escalation therefore happens exactly once, however many nodes race.
 */
public final class Escalator {

    private static final int BATCH = 50;

    private final Database db;
    private final Clock clock;
    private final AlertLifecycle lifecycle;

    public Escalator(Database db, Clock clock, AlertLifecycle lifecycle) {
        this.db = db;
        this.clock = clock;
        this.lifecycle = lifecycle;
    }

    /** What one scan did on this node. */
    public record Scan(int escalated, int reminded, int returned) {}

    /** One scan of both kinds, as every node's timer runs it; a failure of one kind does not stop the other. */
    public Future<Scan> scan() {
        Future<Integer> escalated = escalateDue();
        Future<Scan> reminded = remindDue();
        return Future.join(escalated, reminded)
                .map(v -> new Scan(
                        escalated.result(),
                        reminded.result().reminded(),
                        reminded.result().returned()));
    }

    /** One scan; the number of alerts this node escalated. */
    public Future<Integer> escalateDue() {
        Instant now = clock.instant();
        return db.transaction(c -> {
            record Due(long alertId, String teamId, int tier, Duration after) {}
            List<Due> due = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT alert_id, team_id, tier, escalate_after FROM alert_state
                    WHERE state = 'OPEN' AND escalate_at IS NOT NULL AND escalate_at <= ?
                    ORDER BY escalate_at LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                q.setTimestamp(1, Timestamp.from(now));
                q.setInt(2, BATCH);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        due.add(new Due(
                                r.getLong("alert_id"),
                                r.getString("team_id"),
                                r.getInt("tier"),
                                Intervals.read(r, "escalate_after")));
                    }
                }
            }
            for (Due d : due) {
                lifecycle.escalate(c, d.alertId(), d.teamId(), d.tier(), d.after(), now);
            }
            return due.size();
        });
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
            record Due(
                    long alertId,
                    String teamId,
                    int tier,
                    String ownerId,
                    Severity severity,
                    int reminders,
                    Duration after,
                    Instant acknowledgedAt) {}
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
                        Timestamp ack = r.getTimestamp("acknowledged_at");
                        due.add(new Due(
                                r.getLong("alert_id"),
                                r.getString("team_id"),
                                r.getInt("tier"),
                                r.getString("owner_id"),
                                Severity.valueOf(r.getString("severity")),
                                r.getInt("reminders"),
                                Intervals.read(r, "escalate_after"),
                                ack == null ? null : ack.toInstant()));
                    }
                }
            }
            int reminded = 0;
            int returned = 0;
            for (Due d : due) {
                if (d.ownerId() != null && ReminderSchedule.step(d.reminders()) == ReminderSchedule.Step.REMIND) {
                    lifecycle.remind(
                            c, d.alertId(), d.teamId(), d.tier(), d.ownerId(), d.severity(), d.acknowledgedAt(), now);
                    reminded++;
                } else {
                    lifecycle.returnToTeam(c, d.alertId(), d.teamId(), d.tier(), d.ownerId(), d.after(), now);
                    returned++;
                }
            }
            return new Scan(0, reminded, returned);
        });
    }
}
