package io.nara.ingest.homecare;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.EpisodeRaise;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.unattributed.AssignedReadingRules;
import io.nara.ingest.web.ApiRoutes;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Home-care staff (hemtjänst) and the tasks nurses delegate to them (decision 0053).
 *
 * <pre>
 * The staff member's own (home-care staff only; anyone else 403):
 * GET  /api/homecare/patients                  the patients their teams serve: name, address, today's tasks
 * GET  /api/homecare/patients/{id}/reports     their own reports about her, and whether a nurse has seen each
 * POST /api/homecare/patients/{id}/reports     {symptoms: [SNOMED CT code], text}: observations, judged by her plan
 * POST /api/homecare/tasks/{id}/done           a task due today, done now
 * The nurse's (NURSE or DISTRICT_NURSE of a team caring for the patient; home-care staff are fenced off anyway):
 * GET  /api/patients/{id}/delegations          {delegations, delegates, measurements}: every task, done or not; whom
 *                                              one may go to; what a task may ask to be measured
 * POST /api/patients/{id}/delegations          {task, code?, weekdays?, toPersonId | toTeamId, from, to}
 * POST /api/patients/{id}/delegations/{d}/revoke
 * </pre>
 * A patient their teams do not serve is 404, as one that does not exist, logged ({@code homecare.refused}), nothing
 * changed. Every read and write is in the access log, in the transaction that does it.
 *
 * <p>A symptom report is an observation like any reading (InfluxDB, device {@code homecare:<person>}, so the patient
 * page and FHIR show it and whose it is), judged by the patient's current plan with the hub's engine
 * ({@link AssignedReadingRules}); what it raises, or {@link ReportAlerts} decides for what no rule raised, is a cloud
 * alert through {@link AlertStore#storeCloud}, routed and escalated like a hub's, and its text names the reporter.
 * A report that falls in an open alert's episode joins it (its trail notes it) unless it is worse.
 */
public final class HomeCareRoutes implements ApiRoutes {

    /** The device id prefix of what home-care staff report: the source of the observation. */
    public static final String DEVICE_PREFIX = "homecare:";

    /** Swedish dates: a task is due on the team's day, and home care is Swedish. */
    static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");

    private static final Set<String> DELEGATING_ROLES = Set.of("NURSE", "DISTRICT_NURSE");
    private static final int MAX_TEXT = 500;

    private final ObservationStore observations;
    private final WorkerExecutor influxWorker;
    private final CarePlanService plans;
    private final AlertStore alerts;

    public HomeCareRoutes(
            ObservationStore observations, WorkerExecutor influxWorker, CarePlanService plans, AlertStore alerts) {
        this.observations = observations;
        this.influxWorker = influxWorker;
        this.plans = plans;
        this.alerts = alerts;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/homecare/patients").handler(ctx -> staff(ctx, api, () -> patients(ctx, api)));
        router.get("/api/homecare/patients/:id/reports").handler(ctx -> staff(ctx, api, () -> reports(ctx, api)));
        router.post("/api/homecare/patients/:id/reports").handler(ctx -> staff(ctx, api, () -> report(ctx, api)));
        router.post("/api/homecare/tasks/:id/done").handler(ctx -> staff(ctx, api, () -> done(ctx, api)));
        router.get("/api/patients/:id/delegations").handler(ctx -> delegations(ctx, api));
        router.post("/api/patients/:id/delegations").handler(ctx -> delegate(ctx, api));
        router.post("/api/patients/:id/delegations/:delegation/revoke").handler(ctx -> revoke(ctx, api));
    }

    private static void staff(RoutingContext ctx, Api api, Runnable then) {
        if (!api.who(ctx).homeCare()) {
            api.json(ctx, 403, Map.of("problem", "bara för hemtjänsten / for home-care staff only"));
            return;
        }
        then.run();
    }

    /** One of the staff member's patients: name, address, the tasks due today. */
    record Patient(String id, String name, String address, List<Delegations.Task> tasks) {}

    private static void patients(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        Instant now = api.now();
        LocalDate today = LocalDate.ofInstant(now, ZONE);
        api.db()
                .transaction(c -> {
                    List<String> ids = CareAccess.visiblePatients(c, who, now);
                    List<Patient> out = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(
                            "SELECT id, name, address FROM patient WHERE id = ANY (?) ORDER BY name, id")) {
                        q.setArray(1, c.createArrayOf("text", ids.toArray()));
                        try (ResultSet r = q.executeQuery()) {
                            while (r.next()) {
                                String id = r.getString("id");
                                out.add(new Patient(
                                        id,
                                        r.getString("name"),
                                        r.getString("address"),
                                        Delegations.dueFor(c, who.personId(), who.teams(), id, today)));
                            }
                        }
                    }
                    AccessLog.record(c, who.actor(), "homecare.patients", ids, "name, address, tasks due " + today);
                    return out;
                })
                .onSuccess(out -> api.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    private static void reports(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    if (!served(c, who, patientId, now, "reports")) {
                        return Optional.<List<HomeCareReports.Mine>>empty();
                    }
                    AccessLog.record(c, who.actor(), "homecare.reports", List.of(patientId), "own reports");
                    return Optional.of(HomeCareReports.mine(c, who.personId(), patientId, 50));
                })
                .onSuccess(out -> api.jsonOrNotFound(ctx, out, new CareAccess.NoCareRelation(patientId).getMessage()))
                .onFailure(ctx::fail);
    }

    /** What a report asks, checked before anything is stored. */
    record Request(List<ClinicalCode> symptoms, String text) {
        static Request parse(JsonObject body) {
            Object raw = body.getValue("symptoms");
            if (raw != null && !(raw instanceof JsonArray)) {
                throw new IllegalArgumentException(
                        "'symptoms' måste vara en lista / 'symptoms' must be a list of codes");
            }
            List<String> codes = new ArrayList<>();
            if (raw != null) {
                for (Object code : (JsonArray) raw) {
                    if (!(code instanceof String s)) {
                        throw new IllegalArgumentException("okänt symtom / unknown symptom: " + code);
                    }
                    codes.add(s);
                }
            }
            Object words = body.getValue("text");
            if (words != null && !(words instanceof String)) {
                throw new IllegalArgumentException("'text' must be a string");
            }
            String text = words == null || ((String) words).isBlank() ? null : ((String) words).strip();
            if (text != null && text.length() > MAX_TEXT) {
                throw new IllegalArgumentException(
                        "texten är för lång (högst " + MAX_TEXT + " tecken) / 'text' is longer than " + MAX_TEXT);
            }
            if (text != null && text.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n')) {
                throw new IllegalArgumentException("texten har otillåtna tecken / 'text' holds control characters");
            }
            List<ClinicalCode> symptoms = ReportAlerts.symptoms(codes);
            if (symptoms.isEmpty() && text == null) {
                throw new IllegalArgumentException(
                        "välj ett symtom eller skriv vad som är fel / choose a symptom or write what is wrong");
            }
            return new Request(symptoms, text);
        }
    }

    /** What the first transaction learnt: the reporter's name, the plan, where the readings go. */
    private record Checked(String reporter, Optional<CarePlanService.PlanVersion> plan) {
        String hubId() {
            return plan.map(CarePlanService.PlanVersion::hubId).orElse("homecare");
        }
    }

    private void report(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Request request = Request.parse(api.body(ctx));
        Instant now = api.now();
        api.db()
                .transaction(c -> served(c, who, patientId, now, "report")
                        ? Optional.of(new Checked(who.name(), plans.current(c, patientId)))
                        : Optional.<Checked>empty())
                .compose(found -> found.isEmpty()
                        ? Future.failedFuture(new CareAccess.NoCareRelation(patientId))
                        : stored(api, who, patientId, request, now, found.get()))
                .onSuccess(out -> api.json(ctx, 201, out))
                .onFailure(ctx::fail);
    }

    /** Writes the observations, then stores the reports and raises their alerts in one transaction. */
    private Future<List<Map<String, Object>>> stored(
            Api api, Principal who, String patientId, Request request, Instant now, Checked checked) {
        String device = DEVICE_PREFIX + who.personId();
        return influxWorker
                .<Map<String, List<Observation>>>executeBlocking(
                        () -> {
                            // Each symptom is a reading of the patient, stored before it is judged; the
                            // history the plan's rules read is taken first, without it.
                            Map<String, List<Observation>> histories = new LinkedHashMap<>();
                            long seq = now.toEpochMilli();
                            for (ClinicalCode symptom : request.symptoms()) {
                                Observation o = observation(patientId, device, symptom, seq++, now);
                                histories.put(
                                        symptom.code(),
                                        checked.plan()
                                                .map(p -> observations.readings(
                                                        patientId,
                                                        AssignedReadingRules.codesToRead(p.plan(), o.code()),
                                                        now.minus(p.plan().historyNeeded()),
                                                        now))
                                                .orElse(List.of()));
                                observations.write(checked.hubId(), outbox(who), o);
                            }
                            return histories;
                        },
                        false)
                .compose(histories -> api.db().transaction(c -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    long seq = now.toEpochMilli();
                    Optional<CarePlan> plan = checked.plan().map(CarePlanService.PlanVersion::plan);
                    for (ClinicalCode symptom : request.symptoms()) {
                        Observation o = observation(patientId, device, symptom, seq++, now);
                        long id = HomeCareReports.insert(c, patientId, who.personId(), symptom.code(), null, now);
                        List<Alert> raised = plan.map(p ->
                                        AssignedReadingRules.raised(p, histories.get(symptom.code()), o, now).stream()
                                                .map(e -> ReportAlerts.ofEvent(e, checked.reporter(), now))
                                                .toList())
                                .orElse(List.of());
                        if (raised.isEmpty()) {
                            raised = List.of(
                                    ReportAlerts.unjudged(patientId, symptom, o.seq(), plan, checked.reporter(), now));
                        }
                        Long alertId = null;
                        for (Alert alert : raised) {
                            Long a = raise(c, who, checked.hubId(), alert, symptom.swedish(), now);
                            alertId = alertId == null ? a : alertId;
                        }
                        HomeCareReports.link(c, id, alertId);
                        out.add(Map.of("id", id, "code", symptom.code(), "alertId", alertId));
                    }
                    if (request.text() != null) {
                        long id = HomeCareReports.insert(c, patientId, who.personId(), null, request.text(), now);
                        Alert alert = ReportAlerts.concern(patientId, request.text(), plan, checked.reporter(), now);
                        Long alertId = raise(c, who, checked.hubId(), alert, "egen text / own words", now);
                        HomeCareReports.link(c, id, alertId);
                        out.add(Map.of("id", id, "text", request.text(), "alertId", alertId));
                    }
                    AccessLog.record(
                            c,
                            who.actor(),
                            "homecare.report",
                            List.of(patientId),
                            "symptoms="
                                    + request.symptoms().stream()
                                            .map(ClinicalCode::code)
                                            .toList()
                                    + (request.text() != null ? ", own words" : ""));
                    return out;
                }));
    }

    /**
     * Stores and routes the alert, or, when the patient has an open alert of its episode and this is not worse,
     * notes the report in that alert's trail; the id of the alert the report is in.
     */
    private Long raise(Connection c, Principal who, String hubId, Alert alert, String what, Instant now)
            throws SQLException {
        String note = "rapporterat av hemtjänst / reported by home-care staff: " + who.name() + " (" + what + ")";
        String episode = alert.episode();
        if (episode != null && !alert.ruleId().equals(ReportAlerts.CONCERN_RULE)) {
            String key = episode.substring(0, episode.lastIndexOf('@'));
            Optional<EpisodeRaise.Open> open = EpisodeRaise.openOf(c, alert.patientId(), key, null);
            if (open.isPresent()) {
                if (!alert.severity().isWorseThan(open.get().severity())) {
                    AlertLifecycle.reportedByHomeCare(c, open.get().alertId(), now, who.actor(), note, true);
                    return open.get().alertId();
                }
                Alert worse = new Alert(
                        1,
                        alert.patientId(),
                        alert.ruleId(),
                        alert.severity(),
                        alert.code(),
                        alert.value(),
                        alert.unit(),
                        alert.message(),
                        now,
                        alert.observationSeq(),
                        alert.carePlanVersion(),
                        alert.respondFirst(),
                        alert.escalateAfter(),
                        AlertStatus.ESCALATED,
                        open.get().episode());
                alerts.storeCloud(c, hubId, worse);
                AlertLifecycle.reportedByHomeCare(c, open.get().alertId(), now, who.actor(), note, true);
                return open.get().alertId();
            }
        }
        Optional<Long> stored = alerts.storeCloud(c, hubId, alert);
        if (stored.isPresent()) {
            AlertLifecycle.reportedByHomeCare(c, stored.get(), now, who.actor(), note, false);
            return stored.get();
        }
        return null;
    }

    /** The staff member's own outbox id: their readings' (device, seq) pairs never collide with a hub's. */
    static String outbox(Principal who) {
        return UUID.nameUUIDFromBytes((DEVICE_PREFIX + who.personId()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static Observation observation(
            String patientId, String device, ClinicalCode symptom, long seq, Instant now) {
        return new Observation(seq, patientId, device, symptom.code(), 1.0, Vocabulary.PRESENCE, now, now, Set.of());
    }

    private static void done(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        long id = number(ctx.pathParam("id"), "task");
        Instant now = api.now();
        LocalDate today = LocalDate.ofInstant(now, ZONE);
        api.db()
                .transaction(c -> {
                    // Checked before it is marked: a task for a patient the team no longer serves is not theirs.
                    Optional<String> patient = Delegations.patientOf(c, id);
                    if (patient.isPresent() && CareAccess.maySee(c, who, patient.get(), now)) {
                        patient = Delegations.markDone(c, who.personId(), who.teams(), id, today, now);
                    } else {
                        patient = Optional.empty();
                    }
                    if (patient.isEmpty()) {
                        AccessLog.record(c, who.actor(), "homecare.refused", List.of(), "task " + id + " not theirs");
                        return Optional.<Map<String, Object>>empty();
                    }
                    AccessLog.record(c, who.actor(), "homecare.task.done", List.of(patient.get()), "task " + id);
                    return Optional.<Map<String, Object>>of(Map.of("id", id, "doneOn", today.toString()));
                })
                .onSuccess(out -> api.jsonOrNotFound(ctx, out, "ingen sådan uppgift / no such task: " + id))
                .onFailure(ctx::fail);
    }

    private static void delegations(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patientId, now);
                    AccessLog.record(c, who.actor(), "delegations.list", List.of(patientId), null);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("delegations", Delegations.ofPatient(c, patientId, LocalDate.ofInstant(now, ZONE)));
                    out.put("delegates", Delegations.delegates(c, patientId, now));
                    out.put("mayDelegate", mayDelegate(c, who, patientId, now));
                    out.put("measurements", Delegations.measurements());
                    return out;
                })
                .onSuccess(out -> api.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    private static void delegate(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Delegation d = Delegation.parse(api.body(ctx));
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    requireNurse(c, who, patientId, now);
                    long id = Delegations.create(c, patientId, d, who.actor(), now);
                    AccessLog.record(
                            c,
                            who.actor(),
                            "delegations.create",
                            List.of(patientId),
                            "delegation " + id + " to "
                                    + (d.toTeamId() != null ? "team:" + d.toTeamId() : "person:" + d.toPersonId()) + " "
                                    + d.from() + ".." + d.to());
                    return Delegations.one(c, patientId, id, LocalDate.ofInstant(now, ZONE))
                            .orElseThrow();
                })
                .onSuccess(out -> api.json(ctx, 201, out))
                .onFailure(ctx::fail);
    }

    private static void revoke(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        long id = number(ctx.pathParam("delegation"), "delegation");
        Instant now = api.now();
        LocalDate today = LocalDate.ofInstant(now, ZONE);
        api.db()
                .transaction(c -> {
                    requireNurse(c, who, patientId, now);
                    if (Delegations.one(c, patientId, id, today).isEmpty()) {
                        throw new Delegations.NoSuchTask(id);
                    }
                    Delegations.revoke(c, id, who.actor(), now);
                    AccessLog.record(c, who.actor(), "delegations.revoke", List.of(patientId), "delegation " + id);
                    return Delegations.one(c, patientId, id, today).orElseThrow();
                })
                .onSuccess(out -> api.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    private static boolean mayDelegate(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        return CareAccess.roles(c, who, patientId, now).stream().anyMatch(DELEGATING_ROLES::contains);
    }

    /** Delegation is a nurse's: a care relation (else 404) and the role (else 403). */
    private static void requireNurse(Connection c, Principal who, String patientId, Instant now) throws SQLException {
        CareAccess.requireCareRelation(c, who, patientId, now);
        if (!mayDelegate(c, who, patientId, now)) {
            throw new CareAccess.MissingRole("NURSE");
        }
    }

    /**
     * Whether the staff member's teams serve the patient now; if not, the refusal is logged and the caller answers 404
     * (as for no patient) after this transaction commits, so the log entry stays and nothing else is done.
     */
    private static boolean served(Connection c, Principal who, String patientId, Instant now, String what)
            throws SQLException {
        if (CareAccess.maySee(c, who, patientId, now)) {
            return true;
        }
        AccessLog.record(c, who.actor(), "homecare.refused", List.of(), what + " for " + patientId);
        return false;
    }

    private static long number(String raw, String what) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + what + " id: " + raw, e);
        }
    }
}
