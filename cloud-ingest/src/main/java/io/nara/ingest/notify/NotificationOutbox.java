package io.nara.ingest.notify;

import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.routing.AlertingSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes the notifications of one routing step into the outbox, in the step's own transaction: once the step is
 * committed, its notifications exist, whatever happens to this node or to a channel afterwards.
 *
 * <p>An e-mail carries no patient identity (e-mail is not a channel for health data): the severity, the rule's text and
 * a link to the inbox, where the nurse signs in. The webhook carries the patient's id for the paging gateway.
 */
public final class NotificationOutbox {

    private NotificationOutbox() {
    }

    public static int enqueue(Connection c, AlertingSettings settings, Instant now, long alertId, long eventId,
                              String eventKind, String teamId, int tier, List<String> people) throws SQLException {
        String severity;
        String ruleId;
        String patientId;
        String message;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT severity, rule_id, patient_id, message FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return 0;
                }
                severity = r.getString(1);
                ruleId = r.getString(2);
                patientId = r.getString(3);
                message = r.getString(4);
            }
        }
        Map<String, OrgDirectory.Person> recipients = OrgDirectory.people(c, people);
        int made = 0;
        if (settings.webhookUrl() != null) {
            JsonArray to = new JsonArray();
            recipients.values().forEach(p -> to.add(new JsonObject().put("personId", p.id()).put("name", p.name())
                    .put("phone", p.phone())));
            JsonObject body = new JsonObject().put("event", eventKind).put("alertId", alertId).put("severity", severity)
                    .put("ruleId", ruleId).put("patientId", patientId).put("message", message).put("team", teamId)
                    .put("tier", tier).put("recipients", to).put("at", now.toString())
                    .put("inbox", settings.inboxUrl());
            made += insert(c, now, alertId, eventId, "WEBHOOK", settings.webhookUrl().toString(), body.encode());
        }
        if (settings.smtp() != null) {
            String subject = ("reminded".equals(eventKind) ? "Påminnelse / Reminder: " : "")
                    + ("URGENT".equals(severity) ? "Brådskande larm / Urgent alert"
                    : "WARNING".equals(severity) ? "Varning / Warning" : "Information") + " – Nära";
            for (OrgDirectory.Person p : recipients.values()) {
                if (p.email() == null || p.email().isBlank()) {
                    continue;
                }
                String text = "Hej " + p.name() + ",\n\n" + opening(eventKind)
                        + "\n" + message + "\n\nÖppna inkorgen / Open the inbox: " + settings.inboxUrl()
                        + "\n\n(larm / alert " + alertId + ")\n";
                JsonObject mail = new JsonObject().put("to", p.email()).put("subject", subject).put("text", text);
                made += insert(c, now, alertId, eventId, "EMAIL", p.email(), mail.encode());
            }
        }
        return made;
    }

    /** The first line of an e-mail: what happened, Swedish first. */
    private static String opening(String eventKind) {
        return switch (eventKind) {
            case "escalated" -> "Ett larm har eskalerats till dig / An alert was escalated to you.\n";
            case "reminded" -> "Påminnelse: du har kvitterat ett larm som inte är avslutat / Reminder: you acknowledged "
                    + "an alert that is not resolved yet.\n";
            case "returned" -> "Ett kvitterat larm avslutades inte och är tillbaka hos jouren utan ägare / An "
                    + "acknowledged alert was not resolved and is back with the people on duty, unowned.\n";
            default -> "Ett larm väntar på dig / An alert is waiting for you.\n";
        };
    }

    private static int insert(Connection c, Instant now, long alertId, long eventId, String channel, String target,
                              String body) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO notification (alert_id, event_id, channel, target, body, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, channel, target) DO NOTHING""")) {
            insert.setLong(1, alertId);
            insert.setLong(2, eventId);
            insert.setString(3, channel);
            insert.setString(4, target);
            insert.setString(5, body);
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setTimestamp(7, Timestamp.from(now));
            return insert.executeUpdate();
        }
    }
}
