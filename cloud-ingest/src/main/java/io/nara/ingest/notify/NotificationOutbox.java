package io.nara.ingest.notify;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.relative.RelativeConsent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the notifications of one routing step into the outbox, in the step's own transaction: once the step is
 * committed, its notifications exist, whatever happens to this node or to a channel afterwards.
 *
 * <p>An e-mail carries no patient identity (e-mail is not a channel for health data): the severity, the rule's text and
 * a link to the inbox, where the nurse signs in. The webhook carries the patient's id for the paging gateway.
 *
 * <p>Relatives with the patient's NOTIFY consent in force get one message when an urgent alert opens (that the care
 * team has it) and one when a person resolves it (that it has been dealt with), nothing more (no name, no value, no
 * rule), because the message leaves the care system.
 */
public final class NotificationOutbox {

    /** What a relative is told when an urgent alert opens, Swedish first; the same text by SMS and e-mail. */
    static final String RELATIVE_TEXT = "Nära: vården har fått ett larm om din närstående och tar hand om det. "
            + "/ Nära: the care team has received an alert about your relative and is taking care of it.";

    /** What a relative is told when that alert is resolved. */
    static final String RESOLVED_TEXT = "Nära: larmet om din närstående är åtgärdat. "
            + "/ Nära: the alert about your relative has been dealt with.";

    private NotificationOutbox() {}

    public static int enqueue(
            Connection c,
            ChannelSettings settings,
            Instant now,
            long alertId,
            long eventId,
            String eventKind,
            String teamId,
            int tier,
            List<String> people)
            throws SQLException {
        String severity;
        String ruleId;
        String patientId;
        String message;
        try (PreparedStatement q =
                c.prepareStatement("SELECT severity, rule_id, patient_id, message FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return 0;
                }
                severity = r.getString("severity");
                ruleId = r.getString("rule_id");
                patientId = r.getString("patient_id");
                message = r.getString("message");
            }
        }
        Map<String, OrgDirectory.Person> recipients = OrgDirectory.people(c, people);
        int made = 0;
        if (settings.webhookUrl() != null) {
            JsonArray to = new JsonArray();
            recipients
                    .values()
                    .forEach(p -> to.add(new JsonObject()
                            .put("personId", p.id())
                            .put("name", p.name())
                            .put("phone", p.phone())));
            JsonObject body = new JsonObject()
                    .put("event", eventKind)
                    .put("alertId", alertId)
                    .put("severity", severity)
                    .put("ruleId", ruleId)
                    .put("patientId", patientId)
                    .put("message", message)
                    .put("team", teamId)
                    .put("tier", tier)
                    .put("recipients", to)
                    .put("at", now.toString())
                    .put("inbox", settings.inboxUrl());
            made += insert(
                    c, now, alertId, eventId, "WEBHOOK", settings.webhookUrl().toString(), body.encode());
        }
        if (settings.smtp() != null) {
            String subject = ("reminded".equals(eventKind) ? "Påminnelse / Reminder: " : "")
                    + ("URGENT".equals(severity)
                            ? "Brådskande larm / Urgent alert"
                            : "WARNING".equals(severity) ? "Varning / Warning" : "Information")
                    + " – Nära";
            for (OrgDirectory.Person p : recipients.values()) {
                if (p.email() == null || p.email().isBlank()) {
                    continue;
                }
                String text = "Hej " + p.name() + ",\n\n" + opening(eventKind)
                        + "\n" + message + "\n\nÖppna inkorgen / Open the inbox: " + settings.inboxUrl()
                        + "\n\n(larm / alert " + alertId + ")\n";
                JsonObject mail = new JsonObject()
                        .put("to", p.email())
                        .put("subject", subject)
                        .put("text", text);
                made += insert(c, now, alertId, eventId, "EMAIL", p.email(), mail.encode());
            }
        }
        return made;
    }

    /** The two moments a relative is told of an urgent alert, with what they are told (Swedish first). */
    public enum RelativeMoment {
        /** An urgent alert about the patient opened (or an open one became urgent). */
        OPENED("relative-notified", "Nära – larm / alert", RELATIVE_TEXT),
        /** That alert was resolved by a person; told only to those told of its opening. */
        RESOLVED("relative-resolved", "Nära – åtgärdat / dealt with", RESOLVED_TEXT);

        private final String event;
        private final String subject;
        private final String text;

        RelativeMoment(String event, String subject, String text) {
            this.event = event;
            this.subject = subject;
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * Tells the patient's relatives whose NOTIFY consent is in force, in the alert step's transaction: the webhook
     * (SMS gateway) for those with a phone number, e-mail for those with an address, one row per relative and channel
     * naming the relative, so a withdrawal cancels what is still queued ({@link Dispatcher}). A resolve is told only to
     * those told of the alert's opening. Each disclosure is also an access-log entry ({@code relative.notified}), so
     * the MAS sees what left the care system and to whom.
     *
     * @return the notifications written
     */
    public static int enqueueRelatives(
            Connection c,
            ChannelSettings settings,
            Instant now,
            long alertId,
            long eventId,
            String patientId,
            String actor,
            RelativeMoment moment)
            throws SQLException {
        List<RelativeConsent.Relative> relatives =
                RelativeConsent.withConsent(c, patientId, RelativeConsent.Scope.NOTIFY, now);
        if (moment == RelativeMoment.RESOLVED) {
            List<Long> told = toldOf(c, alertId);
            relatives = relatives.stream().filter(r -> told.contains(r.id())).toList();
        }
        int made = 0;
        for (RelativeConsent.Relative r : relatives) {
            boolean told = false;
            if (settings.webhookUrl() != null && r.phone() != null && !r.phone().isBlank()) {
                JsonObject body = new JsonObject()
                        .put("event", moment.event)
                        .put("audience", "relative")
                        .put(
                                "recipients",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("relativeId", r.id())
                                                .put("name", r.name())
                                                .put("phone", r.phone())))
                        .put("message", moment.text)
                        .put("at", now.toString());
                made += insert(
                        c,
                        now,
                        alertId,
                        eventId,
                        "WEBHOOK",
                        settings.webhookUrl().toString(),
                        body.encode(),
                        r.id());
                told = true;
            }
            if (settings.smtp() != null && r.email() != null && !r.email().isBlank()) {
                JsonObject mail = new JsonObject()
                        .put("to", r.email())
                        .put("subject", moment.subject)
                        .put("text", "Hej " + r.name() + ",\n\n" + moment.text + "\n");
                made += insert(c, now, alertId, eventId, "EMAIL", r.email(), mail.encode(), r.id());
                told = true;
            }
            if (told) {
                AccessLog.record(
                        c,
                        actor,
                        "relative.notified",
                        List.of(patientId),
                        "relative:" + r.id() + ", alert " + alertId
                                + (moment == RelativeMoment.RESOLVED ? " resolved" : ""));
            }
        }
        return made;
    }

    /** The relatives a message of this alert was written for and not cancelled: those told of its opening. */
    private static List<Long> toldOf(Connection c, long alertId) throws SQLException {
        List<Long> told = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT relative_id FROM notification "
                + "WHERE alert_id = ? AND relative_id IS NOT NULL AND state <> 'CANCELLED'")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    told.add(r.getLong("relative_id"));
                }
            }
        }
        return told;
    }

    /**
     * Cancels a claimed relative's notification whose NOTIFY consent is no longer in force (or whose relative is
     * gone), in the claiming transaction, so it is never sent: CANCELLED with the reason, and an access-log entry
     * ({@code relative.notify.cancelled}) beside the one that recorded the disclosure.
     *
     * @return whether it was cancelled
     */
    static boolean cancelWithdrawn(Connection c, long notificationId, long relativeId, Instant now)
            throws SQLException {
        Optional<RelativeConsent.Relative> relative = RelativeConsent.relative(c, relativeId);
        if (relative.isPresent()
                && RelativeConsent.inForce(
                        c, relativeId, relative.get().patientId(), RelativeConsent.Scope.NOTIFY, now)) {
            return false;
        }
        String why = relative.isEmpty()
                ? "den anhöriga finns inte längre / the relative is no longer registered"
                : "samtycket (NOTIFY) är återkallat / the NOTIFY consent was withdrawn";
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE notification SET state = 'CANCELLED', lease_until = NULL, last_error = ? WHERE id = ?")) {
            u.setString(1, "inte skickat: " + why + " / not sent");
            u.setLong(2, notificationId);
            u.executeUpdate();
        }
        AccessLog.record(
                c,
                "system",
                "relative.notify.cancelled",
                relative.map(r -> List.of(r.patientId())).orElse(List.of()),
                "relative:" + relativeId + ", notification " + notificationId + ": " + why);
        return true;
    }

    /** The first line of an e-mail: what happened, Swedish first. */
    private static String opening(String eventKind) {
        return switch (eventKind) {
            case "escalated", "escalated.by-person" ->
                "Ett larm har eskalerats till dig / An alert was escalated to you.\n";
            case "reminded" ->
                "Påminnelse: du har kvitterat ett larm som inte är avslutat / Reminder: you acknowledged "
                        + "an alert that is not resolved yet.\n";
            case "returned" ->
                "Ett kvitterat larm avslutades inte och är tillbaka hos jouren utan ägare / An "
                        + "acknowledged alert was not resolved and is back with the people on duty, unowned.\n";
            default -> "Ett larm väntar på dig / An alert is waiting for you.\n";
        };
    }

    private static int insert(
            Connection c, Instant now, long alertId, long eventId, String channel, String target, String body)
            throws SQLException {
        return insert(c, now, alertId, eventId, channel, target, body, null);
    }

    private static int insert(
            Connection c,
            Instant now,
            long alertId,
            long eventId,
            String channel,
            String target,
            String body,
            Long relativeId)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO notification (alert_id, event_id, channel, target, body, next_attempt_at, created_at,
                                          audience, relative_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (event_id, channel, target, audience, (coalesce(relative_id, 0))) DO NOTHING""")) {
            insert.setLong(1, alertId);
            insert.setLong(2, eventId);
            insert.setString(3, channel);
            insert.setString(4, target);
            insert.setString(5, body);
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setString(8, relativeId == null ? "STAFF" : "RELATIVE");
            insert.setObject(9, relativeId);
            return insert.executeUpdate();
        }
    }
}
