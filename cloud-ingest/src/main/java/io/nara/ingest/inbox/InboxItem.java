package io.nara.ingest.inbox;

import io.nara.ingest.alerting.HandoverPolicy;
import io.nara.ingest.auth.Principal;
import io.nara.protocol.message.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An alert with where it stands: what the inbox and the live stream show. {@code remindAt} is when an acknowledged
 * alert next reminds its owner or returns to the team; {@code reminders} how many reminders the owner has had.
 * {@code recoveredAt} is when the value returned to normal while an URGENT alert stayed open (it latches until a person
 * acknowledges it); {@code autoClosed} says a lower-severity alert closed itself when its episode resolved.
 * {@code handedOverTo} is, for a reader whose team handed the alert over, the name of the team it waits for (it lies
 * there now): the reader sees it read-only (decision 0042); null when the reader may act on it.
 */
public record InboxItem(
        long id,
        String hubId,
        long seq,
        String patientId,
        String patientName,
        String ruleId,
        Severity severity,
        String code,
        Double value,
        String unit,
        String message,
        Instant raisedAt,
        Instant receivedAt,
        long observationSeq,
        String carePlanVersion,
        String state,
        String teamId,
        String teamName,
        String organisationKind,
        int tier,
        String ownerId,
        String ownerName,
        Instant escalateAt,
        Instant snoozedUntil,
        String outcome,
        Instant remindAt,
        int reminders,
        Instant recoveredAt,
        boolean autoClosed,
        Instant resolvedAt,
        String handedOverTo) {

    static final String SELECT = """
            SELECT a.id, a.hub_id, a.seq, a.patient_id, p.name AS patient_name, a.rule_id, a.severity, a.code, a.value,
                   a.unit, a.message, a.raised_at, a.received_at, a.observation_seq, a.care_plan_version,
                   coalesce(s.state, 'OPEN') AS state, s.team_id, t.name AS team_name, o.kind AS org_kind,
                   coalesce(s.tier, 0) AS tier, s.owner_id, w.name AS owner_name, s.escalate_at, s.snoozed_until,
                   s.outcome, s.remind_at, coalesce(s.reminders, 0) AS reminders, s.value_recovered_at,
                   coalesce(s.auto_closed, false) AS auto_closed, s.resolved_at,
                   coalesce(s.handed_over_from, '{}') AS handed_over_from
            FROM alert a
            LEFT JOIN alert_state s ON s.alert_id = a.id
            LEFT JOIN patient p ON p.id = a.patient_id
            LEFT JOIN care_team t ON t.id = s.team_id
            LEFT JOIN organisation o ON o.id = t.organisation_id
            LEFT JOIN person w ON w.id = s.owner_id
            """;

    /** The row as {@code reader} sees it. */
    static InboxItem from(ResultSet r, Principal reader) throws SQLException {
        double value = r.getDouble("value");
        Double v = r.wasNull() ? null : value;
        String teamId = r.getString("team_id");
        boolean waiting = HandoverPolicy.waitingFor(
                        List.of((String[]) r.getArray("handed_over_from").getArray()), teamId, reader.teams())
                .isPresent();
        return new InboxItem(
                r.getLong("id"),
                r.getString("hub_id"),
                r.getLong("seq"),
                r.getString("patient_id"),
                r.getString("patient_name"),
                r.getString("rule_id"),
                Severity.valueOf(r.getString("severity")),
                r.getString("code"),
                v,
                r.getString("unit"),
                r.getString("message"),
                instant(r, "raised_at"),
                instant(r, "received_at"),
                r.getLong("observation_seq"),
                r.getString("care_plan_version"),
                r.getString("state"),
                r.getString("team_id"),
                r.getString("team_name"),
                r.getString("org_kind"),
                r.getInt("tier"),
                r.getString("owner_id"),
                r.getString("owner_name"),
                instant(r, "escalate_at"),
                instant(r, "snoozed_until"),
                r.getString("outcome"),
                instant(r, "remind_at"),
                r.getInt("reminders"),
                instant(r, "value_recovered_at"),
                r.getBoolean("auto_closed"),
                instant(r, "resolved_at"),
                waiting ? Objects.requireNonNullElse(r.getString("team_name"), teamId) : null);
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
