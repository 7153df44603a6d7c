package io.nara.ingest.relative;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.web.Refused;
import io.nara.protocol.Limits;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The relative's alarm ("Jag är orolig för …"): with the patient's ALARM consent in force, a relative raises an urgent
 * cloud alert about the patient that is routed, escalated and latched like the hub's help button, naming who raised it
 * and their words. A second press while that alert is still open (not resolved) adds to it, in its trail, and pages
 * nobody again: the people on duty already have it. The relative then sees only whether it was received, seen (a person
 * acknowledged it) or dealt with; no values, no notes. Without consent: refused, logged, nothing changes.
 */
public final class RelativeAlarm {

    /** The rule the relative's alarm carries, beside the hub's {@code help-button}. */
    public static final String RULE = "relative-alarm";

    /** The longest text a relative may add, in characters. */
    public static final int MAX_TEXT = 300;

    /**
     * The alert life cycle as this package reaches it: the alerting package tells relatives (through the notify
     * package, which reads consents here), so this one gets its help through this interface, wired by the service.
     */
    public interface Alerts {
        /** Stores a cloud alert and routes it, in the caller's transaction; empty if it was already stored. */
        Optional<Long> raise(Connection c, String hubId, Alert alert) throws SQLException;

        /** Adds a step to an open alert's trail without paging anyone, in the caller's transaction. */
        void add(Connection c, long alertId, Instant at, String actor, String note) throws SQLException;
    }

    /** What the relative asks: an optional short text. */
    public record Request(String text) {

        /** {@code {"text": "..."}} or {@code {}}; a 400 naming what is wrong otherwise. */
        public static Request parse(JsonObject body) {
            Object text = body == null ? null : body.getValue("text");
            if (text == null) {
                return new Request(null);
            }
            if (!(text instanceof String s)) {
                throw new Refused(400, "text måste vara en text / text must be a string");
            }
            String stripped = s.strip();
            if (stripped.length() > MAX_TEXT) {
                throw new Refused(
                        400,
                        "texten är längre än " + MAX_TEXT + " tecken / the text is longer than " + MAX_TEXT
                                + " characters (" + stripped.length() + ")");
            }
            for (int i = 0; i < stripped.length(); i++) {
                char ch = stripped.charAt(i);
                if (Character.isISOControl(ch) && ch != '\n') {
                    throw new Refused(
                            400,
                            "texten innehåller ett otillåtet tecken / the text holds a control character at position "
                                    + i);
                }
            }
            return new Request(stripped.isEmpty() ? null : stripped);
        }
    }

    /** The press taken: the alert it raised, or the open one it was added to. */
    public record Raised(long alertId, boolean added) {}

    /** Where the relative's latest alarm stands, as their page shows it. */
    public enum Progress {
        /** Stored and routed to the people on duty; nobody has acknowledged it yet. */
        RECEIVED,
        /** A person acknowledged it. */
        SEEN,
        /** A person resolved it. */
        DEALT_WITH
    }

    /** The relative's latest alarm: when they pressed, their own words, where it stands and since when. */
    public record Alarm(Instant raisedAt, String text, boolean added, Progress progress, Instant since) {}

    /** What the relative's page shows: whom the button is for, and their latest alarm, if any. */
    public record Status(String patientName, Alarm latest) {}

    private RelativeAlarm() {}

    /**
     * The relative's alarm state; empty (refused, logged {@code relative.refused}) without ALARM consent in force.
     */
    public static Optional<Status> status(Connection c, Principal who, Instant now) throws SQLException {
        Optional<String> patientId = allowed(c, who, now);
        if (patientId.isEmpty()) {
            return Optional.empty();
        }
        AccessLog.record(c, who.actor(), "relative.alarm.status", List.of(patientId.get()), "own alarm, received/seen");
        return Optional.of(new Status(patientName(c, patientId.get()), latest(c, who.relativeId())));
    }

    /**
     * Raises the alarm, or adds to the patient's open one; empty (refused, logged {@code relative.refused}) without
     * ALARM consent in force, and then nothing changes.
     */
    public static Optional<Raised> raise(Connection c, Alerts alerts, Principal who, Request request, Instant now)
            throws SQLException {
        Optional<String> allowed = allowed(c, who, now);
        if (allowed.isEmpty()) {
            return Optional.empty();
        }
        String patientId = allowed.get();
        // One press at a time per patient, so two relatives pressing at once raise one alert, not two.
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, RULE + ":" + patientId);
            lock.execute();
        }
        RelativeConsent.Relative relative =
                RelativeConsent.relative(c, who.relativeId()).orElseThrow();
        // In both halves of the "Svenska / English" text, so the inbox shows them in either language.
        String words = request.text() == null ? "" : ": " + request.text().replace(" / ", " – ");
        Optional<Long> open = openAlarm(c, patientId);
        Raised raised;
        if (open.isPresent()) {
            alerts.add(
                    c,
                    open.get(),
                    now,
                    who.actor(),
                    "Anhörig " + relative.name() + " larmar igen" + words + " / Relative " + relative.name()
                            + " pressed again" + words);
            raised = new Raised(open.get(), true);
        } else {
            String[] hubAndPlan = hubAndPlan(c, patientId);
            Alert alert = new Alert(
                    1,
                    patientId,
                    RULE,
                    Severity.URGENT,
                    null,
                    null,
                    null,
                    message(relative.name(), words),
                    now,
                    0,
                    hubAndPlan[1],
                    null,
                    null,
                    AlertStatus.RAISED,
                    RULE + ":" + UUID.randomUUID());
            long id = alerts.raise(c, hubAndPlan[0], alert)
                    .orElseThrow(() -> new IllegalStateException("the relative's alarm was not stored"));
            raised = new Raised(id, false);
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO relative_alarm (relative_id, patient_id, alert_id, "
                + "text, added, raised_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            i.setLong(1, relative.id());
            i.setString(2, patientId);
            i.setLong(3, raised.alertId());
            i.setString(4, request.text());
            i.setBoolean(5, raised.added());
            i.setTimestamp(6, Timestamp.from(now));
            i.executeUpdate();
        }
        AccessLog.record(
                c,
                who.actor(),
                "relative.alarm",
                List.of(patientId),
                (raised.added() ? "added to alert " : "raised alert ") + raised.alertId());
        return Optional.of(raised);
    }

    /**
     * The alert's text, both halves naming the relative and holding their words; a very long name leaves the words to
     * the Swedish half only, within the alert's length limit (they are kept whole in {@code relative_alarm}).
     */
    static String message(String name, String words) {
        String both = "Anhörig " + name + " är orolig för patienten" + words + " / Relative " + name
                + " is worried about the patient" + words;
        if (both.length() <= Limits.MAX_TEXT_LENGTH) {
            return both;
        }
        String sv = "Anhörig " + name + " är orolig för patienten" + words + " / Relative " + name
                + " is worried about the patient";
        return sv.length() <= Limits.MAX_TEXT_LENGTH ? sv : sv.substring(0, Limits.MAX_TEXT_LENGTH);
    }

    /** The relative's patient when the ALARM consent is in force now; a refusal is logged. */
    private static Optional<String> allowed(Connection c, Principal who, Instant now) throws SQLException {
        Optional<RelativeConsent.Relative> relative = RelativeConsent.relative(c, who.relativeId());
        if (relative.isEmpty()) {
            AccessLog.record(c, who.actor(), "relative.refused", List.of(), "alarm: no such relative");
            return Optional.empty();
        }
        String patientId = relative.get().patientId();
        if (!RelativeConsent.inForce(c, who.relativeId(), patientId, RelativeConsent.Scope.ALARM, now)) {
            AccessLog.record(c, who.actor(), "relative.refused", List.of(patientId), "no ALARM consent in force");
            return Optional.empty();
        }
        return Optional.of(patientId);
    }

    /** The newest relative's alarm of the patient whose alert is not resolved, by anyone. */
    private static Optional<Long> openAlarm(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT ra.alert_id FROM relative_alarm ra "
                + "JOIN alert_state s ON s.alert_id = ra.alert_id WHERE ra.patient_id = ? AND s.state <> 'RESOLVED' "
                + "ORDER BY ra.id DESC LIMIT 1")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(r.getLong("alert_id")) : Optional.empty();
            }
        }
    }

    /**
     * The hub the patient is at (her care plan's, else her household's; "none" without one) and her care plan's
     * version ("none" without a plan), as the alert row wants them.
     */
    private static String[] hubAndPlan(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce((SELECT hub_id FROM care_plan WHERE patient_id "
                + "= ?), (SELECT h.hub_id FROM household_member m JOIN household h ON h.id = m.household_id "
                + "WHERE m.patient_id = ? AND m.until IS NULL AND h.ended_at IS NULL LIMIT 1), 'none') AS hub, "
                + "coalesce((SELECT CAST(version AS text) FROM care_plan WHERE patient_id = ?), 'none') AS plan")) {
            q.setString(1, patientId);
            q.setString(2, patientId);
            q.setString(3, patientId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return new String[] {r.getString("hub"), r.getString("plan")};
            }
        }
    }

    private static String patientName(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM patient WHERE id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getString("name") : "";
            }
        }
    }

    /** The relative's newest press and where its alert stands. */
    private static Alarm latest(Connection c, long relativeId) throws SQLException {
        // Seen once a person first acknowledged it: a handover later puts it back unacknowledged, yet it was seen.
        try (PreparedStatement q = c.prepareStatement("SELECT ra.raised_at, ra.text, ra.added, s.state, "
                + "(SELECT min(e.at) FROM alert_event e WHERE e.alert_id = ra.alert_id AND e.kind = 'acknowledged') "
                + "AS acknowledged_at, s.resolved_at FROM relative_alarm ra "
                + "LEFT JOIN alert_state s ON s.alert_id = ra.alert_id WHERE ra.relative_id = ? "
                + "ORDER BY ra.id DESC LIMIT 1")) {
            q.setLong(1, relativeId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                String state = r.getString("state");
                Timestamp acknowledged = r.getTimestamp("acknowledged_at");
                Timestamp resolved = r.getTimestamp("resolved_at");
                Progress progress;
                Timestamp since;
                if ("RESOLVED".equals(state)) {
                    progress = Progress.DEALT_WITH;
                    since = resolved;
                } else if (acknowledged != null) {
                    progress = Progress.SEEN;
                    since = acknowledged;
                } else {
                    progress = Progress.RECEIVED;
                    since = r.getTimestamp("raised_at");
                }
                return new Alarm(
                        r.getTimestamp("raised_at").toInstant(),
                        r.getString("text"),
                        r.getBoolean("added"),
                        progress,
                        since == null ? null : since.toInstant());
            }
        }
    }
}
