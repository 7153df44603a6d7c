package io.nara.ingest.org;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the organisation model inside the caller's transaction (every method takes the connection), so a routing
 * decision and the rows it writes see one consistent picture.
 */
public final class OrgDirectory {

    /**
     * A care relation's team ({@code team_id}) that may take an alert: not a home-care team (every member
     * HOME_CARE_STAFF), whose staff see no alerts (decision 0053) — an alert routed or handed to it would wait unseen.
     */
    private static final String TAKES_ALERTS = """
            (NOT EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = r.team_id AND m.role = 'HOME_CARE_STAFF')
             OR EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = r.team_id AND m.role <> 'HOME_CARE_STAFF'))""";

    /** A person as notifications and the inbox need them. */
    public record Person(String id, String name, String organisationId, String email, String phone) {}

    private OrgDirectory() {}

    public static Optional<Team> team(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT t.id, t.name, t.organisation_id, o.kind, t.escalates_to, t.time_zone
                FROM care_team t JOIN organisation o ON o.id = t.organisation_id WHERE t.id = ?""")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(team(r)) : Optional.empty();
            }
        }
    }

    /** A team by id for a pure policy's look-up function inside a transaction: SQL failures turn unchecked. */
    public static Optional<Team> lookup(Connection c, String id) {
        try {
            return team(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Who is on duty in {@code team} at {@code now}, for a pure policy inside a transaction. */
    public static Set<String> onDuty(Connection c, Team team, Instant now) {
        try {
            return schedule(c, team, now).onDuty(now);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Whether both teams exist and belong to different organisations. */
    public static boolean crossOrganisation(Connection c, String fromTeamId, String toTeamId) throws SQLException {
        Optional<Team> from = fromTeamId == null ? Optional.empty() : team(c, fromTeamId);
        Optional<Team> to = toTeamId == null ? Optional.empty() : team(c, toTeamId);
        return from.isPresent()
                && to.isPresent()
                && !from.get().organisationId().equals(to.get().organisationId());
    }

    public static List<Team> teams(Connection c) throws SQLException {
        List<Team> teams = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT t.id, t.name, t.organisation_id, o.kind, t.escalates_to, t.time_zone
                FROM care_team t JOIN organisation o ON o.id = t.organisation_id ORDER BY o.kind, t.name""");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                teams.add(team(r));
            }
        }
        return teams;
    }

    /**
     * The teams with a care relation to the patient in force at {@code at} that may take an alert: the one that
     * responds first first, then by name.
     */
    public static List<Team> careTeams(Connection c, String patientId, Instant at) throws SQLException {
        List<Team> teams = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT t.id, t.name, t.organisation_id, o.kind, t.escalates_to, t.time_zone,
                       bool_or(r.responds_first) AS first
                FROM care_relations_at(?) r JOIN care_team t ON t.id = r.team_id
                JOIN organisation o ON o.id = t.organisation_id
                WHERE r.patient_id = ? AND """ + TAKES_ALERTS + """
                GROUP BY t.id, t.name, t.organisation_id, o.kind, t.escalates_to, t.time_zone
                ORDER BY first DESC, t.name, t.id""")) {
            q.setTimestamp(1, Timestamp.from(at));
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    teams.add(team(r));
                }
            }
        }
        return teams;
    }

    private static Team team(ResultSet r) throws SQLException {
        return new Team(
                r.getString("id"),
                r.getString("name"),
                r.getString("organisation_id"),
                OrganisationKind.valueOf(r.getString("kind")),
                r.getString("escalates_to"),
                ZoneId.of(r.getString("time_zone")));
    }

    /** The team's schedule: every slot and the shifts around {@code at}. */
    public static Schedule schedule(Connection c, Team team, Instant at) throws SQLException {
        List<OnCallSlot> slots = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT person_id, days, starts, ends, valid_from, valid_to FROM on_call_slot s "
                        + "JOIN person p ON p.id = s.person_id WHERE s.team_id = ? AND p.active")) {
            q.setString(1, team.id());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                    for (Integer d : (Integer[]) r.getArray("days").getArray()) {
                        days.add(DayOfWeek.of(d));
                    }
                    slots.add(new OnCallSlot(
                            r.getString("person_id"),
                            days,
                            r.getTime("starts").toLocalTime(),
                            r.getTime("ends").toLocalTime(),
                            r.getDate("valid_from").toLocalDate(),
                            r.getDate("valid_to") == null
                                    ? null
                                    : r.getDate("valid_to").toLocalDate()));
                }
            }
        }
        List<OnCallShift> shifts = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT person_id, starts_at, ends_at FROM on_call_shift s JOIN person p ON p.id = s.person_id "
                        + "WHERE s.team_id = ? AND p.active AND starts_at <= ? AND ends_at > ?")) {
            q.setString(1, team.id());
            q.setTimestamp(2, Timestamp.from(at));
            q.setTimestamp(3, Timestamp.from(at));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    shifts.add(new OnCallShift(
                            r.getString("person_id"),
                            r.getTimestamp("starts_at").toInstant(),
                            r.getTimestamp("ends_at").toInstant()));
                }
            }
        }
        return new Schedule(team.zone(), slots, shifts);
    }

    /**
     * The team that responds first for a patient at {@code at}: the relation so marked, else the only one; never a
     * home-care team.
     */
    public static Optional<String> firstResponder(Connection c, String patientId, Instant at) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT r.team_id, r.responds_first FROM care_relations_at(?) r WHERE r.patient_id = ? AND """ + TAKES_ALERTS + """

                ORDER BY r.responds_first DESC, r.valid_from DESC, r.id""")) {
            q.setTimestamp(1, Timestamp.from(at));
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                // Marked first; among several unmarked relations the newest, so the order is deterministic.
                return r.next() ? Optional.of(r.getString("team_id")) : Optional.empty();
            }
        }
    }

    /**
     * The fallback of an organisation for an alert nobody else can take: its medically responsible nurses (team role
     * MAS, active), by id. Empty when the organisation has none: then the operator, who sees every alert, is the
     * fallback.
     */
    public static List<String> fallback(Connection c, String organisationId) throws SQLException {
        return ids(c, """
                SELECT DISTINCT p.id FROM person p JOIN team_member m ON m.person_id = p.id
                JOIN care_team t ON t.id = m.team_id
                WHERE m.role = 'MAS' AND p.active AND t.organisation_id = ? ORDER BY p.id""", organisationId);
    }

    /** The organisations that care or have cared for the patient (any care relation, ended ones too), by id. */
    public static List<String> organisationsOf(Connection c, String patientId) throws SQLException {
        return ids(c, """
                SELECT DISTINCT t.organisation_id AS id FROM care_relation r JOIN care_team t ON t.id = r.team_id
                WHERE r.patient_id = ? ORDER BY id""", patientId);
    }

    /** The {@code id} column of every row of {@code sql}, in its order. */
    private static List<String> ids(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, parameter);
            List<String> ids = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString("id"));
                }
            }
            return ids;
        }
    }

    /** The teams a person belongs to. */
    public static List<String> teamsOf(Connection c, String personId) throws SQLException {
        List<String> teams = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT team_id FROM team_member WHERE person_id = ? ORDER BY team_id")) {
            q.setString(1, personId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    teams.add(r.getString("team_id"));
                }
            }
        }
        return teams;
    }

    public static Map<String, Person> people(Connection c, List<String> ids) throws SQLException {
        Map<String, Person> people = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return people;
        }
        try (PreparedStatement q =
                c.prepareStatement("SELECT id, name, organisation_id, email, phone FROM person WHERE id = ANY (?)")) {
            Array array = c.createArrayOf("text", ids.toArray());
            q.setArray(1, array);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    people.put(
                            r.getString("id"),
                            new Person(
                                    r.getString("id"),
                                    r.getString("name"),
                                    r.getString("organisation_id"),
                                    r.getString("email"),
                                    r.getString("phone")));
                }
            }
        }
        Map<String, Person> ordered = new LinkedHashMap<>();
        for (String id : ids) {
            if (people.containsKey(id)) {
                ordered.put(id, people.get(id));
            }
        }
        return ordered;
    }
}
