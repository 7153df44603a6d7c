package io.nara.ingest.enrolment;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.contact.PatientContact;
import io.nara.ingest.db.Database;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Enrolling a patient for monitoring at home, the cloud being the one source of truth: the patient with their
 * national identifier, the care relations with the chosen teams, the household the hub serves (one or two patients,
 * table {@code household}; this class is its one writer), and the heart-failure care-plan template as the first plan,
 * published to the hub with its bindings. Devices are bound afterwards ({@link CarePlanService#bindDevices}).
 */
public final class Enrolment {

    /** The roles that may enrol patients and bind devices: nurses, the MAS, and the organisation's technicians. */
    public static final Set<String> ENROLLING_ROLES = Set.of("NURSE", "DISTRICT_NURSE", "MAS", "OPERATOR");
    /** A household is one patient or a couple. */
    public static final int MAX_HOUSEHOLD = 2;

    /**
     * What a nurse fills in. {@code nationalId} or {@code reserveNumber}, not both. {@code patientId} names a patient
     * the cloud already has (imported with the organisation, or monitored before) to enrol for monitoring at home;
     * null creates a new one. {@code contact}: her phone, address and named care contact, optional (none filled in
     * leaves what an existing patient has).
     */
    public record Request(
            String name,
            String nationalId,
            String reserveNumber,
            List<String> teams,
            String respondsFirst,
            String hubId,
            String householdLabel,
            String patientId,
            PatientContact.Details contact) {}

    /** The enrolled patient, their household and the first plan's version. */
    public record Enrolled(
            String patientId,
            String name,
            NationalId nationalId,
            long householdId,
            String hubId,
            int carePlanVersion) {}

    /** A request that conflicts with what is stored (the identifier is enrolled, the household is full). */
    public static final class Conflict extends IllegalStateException {
        public Conflict(String message) {
            super(message);
        }
    }

    private final Database db;
    private final MessageCodec codec;
    private final CarePlanService plans;
    private final Clock clock;

    public Enrolment(Database db, MessageCodec codec, CarePlanService plans, Clock clock) {
        this.db = db;
        this.codec = codec;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Enrols the patient: everything is checked before anything is written, so a bad request changes nothing. The
     * person enrolling must hold an enrolling role in one of the chosen teams (the operator may always).
     */
    public Future<Enrolled> enrol(Principal who, Request request) {
        Instant now = clock.instant();
        String name = request.name() == null ? "" : request.name().trim();
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("namn saknas / name is missing (1 to 200 characters)");
        }
        boolean hasNumber =
                request.nationalId() != null && !request.nationalId().isBlank();
        boolean hasReserve =
                request.reserveNumber() != null && !request.reserveNumber().isBlank();
        if (hasNumber == hasReserve) {
            throw new IllegalArgumentException("ange personnummer/samordningsnummer eller reservnummer / give either a "
                    + "personnummer or samordningsnummer, or a reserve number");
        }
        NationalId id = hasNumber
                ? NationalId.parse(request.nationalId(), LocalDate.now(clock.withZone(ZoneId.of("Europe/Stockholm"))))
                : NationalId.reserve(request.reserveNumber());
        List<String> teams = request.teams() == null ? List.of() : List.copyOf(new LinkedHashSet<>(request.teams()));
        if (teams.isEmpty()) {
            throw new IllegalArgumentException("välj minst ett team / choose at least one care team");
        }
        String first = request.respondsFirst() == null ? teams.get(0) : request.respondsFirst();
        if (!teams.contains(first)) {
            throw new IllegalArgumentException("teamet som svarar först (" + first + ") är inte bland de valda / the "
                    + "team that responds first (" + first + ") is not among the chosen teams");
        }
        String hubId = request.hubId() == null ? "" : request.hubId().trim();
        if (!hubId.matches("[a-z0-9-]{1,63}")) {
            throw new IllegalArgumentException("hubbens id '" + hubId + "' är ogiltigt / the hub id '" + hubId
                    + "' is invalid (the id on the hub's label: lower-case letters, digits and '-')");
        }
        boolean existing = request.patientId() != null && !request.patientId().isBlank();
        String patientId = existing
                ? request.patientId().trim()
                : "p-" + UUID.randomUUID().toString().substring(0, 13);
        return db.transaction(c -> {
                    requireEnrollingRole(c, who, teams);
                    if (existing) {
                        CareAccess.requireCareRelation(c, who, patientId, now);
                        if (householdOfPatient(c, patientId).isPresent()) {
                            throw new Conflict("patienten " + patientId + " övervakas redan i ett hem / patient "
                                    + patientId + " is already monitored in a home");
                        }
                    }
                    for (String team : teams) {
                        if (!exists(c, "SELECT 1 FROM care_team WHERE id = ?", team)) {
                            throw new IllegalArgumentException("okänt team / unknown care team: " + team);
                        }
                    }
                    if (existsOther(c, id.value(), patientId)) {
                        throw new Conflict("patienten med " + id.display() + " är redan inskriven / the patient with "
                                + id.display() + " is already enrolled");
                    }
                    long household = householdFor(
                            c,
                            hubId,
                            request.householdLabel() == null
                                            || request.householdLabel().isBlank()
                                    ? name
                                    : request.householdLabel().trim(),
                            who.actor(),
                            now);
                    try (PreparedStatement q = c.prepareStatement("INSERT INTO patient (id, name, national_id, "
                            + "national_id_kind, enrolled_by, enrolled_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                            + "SET name = EXCLUDED.name, national_id = EXCLUDED.national_id, national_id_kind = "
                            + "EXCLUDED.national_id_kind, enrolled_by = EXCLUDED.enrolled_by, enrolled_at = EXCLUDED.enrolled_at,"
                            + " monitoring_ended_at = NULL, monitoring_ended_by = NULL")) {
                        q.setString(1, patientId);
                        q.setString(2, name);
                        q.setString(3, id.value());
                        q.setString(4, id.kind().name());
                        q.setString(5, who.actor());
                        q.setTimestamp(6, Timestamp.from(now));
                        q.executeUpdate();
                    }
                    if (request.contact() != null && request.contact().any()) {
                        PatientContact.write(c, patientId, request.contact(), who.actor(), now);
                    }
                    for (String team : teams) {
                        if (inForce(c, patientId, team, now)) {
                            continue; // an existing patient's relation with the team stays as it is
                        }
                        try (PreparedStatement q = c.prepareStatement("INSERT INTO care_relation (patient_id, team_id, "
                                + "valid_from, responds_first) VALUES (?, ?, ?, ?)")) {
                            q.setString(1, patientId);
                            q.setString(2, team);
                            q.setTimestamp(3, Timestamp.from(now));
                            q.setBoolean(4, team.equals(first));
                            q.executeUpdate();
                        }
                    }
                    try (PreparedStatement q = c.prepareStatement(
                            "INSERT INTO household_member (household_id, patient_id, " + "since) VALUES (?, ?, ?)")) {
                        q.setLong(1, household);
                        q.setString(2, patientId);
                        q.setTimestamp(3, Timestamp.from(now));
                        q.executeUpdate();
                    }
                    return household;
                })
                .compose(household -> plans.save(
                                hubId,
                                CarePlanTemplate.heartFailure(codec, patientId),
                                who.actor(),
                                "inskrivning: hjärtsviktsmallen / enrolment: the heart-failure template",
                                0)
                        .map(plan -> new Enrolled(patientId, name, id, household, hubId, plan.version())));
    }

    /**
     * Binds a device the hub found (or one typed in) to a patient of the hub's household, or to the household as a
     * shared device ({@code patientId} null: every member is a user; a household of one binds to that patient).
     */
    public Future<Long> bind(Principal who, String hubId, String deviceId, String model, String patientId) {
        return db.transaction(c -> {
                    List<String> members = requireHubAccess(c, who, hubId);
                    if (patientId != null && !members.contains(patientId)) {
                        throw new IllegalArgumentException("patienten " + patientId + " bor inte i hemmet som hubben "
                                + hubId + " tjänar / patient " + patientId + " is not in the household hub " + hubId
                                + " serves");
                    }
                    if (members.isEmpty()) {
                        throw new IllegalArgumentException(
                                "hubben " + hubId + " tjänar inget hushåll ännu; skriv in en " + "patient först / hub "
                                        + hubId + " serves no household yet; enrol a patient first");
                    }
                    if (patientId != null || members.size() == 1) {
                        return new DeviceBinding(deviceId, model, patientId != null ? patientId : members.get(0));
                    }
                    return new DeviceBinding(
                            deviceId,
                            model,
                            null,
                            members.stream()
                                    .map(m -> new DeviceBinding.DeviceUser(m, null))
                                    .toList());
                })
                .compose(binding -> plans.bindDevices(hubId, List.of(binding), who.actor()));
    }

    /** Retires a binding (an explicit removal), after the same access check as binding. */
    public Future<Long> unbind(Principal who, String hubId, String deviceId) {
        return db.transaction(c -> requireHubAccess(c, who, hubId))
                .compose(m -> plans.unbindDevice(hubId, deviceId, who.actor()));
    }

    /** Replaces a device by a new one for the same patient or household; one history goes on. */
    public Future<Long> replace(Principal who, String hubId, String oldDeviceId, String newDeviceId, String model) {
        return db.transaction(c -> requireHubAccess(c, who, hubId))
                .compose(m -> plans.replaceDevice(hubId, oldDeviceId, newDeviceId, model, who.actor()));
    }

    /** What ending monitoring did, and what the hub still has to send. */
    public record Ended(
            String patientId,
            String hubId,
            long configVersion,
            long outboxPendingAtLastStatus,
            boolean householdEnded) {}

    /**
     * Ends monitoring (the patient moved, died, or the period ended): she leaves the household, her plan and devices
     * leave the hub's config, so the hub wipes her plan and bindings when it applies it; what the hub still holds of
     * her is accepted when it arrives (nothing lost); her data stays in the cloud under the retention rules, and her
     * care relations stay so her nurses can still read it. When nobody is left in the household it ends too, and the
     * hub is no longer assigned: the fleet page returns it to stock or revokes it.
     */
    public Future<Ended> endMonitoring(Principal who, String patientId) {
        Instant now = clock.instant();
        return db.transaction(c -> {
                    Set<String> roles = CareAccess.roles(c, who, patientId, now);
                    CareAccess.requireCareRelation(c, who, patientId, now);
                    if (!who.operator() && roles.stream().noneMatch(ENROLLING_ROLES::contains)) {
                        throw new CareAccess.MissingRole("NURSE / DISTRICT_NURSE / MAS / OPERATOR");
                    }
                    Household home = householdOfPatient(c, patientId)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "patienten övervakas inte i något hem / the patient is not monitored in any home"));
                    try (PreparedStatement u = c.prepareStatement("UPDATE household_member SET until = ? "
                            + "WHERE household_id = ? AND patient_id = ? AND until IS NULL")) {
                        u.setTimestamp(1, Timestamp.from(now));
                        u.setLong(2, home.id());
                        u.setString(3, patientId);
                        u.executeUpdate();
                    }
                    try (PreparedStatement u = c.prepareStatement(
                            "UPDATE patient SET monitoring_ended_at = ?, " + "monitoring_ended_by = ? WHERE id = ?")) {
                        u.setTimestamp(1, Timestamp.from(now));
                        u.setString(2, who.actor());
                        u.setString(3, patientId);
                        u.executeUpdate();
                    }
                    boolean empty = home.members().size() <= 1;
                    if (empty) {
                        try (PreparedStatement u =
                                c.prepareStatement("UPDATE household SET ended_at = ? WHERE id = ?")) {
                            u.setTimestamp(1, Timestamp.from(now));
                            u.setLong(2, home.id());
                            u.executeUpdate();
                        }
                    }
                    long pending = 0;
                    try (PreparedStatement q = c.prepareStatement("SELECT outbox_pending FROM hub WHERE hub_id = ?")) {
                        q.setString(1, home.hubId());
                        try (ResultSet r = q.executeQuery()) {
                            if (r.next()) {
                                pending = r.getLong("outbox_pending");
                            }
                        }
                    }
                    return new Ended(patientId, home.hubId(), 0, pending, empty);
                })
                .compose(e -> plans.endMonitoring(e.hubId(), patientId, who.actor())
                        .map(v -> new Ended(
                                e.patientId(), e.hubId(), v, e.outboxPendingAtLastStatus(), e.householdEnded())));
    }

    /** Opens pairing mode on the hub for {@code minutes} (1 to 30), after the same access check as binding. */
    public Future<Long> openPairing(Principal who, String hubId, int minutes) {
        if (minutes < 1 || minutes > 30) {
            throw new IllegalArgumentException("parkopplingsläget kan öppnas 1–30 minuter / pairing mode opens for 1 to"
                    + " 30 minutes, not " + minutes);
        }
        return db.transaction(c -> requireHubAccess(c, who, hubId))
                .compose(m -> plans.openPairing(hubId, clock.instant().plus(Duration.ofMinutes(minutes)), who.actor()));
    }

    /** The household the hub serves now and its members. */
    public record Household(long id, String hubId, String label, List<String> members) {}

    /** The active household of the hub, if any, in the caller's transaction. */
    public static Optional<Household> householdOfHub(Connection c, String hubId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT h.id, h.label, array_remove(array_agg(m.patient_id "
                + "ORDER BY m.since), NULL) AS patients FROM household h "
                + "LEFT JOIN household_member m ON m.household_id = h.id AND m.until IS NULL "
                + "WHERE h.hub_id = ? AND h.ended_at IS NULL GROUP BY h.id, h.label")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Household(r.getLong("id"), hubId, r.getString("label"), List.of((String[])
                        r.getArray("patients").getArray())));
            }
        }
    }

    /** The hub of the patient's household now, if any. */
    public static Optional<Household> householdOfPatient(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT h.hub_id FROM household h JOIN household_member m "
                + "ON m.household_id = h.id WHERE m.patient_id = ? AND m.until IS NULL AND h.ended_at IS NULL")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? householdOfHub(c, r.getString("hub_id")) : Optional.empty();
            }
        }
    }

    /**
     * The members of the hub's household (or the patients its plans and bindings name, for a hub set up before
     * households existed), after checking that the person may act on the hub: the operator, or someone holding an
     * enrolling role in a team caring for one of them.
     */
    List<String> requireHubAccess(Connection c, Principal who, String hubId) throws SQLException {
        List<String> members = householdOfHub(c, hubId).map(Household::members).orElseGet(() -> List.of());
        if (members.isEmpty()) {
            members = CarePlanService.household(c, hubId);
        }
        if (who.operator()) {
            return members;
        }
        Instant now = clock.instant();
        for (String patient : members) {
            Set<String> roles = CareAccess.roles(c, who, patient, now);
            if (roles.stream().anyMatch(ENROLLING_ROLES::contains)) {
                return members;
            }
        }
        // As for a patient: a hub of someone else's patients does not exist for this person.
        throw new CareAccess.NoCareRelation("hub " + hubId);
    }

    private static void requireEnrollingRole(Connection c, Principal who, List<String> teams) throws SQLException {
        if (who.operator()) {
            return;
        }
        if (who.personId() == null) {
            throw new CareAccess.MissingRole(String.join("/", ENROLLING_ROLES));
        }
        try (PreparedStatement q = c.prepareStatement(
                "SELECT 1 FROM team_member WHERE person_id = ? " + "AND team_id = ANY (?) AND role = ANY (?)")) {
            q.setString(1, who.personId());
            q.setArray(2, c.createArrayOf("text", teams.toArray()));
            q.setArray(3, c.createArrayOf("text", ENROLLING_ROLES.toArray()));
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new CareAccess.MissingRole("NURSE / DISTRICT_NURSE / MAS / OPERATOR i ett av de valda "
                            + "teamen / in one of the chosen teams");
                }
            }
        }
    }

    /** The hub's household, created when the hub serves none; refused when it already has two members. */
    private long householdFor(Connection c, String hubId, String label, String by, Instant now) throws SQLException {
        Optional<Household> existing = householdOfHub(c, hubId);
        if (existing.isPresent()) {
            if (existing.get().members().size() >= MAX_HOUSEHOLD) {
                throw new Conflict("hushållet som hubben " + hubId + " tjänar har redan " + MAX_HOUSEHOLD
                        + " patienter / the household hub " + hubId + " serves already has " + MAX_HOUSEHOLD
                        + " patients");
            }
            return existing.get().id();
        }
        try (PreparedStatement q = c.prepareStatement("INSERT INTO household (hub_id, label, created_by, created_at) "
                + "VALUES (?, ?, ?, ?) RETURNING id")) {
            q.setString(1, hubId);
            q.setString(2, label);
            q.setString(3, by);
            q.setTimestamp(4, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong("id");
            }
        }
    }

    private static boolean existsOther(Connection c, String nationalId, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM patient WHERE national_id = ? AND id <> ?")) {
            q.setString(1, nationalId);
            q.setString(2, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private static boolean inForce(Connection c, String patientId, String team, Instant now) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM care_relations_at(?) WHERE patient_id = ? AND team_id = ?")) {
            q.setTimestamp(1, Timestamp.from(now));
            q.setString(2, patientId);
            q.setString(3, team);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private static boolean exists(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, key);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }
}
