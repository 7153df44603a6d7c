package io.nara.ingest.access;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.web.Refused;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may see which patient: a person through a care relation in force between one of their teams and the patient
 * (SFS 2022:913), a journal system through a relation of one of the teams it acts for, the operator through the
 * operator key. Every page and API call that touches patient data asks here
 * first, inside the transaction that reads the data, so a relation that ends is honoured at once.
 *
 * <p>A person without a relation gets {@link NoCareRelation}, answered as 404: not even the patient's existence or name
 * leaks to a nurse of another municipality.
 */
public final class CareAccess {

    /** The principal has no care relation in force with the patient (or the patient does not exist). */
    public static final class NoCareRelation extends Refused {
        public NoCareRelation(String patientId) {
            super(404, "ingen sådan patient / no such patient: " + patientId);
        }
    }

    /** The principal sees the patient but lacks the role the action needs (a nurse editing the care plan). */
    public static final class MissingRole extends Refused {
        public MissingRole(String role) {
            super(403, "kräver rollen " + role + " / needs the role " + role);
        }
    }

    private CareAccess() {}

    /** The ids of the patients the principal may see now, sorted. */
    public static List<String> visiblePatients(Connection c, Principal who, Instant now) throws SQLException {
        String sql = who.operator()
                ? "SELECT id AS patient_id FROM patient ORDER BY id"
                : "SELECT DISTINCT r.patient_id FROM care_relations_at(?) r WHERE r.team_id = ANY (?)"
                        + " ORDER BY r.patient_id";
        List<String> patients = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (!who.operator()) {
                q.setTimestamp(1, Timestamp.from(now));
                q.setArray(2, teams(c, who));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    patients.add(r.getString("patient_id"));
                }
            }
        }
        return patients;
    }

    /** Whether the principal may see the patient now. */
    public static boolean maySee(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        if (who.operator()) {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM patient WHERE id = ?")) {
                q.setString(1, patientId);
                try (ResultSet r = q.executeQuery()) {
                    return r.next();
                }
            }
        }
        if (who.journalClient()) {
            // A journal system is no team member: a relation of one of its teams is what counts.
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT 1 FROM care_relations_at(?) r " + "WHERE r.patient_id = ? AND r.team_id = ANY (?)")) {
                q.setTimestamp(1, Timestamp.from(now));
                q.setString(2, patientId);
                q.setArray(3, teams(c, who));
                try (ResultSet r = q.executeQuery()) {
                    return r.next();
                }
            }
        }
        return !roles(c, who, patientId, now).isEmpty();
    }

    /** Throws {@link NoCareRelation} unless the principal may see the patient now. */
    public static void requireCareRelation(Connection c, Principal who, String patientId, Instant now)
            throws SQLException {
        if (patientId == null || !maySee(c, who, patientId, now)) {
            throw new NoCareRelation(patientId);
        }
    }

    /**
     * Throws unless the person holds {@code role} (a {@code team_member.role}, e.g. {@code DOCTOR}) in a team with a
     * care relation in force with the patient. The operator holds no clinical role.
     */
    public static void requireRole(Connection c, Principal who, String patientId, String role, Instant now)
            throws SQLException {
        requireCareRelation(c, who, patientId, now);
        if (!roles(c, who, patientId, now).contains(role)) {
            throw new MissingRole(role);
        }
    }

    /** The roles the person holds in the teams that care for the patient now; empty without a relation. */
    public static Set<String> roles(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        Set<String> roles = new TreeSet<>();
        if (who.operator()) {
            return roles;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT m.role FROM care_relations_at(?) r "
                + "JOIN team_member m ON m.team_id = r.team_id AND m.person_id = ? "
                + "WHERE r.patient_id = ?")) {
            q.setTimestamp(1, Timestamp.from(now));
            q.setString(2, who.personId());
            q.setString(3, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    roles.add(r.getString("role"));
                }
            }
        }
        return roles;
    }

    private static Array teams(Connection c, Principal who) throws SQLException {
        return c.createArrayOf("text", who.teams().toArray());
    }
}
