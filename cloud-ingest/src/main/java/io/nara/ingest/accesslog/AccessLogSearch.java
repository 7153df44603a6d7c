package io.nara.ingest.accesslog;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Searching the access log: the operator sees every entry; the medically responsible nurse (team role MAS) sees the
 * entries about patients whom any team of her organisation cares or has cared for, and of each entry only those
 * patients. Everybody else is refused. The search is itself an entry.
 *
 * <p>A person or a patient is found by id or by part of the name, in any case (the MAS knows "Sara", not
 * {@code person:sara-l}); names are resolved through the person, relative and patient tables first, then the log is
 * searched by the ids, on its indexes. The entries that the live stream writes, one per alert it sends, are folded
 * into one line per stream (from, until, count), so a shift's stream does not drown the rest.
 */
public final class AccessLogSearch {

    private static final int MAX_ROWS = 500;
    private static final ZoneId LOCAL = ZoneId.of("Europe/Stockholm");
    /** The action whose entries fold into one line per stream. */
    static final String STREAM = "alerts.stream";
    /** How a stream entry's detail names its stream: {@code alert 12, stream 3f9a1c2e}. */
    public static final String STREAM_MARK = "stream ";

    /** What to look for; null means any. {@code patient} and {@code actor} are ids or parts of names. */
    public record Query(String patient, String actor, Instant from, Instant to) {

        /** From the query string; a time is an instant, or a Swedish local date-time or date. */
        public static Query parse(String patient, String actor, String from, String to) {
            return new Query(blank(patient), blank(actor), time("from", from, false), time("to", to, true));
        }

        String describe() {
            return "patient=" + (patient == null ? "" : patient) + " actor=" + (actor == null ? "" : actor) + " from="
                    + (from == null ? "" : from) + " to=" + (to == null ? "" : to);
        }
    }

    /** A patient named in an entry: her id and, while the patient table has her, her name. */
    public record Patient(String id, String name) {}

    /**
     * One line: an entry, or the entries of one live stream folded together ({@code count} of them, the first
     * {@code at}, the last {@code until}; {@code until} is null for a single entry). {@code actorName} is the
     * person's, relative's or journal system's name where the actor is one; {@code what} the action in words.
     */
    public record Entry(
            long id,
            Instant at,
            Instant until,
            int count,
            String actor,
            String actorName,
            String action,
            AccessActions.Words what,
            List<String> patientIds,
            List<Patient> patients,
            String detail) {}

    private AccessLogSearch() {}

    public static List<Entry> search(Connection c, Principal who, Query query) throws SQLException {
        Set<String> allowed = who.operator() ? null : masPatients(c, who);
        List<Entry> entries = new ArrayList<>();
        Set<String> patients = null;
        if (query.patient() != null) {
            patients = patientsMatching(c, query.patient());
            if (allowed != null) {
                if (!allowed.contains(query.patient()) && isPatient(c, query.patient())) {
                    throw new CareAccess.NoCareRelation(query.patient());
                }
                patients.retainAll(allowed);
            }
        }
        if (patients == null || !patients.isEmpty()) {
            entries = find(c, query, patients, allowed);
        }
        AccessLog.record(
                c,
                who.actor(),
                "access-log.search",
                entries.stream().flatMap(e -> e.patientIds().stream()).toList(),
                query.describe());
        return entries;
    }

    private static List<Entry> find(Connection c, Query query, Set<String> patients, Set<String> allowed)
            throws SQLException {
        StringBuilder where = new StringBuilder("true");
        List<Object> params = new ArrayList<>();
        if (patients != null) {
            where.append(" AND l.patient_ids && ?");
            params.add(c.createArrayOf("text", patients.toArray()));
        }
        if (query.actor() != null) {
            where.append(" AND l.actor = ANY (?)");
            params.add(c.createArrayOf("text", actorsMatching(c, query.actor()).toArray()));
        }
        if (query.from() != null) {
            where.append(" AND l.at >= ?");
            params.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            where.append(" AND l.at < ?");
            params.add(Timestamp.from(query.to()));
        }
        if (allowed != null) {
            where.append(" AND l.patient_ids && ?");
            params.add(c.createArrayOf("text", allowed.toArray()));
        }
        // A stream entry folds with the others of its stream; one without a stream in its detail (written before
        // streams were named) with the others of its reader that day.
        String sql = """
                WITH hit AS (
                    SELECT l.id, l.at, l.actor, l.action, l.patient_ids, l.detail,
                           CASE WHEN l.action = '%1$s' THEN coalesce(
                                    substring(l.detail from '%2$s([0-9a-z]+)'),
                                    to_char(l.at AT TIME ZONE '%3$s', 'YYYY-MM-DD'))
                                ELSE 'entry ' || l.id END AS fold
                    FROM access_log l WHERE %4$s)
                SELECT max(h.id) AS id, min(h.at) AS first_at, max(h.at) AS last_at, count(DISTINCT h.id) AS n,
                       h.actor, h.action, array_remove(array_agg(DISTINCT u.patient), NULL) AS patient_ids,
                       max(h.detail) AS detail, coalesce(p.name, r.name, f.name) AS actor_name
                FROM hit h
                LEFT JOIN LATERAL unnest(h.patient_ids) AS u(patient) ON true
                LEFT JOIN person p ON h.actor = 'person:' || p.id
                LEFT JOIN relative r ON h.actor = 'relative:' || r.id
                LEFT JOIN fhir_client f ON h.actor = 'fhir-client:' || f.id
                GROUP BY h.fold, h.actor, h.action, p.name, r.name, f.name
                ORDER BY last_at DESC, id DESC LIMIT %5$d""".formatted(STREAM, STREAM_MARK, LOCAL.getId(), where, MAX_ROWS);
        List<Entry> entries = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                q.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Array ids = r.getArray("patient_ids");
                    List<String> shown = List.of((String[]) ids.getArray()).stream()
                            .filter(id -> allowed == null || allowed.contains(id))
                            .sorted()
                            .toList();
                    named.addAll(shown);
                    int n = r.getInt("n");
                    entries.add(new Entry(
                            r.getLong("id"),
                            r.getTimestamp("first_at").toInstant(),
                            n > 1 ? r.getTimestamp("last_at").toInstant() : null,
                            n,
                            r.getString("actor"),
                            r.getString("actor_name"),
                            r.getString("action"),
                            AccessActions.of(r.getString("action")),
                            shown,
                            List.of(),
                            n > 1 ? null : r.getString("detail")));
                }
            }
        }
        Map<String, String> names = patientNames(c, named);
        Map<String, String> teams = teamNames(c);
        return entries.stream()
                .map(e -> new Entry(
                        e.id(),
                        e.at(),
                        e.until(),
                        e.count(),
                        e.actor(),
                        e.actorName(),
                        e.action(),
                        e.what(),
                        e.patientIds(),
                        e.patientIds().stream()
                                .map(id -> new Patient(id, names.get(id)))
                                .toList(),
                        withTeamNames(e.detail(), teams)))
                .toList();
    }

    /**
     * The detail with every team id in it replaced by the team's name: entries record ids ({@code team=home-north}),
     * the MAS reads names.
     */
    static String withTeamNames(String detail, Map<String, String> teams) {
        if (detail == null) {
            return null;
        }
        String readable = detail;
        for (Map.Entry<String, String> team : teams.entrySet()) {
            readable = readable.replaceAll(
                    "(?<![\\w-])" + Pattern.quote(team.getKey()) + "(?![\\w-])",
                    Matcher.quoteReplacement(team.getValue()));
        }
        return readable;
    }

    private static Map<String, String> teamNames(Connection c) throws SQLException {
        Map<String, String> names = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, name FROM care_team");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                names.put(r.getString("id"), r.getString("name"));
            }
        }
        return names;
    }

    /** The value itself (an id, also of a patient since erased) and every patient whose name holds it. */
    private static Set<String> patientsMatching(Connection c, String value) throws SQLException {
        Set<String> ids = new TreeSet<>();
        ids.add(value);
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM patient WHERE name ILIKE ? ESCAPE '\\'")) {
            q.setString(1, contains(value));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString("id"));
                }
            }
        }
        return ids;
    }

    private static boolean isPatient(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM patient WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * The actors the value may mean: itself (an actor such as {@code operator}), the person with that id, and every
     * person, relative and journal system whose name holds it.
     */
    private static Set<String> actorsMatching(Connection c, String value) throws SQLException {
        Set<String> actors = new TreeSet<>(List.of(value, "person:" + value));
        try (PreparedStatement q = c.prepareStatement("""
                SELECT 'person:' || id AS actor FROM person WHERE name ILIKE ? ESCAPE '\\'
                UNION SELECT 'relative:' || id FROM relative WHERE name ILIKE ? ESCAPE '\\'
                UNION SELECT 'fhir-client:' || id FROM fhir_client WHERE name ILIKE ? ESCAPE '\\'""")) {
            String pattern = contains(value);
            for (int i = 1; i <= 3; i++) {
                q.setString(i, pattern);
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    actors.add(r.getString("actor"));
                }
            }
        }
        return actors;
    }

    private static Map<String, String> patientNames(Connection c, Set<String> ids) throws SQLException {
        Map<String, String> names = new HashMap<>();
        if (ids.isEmpty()) {
            return names;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT id, name FROM patient WHERE id = ANY (?)")) {
            q.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    names.put(r.getString("id"), r.getString("name"));
                }
            }
        }
        return names;
    }

    /** A LIKE pattern matching any text that holds {@code value} as it is (its %, _ and \ are not wildcards). */
    static String contains(String value) {
        return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /**
     * The patients whose access log a MAS may read: every patient with a care relation, past or present, to a team
     * of an organisation in whose team she holds the MAS role. Refuses everybody else.
     */
    public static Set<String> masPatients(Connection c, Principal who) throws SQLException {
        if (who.personId() == null) {
            throw new CareAccess.MissingRole("MAS");
        }
        Set<String> patients = new TreeSet<>();
        boolean mas = false;
        try (PreparedStatement q = c.prepareStatement("""
                SELECT DISTINCT o.id, r.patient_id FROM team_member m
                JOIN care_team mt ON mt.id = m.team_id
                JOIN organisation o ON o.id = mt.organisation_id
                LEFT JOIN care_team t ON t.organisation_id = o.id
                LEFT JOIN care_relation r ON r.team_id = t.id
                WHERE m.person_id = ? AND m.role = 'MAS'""")) {
            q.setString(1, who.personId());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    mas = true;
                    if (r.getString("patient_id") != null) {
                        patients.add(r.getString("patient_id"));
                    }
                }
            }
        }
        if (!mas) {
            throw new CareAccess.MissingRole("MAS");
        }
        return patients;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant time(String name, String value, boolean endOfDay) {
        String v = blank(value);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDateTime.parse(v).atZone(LOCAL).toInstant();
            } catch (DateTimeParseException notLocal) {
                try {
                    LocalDate day = LocalDate.parse(v);
                    return (endOfDay ? day.plusDays(1) : day)
                            .atStartOfDay(LOCAL)
                            .toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException(name + " must be a time such as 2026-11-24T12:00 or a date "
                            + "such as 2026-11-24, not " + v);
                }
            }
        }
    }
}
