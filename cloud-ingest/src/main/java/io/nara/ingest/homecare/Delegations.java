package io.nara.ingest.homecare;

import io.nara.ingest.web.Refused;
import io.nara.ingest.web.Signal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Delegated tasks in PostgreSQL ({@code delegation}, {@code delegation_done}; owner of both). The callers check who
 * asks ({@link HomeCareRoutes}); here: whom a task may go to, what is due, done and revoked.
 */
final class Delegations {

    /** A delegated task as the nurse sees it: to whom, by whom, whether it was done today and when it was last done. */
    record View(
            long id,
            String task,
            String code,
            Signal measurement,
            List<Integer> weekdays,
            String toPersonId,
            String toTeamId,
            String toName,
            LocalDate from,
            LocalDate to,
            String delegatedBy,
            String delegatedByName,
            Instant delegatedAt,
            String revokedBy,
            Instant revokedAt,
            Instant lastDoneAt,
            String lastDoneByName,
            boolean dueToday,
            boolean doneToday) {}

    /** A home-care team that serves the patient now, and its staff: whom a task may be delegated to. */
    record Delegate(String teamId, String teamName, List<Person> staff) {}

    record Person(String id, String name) {}

    /** A task as a staff member sees it today. */
    record Task(long id, String task, Signal measurement, List<Integer> weekdays, LocalDate to, Instant doneAt) {}

    /** A measurement a task may name, as the form offers it. */
    record Measurement(String code, String sv, String en) {}

    private static final String VIEW = """
            SELECT d.*, coalesce(p.name, t.name) AS to_name, b.name AS by_name,
                   (SELECT max(x.done_at) FROM delegation_done x WHERE x.delegation_id = d.id) AS last_done_at,
                   (SELECT q.name FROM delegation_done x JOIN person q ON q.id = x.done_by
                     WHERE x.delegation_id = d.id ORDER BY x.done_at DESC LIMIT 1) AS last_done_by,
                   (SELECT x.done_at FROM delegation_done x WHERE x.delegation_id = d.id AND x.done_on = ?) AS done_today
            FROM delegation d LEFT JOIN person p ON p.id = d.to_person_id LEFT JOIN care_team t ON t.id = d.to_team_id
            LEFT JOIN person b ON 'person:' || b.id = d.delegated_by
            """;

    private Delegations() {}

    static List<Measurement> measurements() {
        return Delegation.MEASUREMENTS.stream()
                .map(m -> new Measurement(m.code(), m.swedish(), m.display()))
                .toList();
    }

    private static Signal measurement(String code) {
        return code == null ? null : Signal.of(code);
    }

    /** The home-care teams with a care relation to the patient now, each with its HOME_CARE_STAFF members. */
    static List<Delegate> delegates(Connection c, String patientId, Instant now) throws SQLException {
        List<Delegate> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT t.id, t.name, array_agg(p.id ORDER BY p.name) AS ids, array_agg(p.name ORDER BY p.name) AS names
                FROM care_relations_at(?) r JOIN care_team t ON t.id = r.team_id
                JOIN team_member m ON m.team_id = t.id AND m.role = 'HOME_CARE_STAFF'
                JOIN person p ON p.id = m.person_id AND p.active
                WHERE r.patient_id = ? GROUP BY t.id, t.name ORDER BY t.name""")) {
            q.setTimestamp(1, Timestamp.from(now));
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String[] ids = (String[]) r.getArray("ids").getArray();
                    String[] names = (String[]) r.getArray("names").getArray();
                    List<Person> staff = new ArrayList<>();
                    for (int i = 0; i < ids.length; i++) {
                        staff.add(new Person(ids[i], names[i]));
                    }
                    out.add(new Delegate(r.getString("id"), r.getString("name"), staff));
                }
            }
        }
        return out;
    }

    /**
     * Records the delegation; refused (400, naming it) when the person or team is not home-care staff serving the
     * patient now.
     */
    static long create(Connection c, String patientId, Delegation d, String actor, Instant now) throws SQLException {
        List<Delegate> allowed = delegates(c, patientId, now);
        boolean ok = d.toTeamId() != null
                ? allowed.stream().anyMatch(t -> t.teamId().equals(d.toTeamId()))
                : allowed.stream().flatMap(t -> t.staff().stream()).anyMatch(p -> p.id().equals(d.toPersonId()));
        if (!ok) {
            throw new IllegalArgumentException(
                    "mottagaren är inte hemtjänst som har hand om patienten / the receiver is"
                            + " not home-care staff serving this patient: "
                            + (d.toTeamId() != null ? d.toTeamId() : d.toPersonId()));
        }
        try (PreparedStatement i = c.prepareStatement("""
                INSERT INTO delegation (patient_id, task, code, weekdays, to_person_id, to_team_id, valid_from, valid_to,
                                        delegated_by, delegated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            i.setString(1, patientId);
            i.setString(2, d.task());
            i.setString(3, d.code());
            i.setArray(4, c.createArrayOf("integer", d.weekdays().toArray()));
            i.setString(5, d.toPersonId());
            i.setString(6, d.toTeamId());
            i.setDate(7, Date.valueOf(d.from()));
            i.setDate(8, Date.valueOf(d.to()));
            i.setString(9, actor);
            i.setTimestamp(10, Timestamp.from(now));
            try (ResultSet r = i.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The patient's delegations, newest first, revoked ones too (the nurse sees what was). */
    static List<View> ofPatient(Connection c, String patientId, LocalDate today) throws SQLException {
        List<View> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(VIEW + " WHERE d.patient_id = ? ORDER BY d.delegated_at DESC, d.id DESC")) {
            q.setDate(1, Date.valueOf(today));
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(view(r, today));
                }
            }
        }
        return out;
    }

    /** One delegation of the patient; empty when there is none of that id for her. */
    static Optional<View> one(Connection c, String patientId, long id, LocalDate today) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(VIEW + " WHERE d.patient_id = ? AND d.id = ?")) {
            q.setDate(1, Date.valueOf(today));
            q.setString(2, patientId);
            q.setLong(3, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(view(r, today)) : Optional.empty();
            }
        }
    }

    /** Revokes it from now on; a revoked one stays revoked (the first revocation's author and time stand). */
    static void revoke(Connection c, long id, String actor, Instant now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE delegation SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            u.setString(1, actor);
            u.setTimestamp(2, Timestamp.from(now));
            u.setLong(3, id);
            u.executeUpdate();
        }
    }

    /**
     * The staff member's tasks for the patient that are due today: not revoked, in force, on today's weekday, given
     * to them by name or to one of their teams.
     */
    static List<Task> dueFor(Connection c, String personId, List<String> teams, String patientId, LocalDate today)
            throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT d.id, d.task, d.code, d.weekdays, d.valid_to,
                       (SELECT x.done_at FROM delegation_done x WHERE x.delegation_id = d.id AND x.done_on = ?) AS done_at
                FROM delegation d
                WHERE d.patient_id = ? AND d.revoked_at IS NULL AND d.valid_from <= ? AND d.valid_to >= ?
                  AND (d.to_person_id = ? OR d.to_team_id = ANY (?))
                  AND (cardinality(d.weekdays) = 0 OR ? = ANY (d.weekdays))
                ORDER BY d.id""")) {
            Date day = Date.valueOf(today);
            q.setDate(1, day);
            q.setString(2, patientId);
            q.setDate(3, day);
            q.setDate(4, day);
            q.setString(5, personId);
            q.setArray(6, c.createArrayOf("text", teams.toArray()));
            q.setInt(7, today.getDayOfWeek().getValue());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Timestamp done = r.getTimestamp("done_at");
                    out.add(new Task(
                            r.getLong("id"),
                            r.getString("task"),
                            measurement(r.getString("code")),
                            weekdays(r.getArray("weekdays")),
                            r.getDate("valid_to").toLocalDate(),
                            done == null ? null : done.toInstant()));
                }
            }
        }
        return out;
    }

    /**
     * Marks a task done today by the person; the patient it is about, or empty when it is not one of theirs due today
     * (then nothing changes). Done twice the same day: the first time stands.
     */
    static Optional<String> markDone(
            Connection c, String personId, List<String> teams, long id, LocalDate today, Instant now)
            throws SQLException {
        String patientId = patientOf(c, id).orElse(null);
        if (patientId == null
                || dueFor(c, personId, teams, patientId, today).stream().noneMatch(t -> t.id() == id)) {
            return Optional.empty();
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO delegation_done (delegation_id, done_on, done_by,"
                + " done_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            i.setLong(1, id);
            i.setDate(2, Date.valueOf(today));
            i.setString(3, personId);
            i.setTimestamp(4, Timestamp.from(now));
            i.executeUpdate();
        }
        return Optional.of(patientId);
    }

    /** The patient a delegation is about. */
    static Optional<String> patientOf(Connection c, long id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT patient_id FROM delegation WHERE id = ?")) {
            q.setLong(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** A delegation that is not there, or not the asker's: 404 like a patient without a care relation. */
    static final class NoSuchTask extends Refused {
        NoSuchTask(long id) {
            super(404, "ingen sådan uppgift / no such task: " + id);
        }
    }

    private static View view(ResultSet r, LocalDate today) throws SQLException {
        Timestamp revoked = r.getTimestamp("revoked_at");
        Timestamp lastDone = r.getTimestamp("last_done_at");
        List<Integer> weekdays = weekdays(r.getArray("weekdays"));
        Delegation d = new Delegation(
                r.getString("task"),
                r.getString("code"),
                weekdays,
                r.getString("to_person_id"),
                r.getString("to_team_id"),
                r.getDate("valid_from").toLocalDate(),
                r.getDate("valid_to").toLocalDate());
        return new View(
                r.getLong("id"),
                d.task(),
                d.code(),
                measurement(d.code()),
                weekdays,
                d.toPersonId(),
                d.toTeamId(),
                r.getString("to_name"),
                d.from(),
                d.to(),
                r.getString("delegated_by"),
                r.getString("by_name"),
                r.getTimestamp("delegated_at").toInstant(),
                r.getString("revoked_by"),
                revoked == null ? null : revoked.toInstant(),
                lastDone == null ? null : lastDone.toInstant(),
                r.getString("last_done_by"),
                revoked == null && d.dueOn(today),
                r.getTimestamp("done_today") != null);
    }

    private static List<Integer> weekdays(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((Integer[]) array.getArray());
    }
}
