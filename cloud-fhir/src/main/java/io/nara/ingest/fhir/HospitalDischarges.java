package io.nara.ingest.fhir;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.clinic.Admissions;
import io.nara.ingest.db.Database;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hospital's Encounter entered in one transaction: the stay through {@link Admissions#fromHospital} (its one owner),
 * and when it brings a discharge, the care plan's post-discharge period started on the discharge day
 * ({@link DischargePlan}, saved as a new version by {@link CarePlanService}) and the care contact told (an INFO
 * notice, {@code notice.hospital-discharge}, routed to the patient's first-responding team like any alert and shown in
 * its inbox, paging nobody). Either all of it commits or nothing does; the hub's new config is published after the
 * commit (a failed publish stays pending for the next housekeeping round). Every request writes one access-log entry,
 * a refused one without a patient.
 */
final class HospitalDischarges {

    private static final Logger LOG = LoggerFactory.getLogger(HospitalDischarges.class);

    /** The notice's rule id: a notice pages nobody ({@link AlertLifecycle#NOTICE_RULE_PREFIX}). */
    static final String NOTICE_RULE = AlertLifecycle.NOTICE_RULE_PREFIX + "hospital-discharge";

    /**
     * What became of an Encounter: the HTTP status and, on success, its id and the stay; else the problem.
     *
     * @param plan    the plan's outcome when the Encounter brought a discharge, else null
     * @param publish the hub whose config to publish after the commit (a new plan version), else null
     */
    record Result(
            int status,
            String fhirId,
            Admissions.Admission stay,
            DischargePlan.Outcome plan,
            String publish,
            String problem) {
        static Result refused(int status, String problem) {
            return new Result(status, null, null, null, null, problem);
        }
    }

    /** The plan's outcome and the hub to publish to (null: no new version). */
    private record Switch(DischargePlan.Outcome outcome, String publish) {}

    private final Database db;
    private final CarePlanService plans;
    private final AlertStore alerts;

    HospitalDischarges(Database db, CarePlanService plans, AlertStore alerts) {
        this.db = db;
        this.plans = plans;
        this.alerts = alerts;
    }

    /** Enters the Encounter sent by the journal system {@code client}; {@code action} names it in the access log. */
    Future<Result> enter(Principal client, EncounterMapping.Parsed encounter, String action, Instant now) {
        Admissions.HospitalStay stay = encounter.stay();
        String what = "Encounter " + stay.encounterSystem() + "|" + stay.encounterValue();
        return db.transaction(c -> {
                    Optional<String> patientId = patient(c, encounter.patient());
                    if (patientId.isEmpty() || !CareAccess.maySee(c, client, patientId.get(), now)) {
                        // The same answer whether the patient is unknown or not the client's teams': nothing leaks.
                        AccessLog.record(c, client.actor(), action, List.of(), what + ": refused, patient not found");
                        return Result.refused(
                                404, "the patient is not known (or not cared for by this journal's teams)");
                    }
                    String patient = patientId.get();
                    Savepoint before = c.setSavepoint();
                    Admissions.Entered entered;
                    try {
                        entered = Admissions.fromHospital(c, client, patient, stay, now);
                    } catch (Admissions.Invalid | Admissions.Contradicts e) {
                        c.rollback(before);
                        AccessLog.record(c, client.actor(), action, List.of(), what + ": refused, " + e.getMessage());
                        return Result.refused(e instanceof Admissions.Invalid ? 400 : 409, e.getMessage());
                    }
                    Switch outcome = entered.discharged()
                            ? discharged(c, client, patient, entered, encounter, now)
                            : new Switch(null, null);
                    AccessLog.record(
                            c,
                            client.actor(),
                            action,
                            List.of(patient),
                            what + " as Encounter/" + entered.fhirId() + ": "
                                    + (entered.created() ? "stay entered" : "stay known")
                                    + (entered.discharged()
                                            ? ", discharge entered, plan " + outcome.outcome()
                                            : ", unchanged"));
                    return new Result(
                            entered.created() ? 201 : 200,
                            entered.fhirId(),
                            entered.stay(),
                            outcome.outcome(),
                            outcome.publish(),
                            null);
                })
                .compose(result -> result.publish() == null
                        ? Future.succeededFuture(result)
                        : plans.publishAfterCommit(result.publish()).map(result));
    }

    private Switch discharged(
            Connection c,
            Principal client,
            String patient,
            Admissions.Entered entered,
            EncounterMapping.Parsed encounter,
            Instant now)
            throws SQLException {
        Optional<CarePlanService.PlanVersion> current = plans.current(c, patient);
        DischargePlan.Decision decision = DischargePlan.decide(
                current.map(CarePlanService.PlanVersion::plan).orElse(null),
                entered.stay().dischargedAt(),
                encounter.home());
        Integer version = current.map(CarePlanService.PlanVersion::version).orElse(null);
        Integer days = null;
        String publish = null;
        if (decision.outcome() == DischargePlan.Outcome.SWITCHED) {
            CarePlanService.PlanVersion before = current.orElseThrow();
            CarePlanService.PlanVersion saved = plans.save(
                    c,
                    before.hubId(),
                    decision.switched(),
                    client.actor(),
                    DischargePlan.reason(
                            decision.day(),
                            client.name(),
                            encounter.stay().encounterSystem() + "|"
                                    + encounter.stay().encounterValue()),
                    before.version(),
                    now);
            version = saved.version();
            days = saved.plan().postDischarge().days();
            publish = before.hubId();
        } else if (current.isPresent() && current.get().plan().postDischarge() != null) {
            days = current.get().plan().postDischarge().days();
        }
        String message = DischargePlan.notice(decision, encounter.stay().dispositionText(), days, version);
        // An alert names a hub; a patient without one (not yet installed) is told about under none.
        String hub = current.isPresent()
                ? current.get().hubId()
                : CarePlanService.hubOf(c, patient).orElse("");
        Optional<Long> notice = alerts.storeCloud(
                c,
                hub,
                new Alert(
                        1,
                        patient,
                        NOTICE_RULE,
                        Severity.INFO,
                        null,
                        null,
                        null,
                        message,
                        now,
                        0,
                        version == null ? "none" : Integer.toString(version),
                        null,
                        null,
                        AlertStatus.RAISED,
                        "hospital-discharge@" + entered.stay().id()));
        LOG.info(
                "hospital discharge of patient {} (stay {}) from {}: plan {}, notice {}",
                patient,
                entered.stay().id(),
                client.actor(),
                decision.outcome(),
                notice.orElse(null));
        return new Switch(decision.outcome(), publish);
    }

    /** The patient the Encounter names, if Nära knows her: by id, or by the national id she was enrolled with. */
    private static Optional<String> patient(Connection c, EncounterMapping.PatientRef ref) throws SQLException {
        String sql =
                ref.naraId() ? "SELECT id FROM patient WHERE id = ?" : "SELECT id FROM patient WHERE national_id = ?";
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, ref.value());
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(r.getString("id")) : Optional.empty();
            }
        }
    }
}
