package io.nara.ingest.inbox;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads for the inbox. A person sees an alert when it lies with one of their teams, when they own it, or when one of
 * their teams has a care relation in force with the patient (the municipal nurse still sees what she handed over to
 * the region, marked {@code handedOverTo} and read-only for her), or when they were told of it as their
 * organisation's fallback (an alert nobody else could take). Every read writes the access log in the same transaction.
 */
public final class Inbox {

    /**
     * The actor of the steps the cloud takes by itself (routing, escalation, an episode's end), in both languages:
     * "svensk text / English text", the convention the page splits with {@code nara.message}.
     */
    public static final String SYSTEM_NAME = "Nära (automatiskt) / Nära (automatic)";

    /** The actor of a step the operator's key took. */
    public static final String OPERATOR_NAME = "Driften / Operator";

    private static final String VISIBLE = """
            (s.team_id = ANY (?) OR s.owner_id = ? OR EXISTS (
                SELECT 1 FROM care_relations_at(?) r WHERE r.patient_id = a.patient_id AND r.team_id = ANY (?))
             OR EXISTS (SELECT 1 FROM alert_event f WHERE f.alert_id = a.id AND f.kind = 'fallback'
                AND ? = ANY (f.people)))""";

    private static final String ORDER = """
             ORDER BY CASE a.severity WHEN 'URGENT' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, a.received_at DESC, a.id DESC
            """;

    private Inbox() {}

    /** Open (unresolved) alerts the principal may see, most severe and newest first. */
    public static List<InboxItem> open(Connection c, Principal who, Instant now, int limit) throws SQLException {
        String sql = InboxItem.SELECT + " WHERE coalesce(s.state, 'OPEN') <> 'RESOLVED'"
                + (who.operator() ? "" : " AND " + VISIBLE) + ORDER + " LIMIT ?";
        List<InboxItem> items = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            int i = who.operator() ? 1 : bind(c, q, who, now);
            q.setInt(i, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    items.add(InboxItem.from(r, who));
                }
            }
        }
        AccessLog.record(
                c,
                who.actor(),
                "inbox.list",
                items.stream().map(InboxItem::patientId).toList(),
                "open alerts, limit " + limit);
        return items;
    }

    /**
     * Alerts of lower severity that closed themselves when their episode resolved since {@code since}, newest first,
     * for review: nobody acknowledged them.
     */
    public static List<InboxItem> autoClosed(Connection c, Principal who, Instant now, Instant since, int limit)
            throws SQLException {
        String sql = InboxItem.SELECT + " WHERE s.auto_closed AND s.resolved_at >= ?"
                + (who.operator() ? "" : " AND " + VISIBLE) + " ORDER BY s.resolved_at DESC, a.id DESC LIMIT ?";
        List<InboxItem> items = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setTimestamp(1, Timestamp.from(since));
            int i = who.operator() ? 2 : bind(c, q, who, now, 2);
            q.setInt(i, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    items.add(InboxItem.from(r, who));
                }
            }
        }
        AccessLog.record(
                c,
                who.actor(),
                "inbox.auto-closed",
                items.stream().map(InboxItem::patientId).toList(),
                "alerts closed automatically since " + since + ", limit " + limit);
        return items;
    }

    /** One alert, if the principal may see it; the read is logged. */
    public static Optional<InboxItem> one(Connection c, Principal who, long alertId, Instant now, String action)
            throws SQLException {
        Optional<InboxItem> item = visible(c, who, alertId, now);
        if (item.isPresent()) {
            AccessLog.record(c, who.actor(), action, List.of(item.get().patientId()), "alert " + alertId);
        }
        return item;
    }

    /** One alert if visible, without logging (for checks before a change, which the trail records). */
    public static Optional<InboxItem> visible(Connection c, Principal who, long alertId, Instant now)
            throws SQLException {
        String sql = InboxItem.SELECT + " WHERE a.id = ?" + (who.operator() ? "" : " AND " + VISIBLE);
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setLong(1, alertId);
            if (!who.operator()) {
                bind(c, q, who, now, 2);
            }
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(InboxItem.from(r, who)) : Optional.empty();
            }
        }
    }

    /**
     * The alert's trail, oldest first, naming people and teams as the page shows them: a person by name, the cloud's
     * own steps as {@link #SYSTEM_NAME}, a team by its name beside its id.
     */
    public static List<TrailEntry> trail(Connection c, long alertId) throws SQLException {
        List<TrailEntry> entries = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT e.at, e.kind, e.actor, e.from_team, e.to_team, e.tier, e.people, e.cross_principal, e.outcome,
                       e.note, p.name AS actor_name, ft.name AS from_team_name, tt.name AS to_team_name
                FROM alert_event e
                LEFT JOIN person p ON e.actor = 'person:' || p.id
                LEFT JOIN care_team ft ON ft.id = e.from_team
                LEFT JOIN care_team tt ON tt.id = e.to_team
                WHERE e.alert_id = ? ORDER BY e.id""")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Array people = r.getArray("people");
                    String actor = r.getString("actor");
                    entries.add(new TrailEntry(
                            r.getTimestamp("at").toInstant(),
                            r.getString("kind"),
                            actor,
                            actorName(actor, r.getString("actor_name")),
                            r.getString("from_team"),
                            r.getString("from_team_name"),
                            r.getString("to_team"),
                            r.getString("to_team_name"),
                            r.getObject("tier", Integer.class),
                            people == null ? List.of() : List.of((String[]) people.getArray()),
                            r.getBoolean("cross_principal"),
                            r.getString("outcome"),
                            r.getString("note")));
                }
            }
        }
        return entries;
    }

    /** Who took a step, in words: the person's name, or what the cloud or the operator did on its own. */
    static String actorName(String actor, String personName) {
        if (personName != null) {
            return personName;
        }
        if (actor == null) {
            return null;
        }
        if (actor.startsWith("system:")) {
            return SYSTEM_NAME;
        }
        return "operator".equals(actor) ? OPERATOR_NAME : actor;
    }

    /** One step of the trail; the names are null where there is no such person or team. */
    public record TrailEntry(
            Instant at,
            String kind,
            String actor,
            String actorName,
            String fromTeam,
            String fromTeamName,
            String toTeam,
            String toTeamName,
            Integer tier,
            List<String> people,
            boolean crossPrincipal,
            String outcome,
            String note) {}

    private static int bind(Connection c, PreparedStatement q, Principal who, Instant now) throws SQLException {
        return bind(c, q, who, now, 1);
    }

    private static int bind(Connection c, PreparedStatement q, Principal who, Instant now, int from)
            throws SQLException {
        Array teams = c.createArrayOf("text", who.teams().toArray());
        q.setArray(from, teams);
        q.setString(from + 1, who.personId());
        q.setTimestamp(from + 2, Timestamp.from(now));
        q.setArray(from + 3, teams);
        q.setString(from + 4, who.personId());
        return from + 5;
    }
}
