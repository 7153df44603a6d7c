package io.nara.ingest.relative;

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
 * What a patient has agreed to share with a relative, read in the caller's transaction so a withdrawal is honoured at
 * once. NOTIFY: the relative is told when an urgent alert opens and when it is resolved; VIEW: the relative may see the
 * latest readings and whether an alert is open; ALARM: the relative may raise the alarm from their page
 * ({@link RelativeAlarm}) and see whether it was received and seen. Nothing else, ever: no notes, no trail, no other
 * patient.
 */
public final class RelativeConsent {

    /** The consent scopes of {@code relative_consent.scope}. */
    public enum Scope {
        NOTIFY,
        VIEW,
        ALARM
    }

    /** A relative of a patient. */
    public record Relative(long id, String patientId, String name, String email, String phone) {}

    /**
     * A consent row (aliased {@code k}) in force at a moment: bind that moment twice. Given by then and not yet
     * withdrawn.
     */
    public static final String IN_FORCE = "k.given_at <= ? AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ?)";

    private RelativeConsent() {}

    /** The relative, whatever their consent. */
    public static Optional<Relative> relative(Connection c, long relativeId) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT id, patient_id, name, email, phone FROM relative WHERE id = ? AND active")) {
            q.setLong(1, relativeId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(from(r)) : Optional.empty();
            }
        }
    }

    /** Whether the patient's consent for this relative and scope is in force now. */
    public static boolean inForce(Connection c, long relativeId, String patientId, Scope scope, Instant now)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM relative_consent k WHERE k.relative_id = ? "
                + "AND k.patient_id = ? AND k.scope = ? AND " + IN_FORCE)) {
            q.setLong(1, relativeId);
            q.setString(2, patientId);
            q.setString(3, scope.name());
            q.setTimestamp(4, Timestamp.from(now));
            q.setTimestamp(5, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The patient's relatives whose consent of this scope is in force now. */
    public static List<Relative> withConsent(Connection c, String patientId, Scope scope, Instant now)
            throws SQLException {
        List<Relative> relatives = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT r.id, r.patient_id, r.name, r.email, r.phone "
                + "FROM relative r JOIN relative_consent k ON k.relative_id = r.id AND k.patient_id = r.patient_id "
                + "WHERE r.patient_id = ? AND r.active AND k.scope = ? AND " + IN_FORCE + " ORDER BY r.id")) {
            q.setString(1, patientId);
            q.setString(2, scope.name());
            q.setTimestamp(3, Timestamp.from(now));
            q.setTimestamp(4, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    relatives.add(from(r));
                }
            }
        }
        return relatives;
    }

    /**
     * Gives one scope from {@code from} on, recorded by {@code by}. A scope has at most one row not withdrawn: if it
     * already holds from {@code from} on nothing changes; one that starts later is withdrawn now and this one takes its
     * place, so no two rows of a scope are ever in force at once.
     */
    public static void give(
            Connection c, long relativeId, String patientId, Scope scope, Instant from, String by, Instant now)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM relative_consent k WHERE k.relative_id = ? "
                + "AND k.patient_id = ? AND k.scope = ? AND k.given_at <= ? "
                + "AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ?)")) {
            q.setLong(1, relativeId);
            q.setString(2, patientId);
            q.setString(3, scope.name());
            q.setTimestamp(4, Timestamp.from(from));
            q.setTimestamp(5, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
        }
        withdraw(c, relativeId, patientId, scope, by, now);
        try (PreparedStatement i = c.prepareStatement("INSERT INTO relative_consent (patient_id, relative_id, scope, "
                + "given_at, recorded_by) VALUES (?, ?, ?, ?, ?)")) {
            i.setString(1, patientId);
            i.setLong(2, relativeId);
            i.setString(3, scope.name());
            i.setTimestamp(4, Timestamp.from(from));
            i.setString(5, by);
            i.executeUpdate();
        }
    }

    /**
     * Withdraws one scope now, recorded as withdrawn by {@code by}: every row that holds now or later ends now, so a
     * consent given for a future date is withdrawn too. Withdrawing what is not given changes nothing.
     */
    public static void withdraw(Connection c, long relativeId, String patientId, Scope scope, String by, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE relative_consent SET withdrawn_at = ?, withdrawn_by = ? "
                + "WHERE relative_id = ? AND patient_id = ? AND scope = ? "
                + "AND (withdrawn_at IS NULL OR withdrawn_at > ?)")) {
            u.setTimestamp(1, Timestamp.from(now));
            u.setString(2, by);
            u.setLong(3, relativeId);
            u.setString(4, patientId);
            u.setString(5, scope.name());
            u.setTimestamp(6, Timestamp.from(now));
            u.executeUpdate();
        }
    }

    private static Relative from(ResultSet r) throws SQLException {
        return new Relative(
                r.getLong("id"),
                r.getString("patient_id"),
                r.getString("name"),
                r.getString("email"),
                r.getString("phone"));
    }
}
