package io.nara.ingest.clinic;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.inbox.Principal;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hospital stays the care team enters (admitted, discharged, why), for readmissions within 30 days and the worklist's
 * days since discharge. Entering a discharge does not start the care plan's post-discharge period: that period changes
 * the rules the hub evaluates, which is the doctor's decision in the plan; the worklist shows the discharge and says
 * when the plan has no period for it.
 */
public final class Admissions {

    /** One stay. */
    public record Admission(long id, String patientId, Instant admittedAt, Instant dischargedAt, String reason,
                            String recordedBy, Instant recordedAt) {
    }

    /** The operator enters no stays: only a person with a care relation does. */
    public static final class NotAPerson extends RuntimeException {
        public NotAPerson() {
            super("bara personal med vårdrelation / only staff with a care relation can enter a hospital stay");
        }
    }

    static final int MAX_REASON = 500;

    private Admissions() {
    }

    /** Validates and stores a stay entered by a person with a care relation with the patient. */
    public static Admission record(Connection c, Principal who, String patientId, JsonObject body, Instant now)
            throws SQLException {
        if (who.operator()) {
            throw new NotAPerson();
        }
        CareAccess.requireCareRelation(c, who, patientId, now);
        Instant admitted = instant(body, "admittedAt", true);
        Instant discharged = instant(body, "dischargedAt", false);
        String reason = body.getValue("reason") instanceof String s ? s.strip() : null;
        if (reason == null || reason.isEmpty()) {
            throw new IllegalArgumentException("reason is missing (why the patient was admitted)");
        }
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason is longer than " + MAX_REASON + " characters");
        }
        if (admitted.isAfter(now)) {
            throw new IllegalArgumentException("admittedAt " + admitted + " is in the future");
        }
        if (discharged != null && !discharged.isAfter(admitted)) {
            throw new IllegalArgumentException("dischargedAt " + discharged + " is not after admittedAt " + admitted);
        }
        if (discharged != null && discharged.isAfter(now)) {
            throw new IllegalArgumentException("dischargedAt " + discharged + " is in the future");
        }
        try (PreparedStatement q = c.prepareStatement("INSERT INTO admission (patient_id, admitted_at, discharged_at, "
                + "reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            q.setString(1, patientId);
            q.setTimestamp(2, Timestamp.from(admitted));
            q.setTimestamp(3, discharged == null ? null : Timestamp.from(discharged));
            q.setString(4, reason);
            q.setString(5, who.personId());
            q.setTimestamp(6, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return new Admission(r.getLong(1), patientId, admitted, discharged, reason, who.personId(), now);
            }
        }
    }

    /** The patient's stays, newest first; the read is logged. */
    public static List<Admission> list(Connection c, Principal who, String patientId, Instant now)
            throws SQLException {
        CareAccess.requireCareRelation(c, who, patientId, now);
        List<Admission> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, admitted_at, discharged_at, reason, recorded_by, "
                + "recorded_at FROM admission WHERE patient_id = ? ORDER BY admitted_at DESC, id DESC")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Timestamp discharged = r.getTimestamp(3);
                    out.add(new Admission(r.getLong(1), patientId, r.getTimestamp(2).toInstant(),
                            discharged == null ? null : discharged.toInstant(), r.getString(4), r.getString(5),
                            r.getTimestamp(6).toInstant()));
                }
            }
        }
        AccessLog.record(c, who.actor(), "admissions.list", List.of(patientId), "");
        return out;
    }

    private static Instant instant(JsonObject body, String field, boolean required) {
        Object value = body.getValue(field);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing (an instant like 2026-11-20T10:00:00Z)");
            }
            return null;
        }
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(field + " must be an instant like 2026-11-20T10:00:00Z, was '"
                    + value + "'");
        }
    }
}
