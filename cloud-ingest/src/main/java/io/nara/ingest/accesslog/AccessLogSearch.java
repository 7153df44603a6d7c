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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Searching the access log: the operator sees every entry; the medically responsible nurse (team role MAS) sees the
 * entries about patients whom any team of her organisation cares or has cared for, and of each entry only those
 * patients. Everybody else is refused. The search is itself an entry.
 */
public final class AccessLogSearch {

    private static final int MAX_ROWS = 500;
    private static final ZoneId LOCAL = ZoneId.of("Europe/Stockholm");

    /** What to look for; null means any. */
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

    /** One entry; {@code actorName} is the person's or relative's name where the actor is one. */
    public record Entry(
            long id,
            Instant at,
            String actor,
            String actorName,
            String action,
            List<String> patientIds,
            String detail) {}

    private AccessLogSearch() {}

    public static List<Entry> search(Connection c, Principal who, Query query) throws SQLException {
        Set<String> allowed = who.operator() ? null : masPatients(c, who);
        if (allowed != null && query.patient() != null && !allowed.contains(query.patient())) {
            throw new CareAccess.NoCareRelation(query.patient());
        }
        StringBuilder sql = new StringBuilder("""
                SELECT l.id, l.at, l.actor, coalesce(p.name, r.name) AS actor_name, l.action, l.patient_ids, l.detail
                FROM access_log l
                LEFT JOIN person p ON l.actor = 'person:' || p.id
                LEFT JOIN relative r ON l.actor = 'relative:' || r.id
                WHERE true""");
        List<Object> params = new ArrayList<>();
        if (query.patient() != null) {
            sql.append(" AND ? = ANY (l.patient_ids)");
            params.add(query.patient());
        }
        if (query.actor() != null) {
            sql.append(" AND (l.actor = ? OR l.actor = 'person:' || ?)");
            params.add(query.actor());
            params.add(query.actor());
        }
        if (query.from() != null) {
            sql.append(" AND l.at >= ?");
            params.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND l.at < ?");
            params.add(Timestamp.from(query.to()));
        }
        if (allowed != null) {
            sql.append(" AND l.patient_ids && ?");
            params.add(c.createArrayOf("text", allowed.toArray()));
        }
        sql.append(" ORDER BY l.at DESC, l.id DESC LIMIT ").append(MAX_ROWS);
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                q.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Array ids = r.getArray("patient_ids");
                    List<String> patients = List.of((String[]) ids.getArray()).stream()
                            .filter(id -> allowed == null || allowed.contains(id))
                            .toList();
                    entries.add(new Entry(
                            r.getLong("id"),
                            r.getTimestamp("at").toInstant(),
                            r.getString("actor"),
                            r.getString("actor_name"),
                            r.getString("action"),
                            patients,
                            r.getString("detail")));
                }
            }
        }
        AccessLog.record(
                c,
                who.actor(),
                "access-log.search",
                entries.stream().flatMap(e -> e.patientIds().stream()).toList(),
                query.describe());
        return entries;
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
