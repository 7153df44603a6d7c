package io.nara.ingest.relative;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The patient's relatives and their consents as the patient's nurse records them on the patient page: the patient
 * tells her, she gives or withdraws it. Each change is a row ({@code recorded_by} who gave, {@code withdrawn_by} who
 * withdrew, both actors); nothing is deleted. Both the list and a change answer the relatives' records, so both write
 * an access-log entry. The relative's view and the notifications read {@link RelativeConsent}
 * in their own transactions, so a change holds from the next request and the next alert on.
 */
public final class Consents {

    /** One consent in force. */
    public record Consent(RelativeConsent.Scope scope, Instant givenAt, String recordedBy, String recordedByName) {}

    /** A relative of the patient with the consents in force now. */
    public record Relative(long id, String name, String phone, String email, boolean signsIn, List<Consent> consents) {}

    /** What the nurse asks for: give or withdraw one scope. */
    public record Change(RelativeConsent.Scope scope, boolean given) {

        /** {@code {"scope": "NOTIFY"|"VIEW"|"ALARM", "given": true|false}}; a 400 naming what is wrong otherwise. */
        public static Change parse(JsonObject body) {
            Object scope = body.getValue("scope");
            RelativeConsent.Scope parsed = null;
            for (RelativeConsent.Scope s : RelativeConsent.Scope.values()) {
                if (s.name().equals(scope)) {
                    parsed = s;
                }
            }
            if (parsed == null) {
                throw new IllegalArgumentException("scope måste vara NOTIFY, VIEW eller ALARM / scope must be NOTIFY, "
                        + "VIEW or ALARM, "
                        + "was " + (scope == null ? "missing" : "'" + scope + "'"));
            }
            if (!(body.getValue("given") instanceof Boolean given)) {
                throw new IllegalArgumentException("given måste vara true (ge) eller false (återkalla) / given must be "
                        + "true (give) or false (withdraw), was "
                        + (body.getValue("given") == null ? "missing" : "'" + body.getValue("given") + "'"));
            }
            return new Change(parsed, given);
        }
    }

    /** No such relative of this patient (a 404, as a patient without a care relation). */
    public static final class NoSuchRelative extends RuntimeException {
        public NoSuchRelative(String relativeId) {
            super("ingen sådan anhörig / no such relative: " + relativeId);
        }
    }

    private Consents() {}

    /** The patient's active relatives, by name, with the consents in force now; the read is logged. */
    public static List<Relative> list(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        CareAccess.requireCareRelation(c, who, patientId, now);
        List<Relative> relatives = read(c, patientId, null, now);
        AccessLog.record(c, who.actor(), "relatives.list", List.of(patientId), relatives.size() + " relatives");
        return relatives;
    }

    /**
     * Gives or withdraws one scope of a relative's consent, as {@code who}, a person with a care relation (the
     * operator is refused before this). Giving what is in force, or withdrawing what is not, changes nothing. The
     * relative's row is locked, so two nurses at once record one consent. Answers the relative as it is now.
     */
    public static Relative change(
            Connection c, Principal who, String patientId, String relativeId, Change change, Instant now)
            throws SQLException {
        CareAccess.requireCareRelation(c, who, patientId, now);
        long id;
        try {
            id = Long.parseLong(relativeId);
        } catch (NumberFormatException e) {
            throw new NoSuchRelative(relativeId);
        }
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM relative WHERE id = ? AND patient_id = ? AND active FOR UPDATE")) {
            q.setLong(1, id);
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new NoSuchRelative(relativeId);
                }
            }
        }
        if (change.given()) {
            RelativeConsent.give(c, id, patientId, change.scope(), now, who.actor(), now);
        } else {
            RelativeConsent.withdraw(c, id, patientId, change.scope(), who.actor(), now);
        }
        // The answer is the relative's record as the patient page lists it (contact details, every consent in force):
        // a read like GET .../relatives, and logged like it, or a change that changes nothing would be an unlogged
        // read.
        Relative answer = read(c, patientId, id, now).get(0);
        AccessLog.record(
                c,
                who.actor(),
                "relatives.consent",
                List.of(patientId),
                "relative " + id + " " + change.scope() + (change.given() ? " given" : " withdrawn"));
        return answer;
    }

    private static List<Relative> read(Connection c, String patientId, Long relativeId, Instant now)
            throws SQLException {
        Map<Long, Relative> relatives = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT r.id, r.name, r.phone, r.email, "
                + "r.username IS NOT NULL AND r.password_hash IS NOT NULL AS signs_in, k.scope, k.given_at, k.recorded_by, "
                + "p.name AS recorded_by_name "
                + "FROM relative r LEFT JOIN relative_consent k ON k.relative_id = r.id AND k.patient_id = r.patient_id "
                + "AND " + RelativeConsent.IN_FORCE + " LEFT JOIN person p ON k.recorded_by = 'person:' || p.id "
                + "WHERE r.patient_id = ? AND r.active AND (?::bigint IS NULL OR r.id = ?) "
                + "ORDER BY r.name, r.id, k.scope, k.given_at")) {
            q.setTimestamp(1, Timestamp.from(now));
            q.setTimestamp(2, Timestamp.from(now));
            q.setString(3, patientId);
            for (int i = 4; i <= 5; i++) {
                if (relativeId == null) {
                    q.setNull(i, Types.BIGINT);
                } else {
                    q.setLong(i, relativeId);
                }
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Relative relative = relatives.get(r.getLong("id"));
                    if (relative == null) {
                        relative = new Relative(
                                r.getLong("id"),
                                r.getString("name"),
                                r.getString("phone"),
                                r.getString("email"),
                                r.getBoolean("signs_in"),
                                new ArrayList<>());
                        relatives.put(relative.id(), relative);
                    }
                    String scope = r.getString("scope");
                    // RelativeConsent.give keeps at most one row of a scope in force.
                    if (scope != null) {
                        relative.consents()
                                .add(new Consent(
                                        RelativeConsent.Scope.valueOf(scope),
                                        r.getTimestamp("given_at").toInstant(),
                                        r.getString("recorded_by"),
                                        r.getString("recorded_by_name")));
                    }
                }
            }
        }
        return relatives.values().stream()
                .map(r -> new Relative(r.id(), r.name(), r.phone(), r.email(), r.signsIn(), List.copyOf(r.consents())))
                .toList();
    }
}
