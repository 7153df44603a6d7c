package io.nara.ingest.clinic;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hospital stays (admitted, discharged, why), for readmissions within 30 days and the worklist's days since discharge:
 * entered by the care team, or by the hospital's own system as a FHIR Encounter ({@link #fromHospital}, decision 0051).
 * A discharge the care team enters does not start the care plan's post-discharge period (the period changes the rules
 * the hub evaluates, the doctor's decision in the plan; the worklist says when the plan has no period for it). A
 * discharge from the hospital's system does: the plan the doctor prepared has its period's rules waiting, and the
 * hospital's own record of the discharge date is what the period is meant to start from (cloud-fhir's
 * {@code HospitalDischarges} saves that plan version; this class only stores the stay).
 */
public final class Admissions {

    /**
     * One stay. {@code recordedBy} is a person id, {@code recordedByName} her name (null where not read).
     * {@code dischargeRecordedBy}/{@code At}: who entered the discharge later (null when it came with the stay or is
     * still missing). {@code readmission}: set when the stay began within 30 days of an earlier discharge.
     */
    public record Admission(
            long id,
            String patientId,
            Instant admittedAt,
            Instant dischargedAt,
            String reason,
            String recordedBy,
            String recordedByName,
            Instant recordedAt,
            String dischargeRecordedBy,
            String dischargeRecordedByName,
            Instant dischargeRecordedAt,
            Readmission readmission) {

        Admission withReadmission(Readmission r) {
            return new Admission(
                    id,
                    patientId,
                    admittedAt,
                    dischargedAt,
                    reason,
                    recordedBy,
                    recordedByName,
                    recordedAt,
                    dischargeRecordedBy,
                    dischargeRecordedByName,
                    dischargeRecordedAt,
                    r);
        }
    }

    /** The stay began {@code days} whole days after the discharge of stay {@code afterStayId}. */
    public record Readmission(long afterStayId, Instant afterDischargeAt, long days) {}

    /** The operator enters no stays: only a person with a care relation does. */
    public static final class NotAPerson extends RuntimeException {
        public NotAPerson() {
            super("bara personal med vårdrelation / only staff with a care relation can enter a hospital stay");
        }
    }

    /** What is wrong with an entered stay, in Swedish and English, and the field it concerns (a 400). */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;
        private final String sv;
        private final String en;

        Invalid(String field, String sv, String en) {
            super(sv + " / " + en);
            this.field = field;
            this.sv = sv;
            this.en = en;
        }

        public String field() {
            return field;
        }

        public String sv() {
            return sv;
        }

        public String en() {
            return en;
        }
    }

    /** No such stay of this patient (a 404, like a patient without a care relation). */
    public static final class NoSuchStay extends RuntimeException {
        public NoSuchStay(String stayId) {
            super("inget sådant vårdtillfälle / no such hospital stay: " + stayId);
        }
    }

    /** The stay's discharge is already entered; it is not rewritten (a 409). */
    public static final class AlreadyDischarged extends RuntimeException {
        public AlreadyDischarged(long stayId) {
            super("vårdtillfället har redan en utskrivning / the hospital stay " + stayId + " already has a discharge");
        }
    }

    /**
     * A stay as the hospital's system sent it (a FHIR Encounter, mapped in cloud-fhir): its identifier there, the id
     * it was sent under ({@code PUT Encounter/{id}}; null for a create), admitted, discharged (null: still going on),
     * why, the encounter's class and the discharge disposition's code and words (each null when not given).
     */
    public record HospitalStay(
            String encounterSystem,
            String encounterValue,
            String fhirId,
            Instant admittedAt,
            Instant dischargedAt,
            String reason,
            String encounterClass,
            String disposition,
            String dispositionText) {}

    /**
     * What a hospital's Encounter did: the stay as stored, the FHIR id it is known by, whether the stay is new and
     * whether this Encounter entered its discharge (false for the same Encounter sent again: nothing changed).
     */
    public record Entered(Admission stay, String fhirId, boolean created, boolean discharged) {}

    /** The hospital's Encounter contradicts what it sent before for the same identifier (a 409). */
    public static final class Contradicts extends RuntimeException {
        public Contradicts(String problem) {
            super(problem);
        }
    }

    /** The evaluation's definition (EvaluationService): an admission within 30 days after a discharge. */
    static final Duration READMISSION_WINDOW = Duration.ofDays(30);

    static final int MAX_REASON = 500;

    /**
     * Whether the stay's discharge came from a hospital's system: entered by one later, or with a stay one sent.
     * False for a discharge a person entered, which the hospital's own may replace.
     */
    private static final String HOSPITALS_DISCHARGE = "(discharged_at IS NOT NULL AND (discharge_recorded_by_client "
            + "IS NOT NULL OR (discharge_recorded_at IS NULL AND recorded_by_client IS NOT NULL)))";

    /** How far apart the care team's and the hospital's admission times of the same stay may lie. */
    static final Duration SAME_STAY = Duration.ofHours(24);

    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(WorklistService.DEFAULT_ZONE);

    /** Who entered a stay or its discharge: a person's id, or a journal system's actor ({@code fhir-client:<id>}). */
    private static final String SELECT = "SELECT a.id, a.admitted_at, a.discharged_at, a.reason, "
            + "coalesce(a.recorded_by, 'fhir-client:' || a.recorded_by_client) AS recorded_by, "
            + "coalesce(p.name, rc.name) AS recorded_by_name, a.recorded_at, "
            + "coalesce(a.discharge_recorded_by, 'fhir-client:' || a.discharge_recorded_by_client) "
            + "AS discharge_recorded_by, coalesce(d.name, dc.name) AS discharge_recorded_by_name, "
            + "a.discharge_recorded_at FROM admission a "
            + "LEFT JOIN person p ON p.id = a.recorded_by LEFT JOIN person d ON d.id = a.discharge_recorded_by "
            + "LEFT JOIN fhir_client rc ON rc.id = a.recorded_by_client "
            + "LEFT JOIN fhir_client dc ON dc.id = a.discharge_recorded_by_client";

    private Admissions() {}

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
            throw new Invalid(
                    "reason",
                    "orsak saknas (varför patienten lades in)",
                    "reason is missing (why the patient was admitted)");
        }
        if (reason.length() > MAX_REASON) {
            throw new Invalid(
                    "reason",
                    "orsaken är längre än " + MAX_REASON + " tecken",
                    "reason is longer than " + MAX_REASON + " characters");
        }
        if (admitted.isAfter(now)) {
            throw new Invalid(
                    "admittedAt",
                    "inskrivningen " + local(admitted) + " ligger i framtiden",
                    "admittedAt " + local(admitted) + " is in the future");
        }
        checkDischarge(admitted, discharged, now);
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
                return new Admission(
                        r.getLong("id"),
                        patientId,
                        admitted,
                        discharged,
                        reason,
                        who.personId(),
                        who.name(),
                        now,
                        null,
                        null,
                        null,
                        null);
            }
        }
    }

    /**
     * Enters the discharge of a stay that has none yet (admitted now, discharged next week), with who and when. The
     * same rules as a stay entered whole; the row is locked, so two nurses entering it at once get one discharge and
     * a 409.
     */
    public static Admission discharge(
            Connection c, Principal who, String patientId, String stayId, JsonObject body, Instant now)
            throws SQLException {
        if (who.operator()) {
            throw new NotAPerson();
        }
        CareAccess.requireCareRelation(c, who, patientId, now);
        long id;
        try {
            id = Long.parseLong(stayId);
        } catch (NumberFormatException e) {
            throw new NoSuchStay(stayId);
        }
        Admission stay;
        try (PreparedStatement q =
                c.prepareStatement(SELECT + " WHERE a.id = ? AND a.patient_id = ? FOR UPDATE OF a")) {
            q.setLong(1, id);
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new NoSuchStay(stayId);
                }
                stay = admission(r, patientId);
            }
        }
        if (stay.dischargedAt() != null) {
            throw new AlreadyDischarged(id);
        }
        Instant discharged = instant(body, "dischargedAt", true);
        checkDischarge(stay.admittedAt(), discharged, now);
        try (PreparedStatement u = c.prepareStatement("UPDATE admission SET discharged_at = ?, "
                + "discharge_recorded_by = ?, discharge_recorded_at = ? WHERE id = ?")) {
            u.setTimestamp(1, Timestamp.from(discharged));
            u.setString(2, who.personId());
            u.setTimestamp(3, Timestamp.from(now));
            u.setLong(4, id);
            u.executeUpdate();
        }
        // The answer carries the stored stay (admission time, reason, who entered it): a read like any other.
        AccessLog.record(c, who.actor(), "admissions.discharge", List.of(patientId), "stay " + id);
        return new Admission(
                id,
                patientId,
                stay.admittedAt(),
                discharged,
                stay.reason(),
                stay.recordedBy(),
                stay.recordedByName(),
                stay.recordedAt(),
                who.personId(),
                who.name(),
                now,
                null);
    }

    /**
     * Enters a stay, or its discharge, as the hospital's system sent it, recorded by the journal system {@code client}
     * (whose care relation with the patient the caller has checked). The hospital's Encounter identifier is the
     * stay's identity: the same Encounter again changes nothing; a finished one completes the stay an in-progress one
     * began; a new one adopts the same stay the care team entered by hand ({@link #adopt}), and its discharge
     * replaces one a person entered. The same rules as a stay entered by hand ({@link Invalid}); the row is locked, so two deliveries at once
     * enter one stay and one discharge. The caller logs the access.
     */
    public static Entered fromHospital(Connection c, Principal client, String patientId, HospitalStay s, Instant now)
            throws SQLException {
        if (!client.journalClient()) {
            throw new IllegalArgumentException("only a journal system enters a stay from the hospital's system");
        }
        if (s.admittedAt().isAfter(now)) {
            throw new Invalid(
                    "period.start",
                    "inskrivningen " + local(s.admittedAt()) + " ligger i framtiden",
                    "period.start " + local(s.admittedAt()) + " is in the future");
        }
        checkDischarge(s.admittedAt(), s.dischargedAt(), now);
        if (s.fhirId() != null) {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT 1 FROM admission WHERE fhir_id = ? AND (encounter_system, encounter_value) "
                            + "IS DISTINCT FROM (?, ?)")) {
                q.setString(1, s.fhirId());
                q.setString(2, s.encounterSystem());
                q.setString(3, s.encounterValue());
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        throw new Contradicts("Encounter/" + s.fhirId() + " is another encounter (another identifier)");
                    }
                }
            }
        }
        String reason = s.reason() == null || s.reason().isBlank()
                ? "Sjukhusvistelse / Hospital stay"
                : s.reason().strip();
        reason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        Optional<Long> adopted = adopt(c, client, patientId, s, now);
        if (adopted.isPresent()) {
            String fhirId = s.fhirId() == null ? Long.toString(adopted.get()) : s.fhirId();
            return new Entered(stay(c, adopted.get(), patientId), fhirId, true, s.dischargedAt() != null);
        }
        Long inserted = null;
        try (PreparedStatement q = c.prepareStatement("INSERT INTO admission (patient_id, admitted_at, discharged_at, "
                + "reason, recorded_by_client, recorded_at, discharge_disposition, discharge_disposition_text, "
                + "encounter_system, encounter_value, encounter_class) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (encounter_system, encounter_value) WHERE encounter_system IS NOT NULL DO NOTHING "
                + "RETURNING id")) {
            q.setString(1, patientId);
            q.setTimestamp(2, Timestamp.from(s.admittedAt()));
            q.setTimestamp(3, s.dischargedAt() == null ? null : Timestamp.from(s.dischargedAt()));
            q.setString(4, reason);
            q.setString(5, client.clientId());
            q.setTimestamp(6, Timestamp.from(now));
            q.setString(7, s.disposition());
            q.setString(8, s.dispositionText());
            q.setString(9, s.encounterSystem());
            q.setString(10, s.encounterValue());
            q.setString(11, s.encounterClass());
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    inserted = r.getLong("id");
                }
            }
        }
        if (inserted != null) {
            String fhirId = s.fhirId() == null ? Long.toString(inserted) : s.fhirId();
            try (PreparedStatement u = c.prepareStatement("UPDATE admission SET fhir_id = ? WHERE id = ?")) {
                u.setString(1, fhirId);
                u.setLong(2, inserted);
                u.executeUpdate();
            }
            return new Entered(stay(c, inserted, patientId), fhirId, true, s.dischargedAt() != null);
        }
        long id;
        String fhirId;
        String ofPatient;
        Instant admitted;
        Instant discharged;
        boolean hospitalsDischarge;
        try (PreparedStatement q = c.prepareStatement("SELECT id, patient_id, fhir_id, admitted_at, discharged_at, "
                + HOSPITALS_DISCHARGE + " AS hospitals_discharge "
                + "FROM admission WHERE encounter_system = ? AND encounter_value = ? FOR UPDATE")) {
            q.setString(1, s.encounterSystem());
            q.setString(2, s.encounterValue());
            try (ResultSet r = q.executeQuery()) {
                r.next();
                id = r.getLong("id");
                fhirId = r.getString("fhir_id");
                ofPatient = r.getString("patient_id");
                admitted = r.getTimestamp("admitted_at").toInstant();
                discharged = instant(r.getTimestamp("discharged_at"));
                hospitalsDischarge = r.getBoolean("hospitals_discharge");
            }
        }
        if (!ofPatient.equals(patientId)) {
            throw new Contradicts("the encounter " + s.encounterSystem() + "|" + s.encounterValue()
                    + " was sent before for another patient");
        }
        if (s.fhirId() != null && !s.fhirId().equals(fhirId)) {
            throw new Contradicts("the encounter " + s.encounterSystem() + "|" + s.encounterValue() + " is Encounter/"
                    + fhirId + ", not Encounter/" + s.fhirId());
        }
        // A discharge a person entered (she heard it by phone) gives way to the hospital's own record of it.
        if (discharged != null && hospitalsDischarge) {
            if (!discharged.equals(s.dischargedAt())) {
                throw new Contradicts("the stay " + fhirId + " was discharged " + discharged + "; it is not rewritten"
                        + " (a correction is a new Encounter)");
            }
            return new Entered(stay(c, id, patientId), fhirId, false, false);
        }
        if (s.dischargedAt() == null) {
            return new Entered(stay(c, id, patientId), fhirId, false, false);
        }
        checkDischarge(admitted, s.dischargedAt(), now);
        enterHospitalsDischarge(c, client, id, s, now);
        return new Entered(stay(c, id, patientId), fhirId, false, true);
    }

    /**
     * The stay the care team entered by hand before the hospital's system sent it (she heard of it by phone), now
     * the hospital's: it takes the Encounter's identifier, admission time and discharge instead of the same stay
     * being entered twice (which would count twice in the evaluation and make a readmission of it). A stay is the
     * same when it is the patient's, has no Encounter yet, was admitted within {@link #SAME_STAY} of the hospital's
     * admission and not discharged before it. Empty when the Encounter is already known or no such stay exists.
     */
    private static Optional<Long> adopt(Connection c, Principal client, String patientId, HospitalStay s, Instant now)
            throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM admission WHERE encounter_system = ? AND encounter_value = ?")) {
            q.setString(1, s.encounterSystem());
            q.setString(2, s.encounterValue());
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    return Optional.empty();
                }
            }
        }
        long id;
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM admission WHERE patient_id = ? "
                + "AND encounter_system IS NULL AND admitted_at BETWEEN ? AND ? "
                + "AND (discharged_at IS NULL OR discharged_at > ?) "
                + "ORDER BY abs(extract(epoch FROM admitted_at - ?)), id LIMIT 1 FOR UPDATE")) {
            Timestamp admitted = Timestamp.from(s.admittedAt());
            q.setString(1, patientId);
            q.setTimestamp(2, Timestamp.from(s.admittedAt().minus(SAME_STAY)));
            q.setTimestamp(3, Timestamp.from(s.admittedAt().plus(SAME_STAY)));
            q.setTimestamp(4, admitted);
            q.setTimestamp(5, admitted);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                id = r.getLong("id");
            }
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE admission SET admitted_at = ?, encounter_system = ?, "
                + "encounter_value = ?, encounter_class = ?, fhir_id = ? WHERE id = ?")) {
            u.setTimestamp(1, Timestamp.from(s.admittedAt()));
            u.setString(2, s.encounterSystem());
            u.setString(3, s.encounterValue());
            u.setString(4, s.encounterClass());
            u.setString(5, s.fhirId() == null ? Long.toString(id) : s.fhirId());
            u.setLong(6, id);
            u.executeUpdate();
        }
        if (s.dischargedAt() != null) {
            enterHospitalsDischarge(c, client, id, s, now);
        }
        return Optional.of(id);
    }

    private static void enterHospitalsDischarge(Connection c, Principal client, long id, HospitalStay s, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE admission SET discharged_at = ?, "
                + "discharge_recorded_by = NULL, discharge_recorded_by_client = ?, discharge_recorded_at = ?, "
                + "discharge_disposition = ?, discharge_disposition_text = ? WHERE id = ?")) {
            u.setTimestamp(1, Timestamp.from(s.dischargedAt()));
            u.setString(2, client.clientId());
            u.setTimestamp(3, Timestamp.from(now));
            u.setString(4, s.disposition());
            u.setString(5, s.dispositionText());
            u.setLong(6, id);
            u.executeUpdate();
        }
    }

    private static Admission stay(Connection c, long id, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(SELECT + " WHERE a.id = ?")) {
            q.setLong(1, id);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return admission(r, patientId);
            }
        }
    }

    /** The patient's stays, newest first, readmissions marked; the read is logged. */
    public static List<Admission> list(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        CareAccess.requireCareRelation(c, who, patientId, now);
        List<Admission> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(SELECT + " WHERE a.patient_id = ? ORDER BY a.admitted_at DESC, a.id DESC")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(admission(r, patientId));
                }
            }
        }
        AccessLog.record(c, who.actor(), "admissions.list", List.of(patientId), "");
        return markReadmissions(out);
    }

    /**
     * Marks each stay that began after an earlier stay's discharge and at most 30 days after it, against the latest
     * such discharge: the evaluation's readmission within 30 days, seen from the readmitted stay. Order is kept.
     */
    static List<Admission> markReadmissions(List<Admission> stays) {
        List<Admission> out = new ArrayList<>(stays.size());
        for (Admission stay : stays) {
            Admission previous = null;
            for (Admission other : stays) {
                if (other.id() != stay.id()
                        && other.dischargedAt() != null
                        && other.dischargedAt().isBefore(stay.admittedAt())
                        && (previous == null || other.dischargedAt().isAfter(previous.dischargedAt()))) {
                    previous = other;
                }
            }
            boolean readmitted = previous != null
                    && !stay.admittedAt().isAfter(previous.dischargedAt().plus(READMISSION_WINDOW));
            out.add(stay.withReadmission(
                    readmitted
                            ? new Readmission(
                                    previous.id(),
                                    previous.dischargedAt(),
                                    Duration.between(previous.dischargedAt(), stay.admittedAt())
                                            .toDays())
                            : null));
        }
        return out;
    }

    private static Admission admission(ResultSet r, String patientId) throws SQLException {
        return new Admission(
                r.getLong("id"),
                patientId,
                r.getTimestamp("admitted_at").toInstant(),
                instant(r.getTimestamp("discharged_at")),
                r.getString("reason"),
                r.getString("recorded_by"),
                r.getString("recorded_by_name"),
                r.getTimestamp("recorded_at").toInstant(),
                r.getString("discharge_recorded_by"),
                r.getString("discharge_recorded_by_name"),
                instant(r.getTimestamp("discharge_recorded_at")),
                null);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A time in a message as the nurse entered it: Swedish local time, whatever zone the API was given. */
    static String local(Instant at) {
        return LOCAL_TIME.format(at);
    }

    private static void checkDischarge(Instant admitted, Instant discharged, Instant now) {
        if (discharged != null && !discharged.isAfter(admitted)) {
            throw new Invalid(
                    "dischargedAt",
                    "utskrivningen " + local(discharged) + " är inte efter inskrivningen " + local(admitted),
                    "dischargedAt " + local(discharged) + " is not after admittedAt " + local(admitted));
        }
        if (discharged != null && discharged.isAfter(now)) {
            throw new Invalid(
                    "dischargedAt",
                    "utskrivningen " + local(discharged) + " ligger i framtiden",
                    "dischargedAt " + local(discharged) + " is in the future");
        }
    }

    private static Instant instant(JsonObject body, String field, boolean required) {
        Object value = body.getValue(field);
        if (value == null) {
            if (required) {
                throw new Invalid(
                        field,
                        field + " saknas (en tidpunkt som 2026-11-20T10:00:00Z)",
                        field + " is missing (an instant like 2026-11-20T10:00:00Z)");
            }
            return null;
        }
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new Invalid(
                    field,
                    field + " måste vara en tidpunkt som 2026-11-20T10:00:00Z, var '" + value + "'",
                    field + " must be an instant like 2026-11-20T10:00:00Z, was '" + value + "'");
        }
    }
}
