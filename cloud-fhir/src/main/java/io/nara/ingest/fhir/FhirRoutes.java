package io.nara.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.JournalClients;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.enrolment.NationalId;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR R4 API for journal systems under {@code /fhir/}: read and search of Patient, Device and Observation, and
 * a hospital's Encounter (create and update: its stay and discharge, {@link HospitalDischarges}), JSON only. Every
 * answer is filtered by care relation ({@link CareAccess}): without one a read is 404 and a search finds nothing. Every read or search writes one access-log entry, in the transaction that does its PostgreSQL part.
 * Errors are OperationOutcomes. Also the operator's {@code /api/admin/fhir-clients} and {@code /api/admin/fhir-push}.
 */
public final class FhirRoutes implements ApiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(FhirRoutes.class);
    private static final String FHIR_JSON = "application/fhir+json; charset=utf-8";

    private final FhirContext fhir;
    private final FhirReadings readings;
    private final WorkerExecutor influxWorker;
    private final HospitalDischarges discharges;
    private Api api;

    /** @param fhir an R4 context (expensive to make: make it once, off the event loop) */
    /**
     * @param publicAddress the web app's configured public address ({@code --inbox-url}); links in bundles are built
     *                      from it, never from the request's Host header, which a client chooses
     */
    private final String base;

    FhirRoutes(
            FhirContext fhir,
            InfluxDatabase influx,
            WorkerExecutor influxWorker,
            String publicAddress,
            HospitalDischarges discharges) {
        this.fhir = fhir;
        this.discharges = discharges;
        this.base =
                (publicAddress.endsWith("/") ? publicAddress.substring(0, publicAddress.length() - 1) : publicAddress)
                        + "/fhir";
        this.readings = new FhirReadings(influx);
        this.influxWorker = influxWorker;
    }

    @Override
    public void mount(Router router, Api api) {
        this.api = api;
        router.get("/fhir/metadata").handler(this::metadata);
        router.get("/fhir/Patient/:id").handler(this::readPatient);
        router.get("/fhir/Patient").handler(this::searchPatients);
        router.get("/fhir/Device/:id").handler(this::readDevice);
        router.get("/fhir/Device").handler(this::searchDevices);
        router.get("/fhir/Observation/:id").handler(this::readObservation);
        router.get("/fhir/Observation").handler(this::searchObservations);
        router.post("/fhir/Encounter").handler(ctx -> enterEncounter(ctx, null));
        router.put("/fhir/Encounter/:id").handler(ctx -> enterEncounter(ctx, ctx.pathParam("id")));
        router.route("/fhir/*")
                .handler(ctx -> outcome(
                        ctx,
                        404,
                        OperationOutcome.IssueType.NOTSUPPORTED,
                        ctx.request().method() + " " + ctx.normalizedPath()
                                + " is not supported here; see /fhir/metadata"));
        router.route("/fhir/*").failureHandler(this::failure);
        router.post("/api/admin/fhir-clients").handler(this::createClient);
        router.post("/api/admin/fhir-clients/:id/revoke").handler(this::revokeClient);
        router.get("/api/admin/fhir-push").handler(this::pushQueue);
    }

    private void readPatient(RoutingContext ctx) {
        Principal who = api.who(ctx);
        String patientId = FhirMapping.naraId(ctx.pathParam("id"));
        api.db()
                .transaction(c -> {
                    Optional<PatientRow> name =
                            visible(c, who, patientId) ? patientName(c, patientId) : Optional.empty();
                    log(
                            c,
                            who,
                            "fhir.Patient.read",
                            name.isPresent() ? List.of(patientId) : List.of(),
                            "Patient/" + patientId + (name.isPresent() ? "" : " (not found or no care relation)"));
                    return name.map(n -> n.resource(patientId));
                })
                .onSuccess(found -> readAnswer(ctx, found, "Patient/" + ctx.pathParam("id")))
                .onFailure(ctx::fail);
    }

    private void searchPatients(RoutingContext ctx) {
        Principal who = api.who(ctx);
        List<String> ids = FhirSearch.patients(params(ctx));
        api.db()
                .transaction(c -> {
                    List<Resource> found = new ArrayList<>();
                    List<String> patients = new ArrayList<>();
                    for (String id : ids) {
                        String patientId = FhirMapping.naraId(id);
                        Optional<PatientRow> name =
                                visible(c, who, patientId) ? patientName(c, patientId) : Optional.empty();
                        name.ifPresent(n -> {
                            found.add(n.resource(patientId));
                            patients.add(patientId);
                        });
                    }
                    log(c, who, "fhir.Patient.search", patients, query(ctx) + " -> " + found.size());
                    return found;
                })
                .onSuccess(found -> bundle(ctx, found))
                .onFailure(ctx::fail);
    }

    private void readDevice(RoutingContext ctx) {
        Principal who = api.who(ctx);
        String deviceId = FhirMapping.naraId(ctx.pathParam("id"));
        api.db()
                .transaction(c -> {
                    FhirDevices.Known device = FhirDevices.one(c, deviceId);
                    List<String> patients = new ArrayList<>();
                    for (String p : device.patients()) {
                        if (visible(c, who, p)) {
                            patients.add(p);
                        }
                    }
                    log(
                            c,
                            who,
                            "fhir.Device.read",
                            patients,
                            "Device/" + deviceId + (patients.isEmpty() ? " (not found or no care relation)" : ""));
                    // A shared device names no patient; one seen only through another patient's relation stays hidden.
                    return patients.isEmpty()
                            ? Optional.<Resource>empty()
                            : Optional.<Resource>of(FhirMapping.device(deviceId, device.model(), device.onlyPatient()));
                })
                .onSuccess(found -> readAnswer(ctx, found, "Device/" + ctx.pathParam("id")))
                .onFailure(ctx::fail);
    }

    private void searchDevices(RoutingContext ctx) {
        Principal who = api.who(ctx);
        String patientId = FhirSearch.devicePatient(params(ctx));
        api.db()
                .transaction(c -> {
                    List<Resource> found = new ArrayList<>();
                    if (visible(c, who, patientId)) {
                        for (FhirDevices.Known d :
                                FhirDevices.ofPatient(c, patientId).values()) {
                            found.add(FhirMapping.device(d.deviceId(), d.model(), d.onlyPatient()));
                        }
                    }
                    log(
                            c,
                            who,
                            "fhir.Device.search",
                            found.isEmpty() ? List.of() : List.of(patientId),
                            query(ctx) + " -> " + found.size());
                    return found;
                })
                .onSuccess(found -> bundle(ctx, found))
                .onFailure(ctx::fail);
    }

    private void readObservation(RoutingContext ctx) {
        Principal who = api.who(ctx);
        String id = ctx.pathParam("id");
        Optional<FhirMapping.ObservationKey> key = FhirMapping.parseObservationId(id);
        if (key.isEmpty()) {
            outcome(ctx, 404, OperationOutcome.IssueType.NOTFOUND, "Observation/" + id + " is not known");
            return;
        }
        influxWorker
                .executeBlocking(() -> entry(key.get()), false)
                .compose(entry -> api.db().transaction(c -> {
                    String patientId =
                            entry.map(e -> e.readings().get(0).patientId()).orElse(null);
                    boolean shown = entry.isPresent() && visible(c, who, patientId);
                    log(
                            c,
                            who,
                            "fhir.Observation.read",
                            shown ? List.of(patientId) : List.of(),
                            "Observation/" + id + (shown ? "" : " (not found or no care relation)"));
                    return shown
                            ? Optional.<Resource>of(FhirMapping.observation(entry.get()))
                            : Optional.<Resource>empty();
                }))
                .onSuccess(found -> readAnswer(ctx, found, "Observation/" + id))
                .onFailure(ctx::fail);
    }

    /**
     * What an id names, if InfluxDB has it and it is exportable. A panel's id names its systolic reading: the panel is
     * found by pairing the readings of that patient at that millisecond, as a search would. The id of a reading that
     * is part of a panel still reads that reading alone: ids are stable for ever, and a journal may have kept one from
     * before panels existed.
     */
    private Optional<BloodPressurePanels.Entry> entry(FhirMapping.ObservationKey key) {
        Optional<Reading> reading = readings.one(key.outbox(), key.seq()).filter(Reading::exportable);
        if (!key.panel()) {
            return reading.map(BloodPressurePanels.Single::new);
        }
        if (reading.isEmpty() || !reading.get().code().equals(BloodPressurePanels.SYSTOLIC)) {
            return Optional.empty();
        }
        Reading systolic = reading.get();
        return BloodPressurePanels.pair(readings.at(systolic.patientId(), BloodPressurePanels.PARTS, systolic.time()))
                .stream()
                .filter(e -> e instanceof BloodPressurePanels.Panel p
                        && FhirMapping.identifierValue(p.systolic()).equals(FhirMapping.identifierValue(systolic)))
                .findFirst();
    }

    private void searchObservations(RoutingContext ctx) {
        Principal who = api.who(ctx);
        FhirSearch.ObservationQuery q = FhirSearch.observations(params(ctx));
        // The care relation first (cheap, PostgreSQL): a refused search logs its empty answer and never reads InfluxDB.
        api.db()
                .transaction(c -> {
                    if (visible(c, who, q.patientId())) {
                        return true;
                    }
                    log(c, who, "fhir.Observation.search", List.of(), query(ctx) + " -> 0");
                    return false;
                })
                .compose(allowed -> !allowed
                        ? Future.succeededFuture(Map.entry(List.<Resource>of(), false))
                        : searchVisible(ctx, who, q))
                .onSuccess(found -> bundle(ctx, found.getKey(), found.getValue()))
                .onFailure(ctx::fail);
    }

    /** Reads InfluxDB, then logs in the transaction that checks the care relation again (it may have ended). */
    private Future<Map.Entry<List<Resource>, Boolean>> searchVisible(
            RoutingContext ctx, Principal who, FhirSearch.ObservationQuery q) {
        return influxWorker
                .executeBlocking(
                        () -> q.range().empty()
                                ? new FhirReadings.Page(List.of(), false)
                                : readings.search(
                                        q.patientId(), BloodPressurePanels.readCodes(q.codes()), q.range(), q.count()),
                        false)
                .compose(page -> api.db().transaction(c -> {
                    List<Resource> shown = new ArrayList<>();
                    if (visible(c, who, q.patientId())) {
                        BloodPressurePanels.answer(page.readings(), q.codes(), q.count()).stream()
                                .map(FhirMapping::observation)
                                .forEach(shown::add);
                    }
                    log(
                            c,
                            who,
                            "fhir.Observation.search",
                            shown.isEmpty() ? List.of() : List.of(q.patientId()),
                            query(ctx) + " -> " + shown.size());
                    return Map.entry(shown, page.full());
                }));
    }

    /**
     * A hospital's Encounter ({@code urlId} null for a create): only a journal system's credential enters one, for a
     * patient its teams care for. 201 with the Location for a new stay, 200 for a known one (a repeat changes nothing);
     * 400 for a malformed Encounter, 404 for a patient unknown or not cared for, 409 for one contradicting what the
     * hospital sent before. Each refusal is logged.
     */
    private void enterEncounter(RoutingContext ctx, String urlId) {
        Principal who = api.who(ctx);
        String action = urlId == null ? "fhir.Encounter.create" : "fhir.Encounter.update";
        if (!who.journalClient()) {
            LOG.warn("{} {} refused: not a journal system's credential", action, who.actor());
            outcome(
                    ctx,
                    403,
                    OperationOutcome.IssueType.FORBIDDEN,
                    "only a journal system's credential enters a hospital's Encounter; the care team enters a stay on"
                            + " the patient page");
            return;
        }
        String body = ctx.body().asString();
        EncounterMapping.Parsed parsed;
        try {
            parsed = EncounterMapping.read(fhir, body, urlId);
        } catch (EncounterMapping.Malformed e) {
            LOG.warn("{} by {} refused: {}", action, who.actor(), e.getMessage());
            outcome(ctx, 400, OperationOutcome.IssueType.INVALID, e.getMessage());
            return;
        }
        discharges
                .enter(who, parsed, action, api.now())
                .onSuccess(result -> {
                    if (result.problem() != null) {
                        LOG.warn("{} by {} refused ({}): {}", action, who.actor(), result.status(), result.problem());
                        outcome(
                                ctx,
                                result.status(),
                                result.status() == 404
                                        ? OperationOutcome.IssueType.NOTFOUND
                                        : result.status() == 409
                                                ? OperationOutcome.IssueType.CONFLICT
                                                : OperationOutcome.IssueType.INVALID,
                                result.problem());
                        return;
                    }
                    Encounter answer = parsed.encounter().copy();
                    answer.setId(result.fhirId());
                    ctx.response().putHeader("Location", base + "/Encounter/" + result.fhirId());
                    send(ctx, result.status(), answer);
                })
                .onFailure(ctx::fail);
    }

    private void metadata(RoutingContext ctx) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setDate(Date.from(api.now()))
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .addFormat("json");
        cs.getSoftware().setName("Nära cloud ingest");
        CapabilityStatement.CapabilityStatementRestComponent rest =
                cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        resource(rest, "Patient", "_id", "token");
        resource(rest, "Device", "patient", "reference");
        CapabilityStatement.CapabilityStatementRestResourceComponent obs =
                resource(rest, "Observation", "patient", "reference");
        obs.addSearchParam()
                .setName("code")
                .setType(Enumerations.SearchParamType.TOKEN)
                .setDocumentation(
                        "LOINC; a blood-pressure panel (85354-9) is also found by its components' codes (8480-6, 8462-4, "
                                + "8478-0); component-code is not supported");
        obs.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE);
        obs.addSupportedProfile(FhirMapping.VITAL_SIGNS);
        obs.addSupportedProfile(FhirMapping.BLOOD_PRESSURE);
        CapabilityStatement.CapabilityStatementRestResourceComponent encounter =
                rest.addResource().setType("Encounter");
        encounter
                .addInteraction()
                .setCode(CapabilityStatement.TypeRestfulInteraction.CREATE)
                .setDocumentation("a hospital's stay: in-progress (admitted) or finished (discharged, which starts the"
                        + " care plan's post-discharge period); the identifier makes a repeat change nothing");
        encounter
                .addInteraction()
                .setCode(CapabilityStatement.TypeRestfulInteraction.UPDATE)
                .setDocumentation("the same, under an id the hospital chooses (not all digits)");
        encounter.setUpdateCreate(true);
        send(ctx, 200, cs);
    }

    private static CapabilityStatement.CapabilityStatementRestResourceComponent resource(
            CapabilityStatement.CapabilityStatementRestComponent rest, String type, String param, String paramType) {
        CapabilityStatement.CapabilityStatementRestResourceComponent r =
                rest.addResource().setType(type);
        r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
        r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        r.addSearchParam().setName(param).setType(Enumerations.SearchParamType.fromCode(paramType));
        return r;
    }

    private void createClient(RoutingContext ctx) {
        if (!api.who(ctx).operator()) {
            api.json(ctx, 403, Map.of("problem", "bara för driften / operator only"));
            return;
        }
        JsonObject body = api.body(ctx);
        JsonArray teams = body.getJsonArray("teams", new JsonArray());
        List<String> teamIds = new ArrayList<>();
        teams.forEach(t -> teamIds.add(String.valueOf(t)));
        api.db()
                .transaction(c -> JournalClients.create(c, body.getString("id"), body.getString("name"), teamIds))
                .onSuccess(created -> {
                    LOG.info(
                            "FHIR client {} ({}) for teams {} created by the operator; token {}",
                            created.id(),
                            created.name(),
                            created.teams(),
                            JournalClients.fingerprint(created.token()));
                    api.json(ctx, 200, created);
                })
                .onFailure(ctx::fail);
    }

    private void revokeClient(RoutingContext ctx) {
        if (!api.who(ctx).operator()) {
            api.json(ctx, 403, Map.of("problem", "bara för driften / operator only"));
            return;
        }
        String id = ctx.pathParam("id");
        api.db()
                .transaction(c -> JournalClients.revoke(c, id))
                .onSuccess(found -> {
                    if (found) {
                        LOG.info("FHIR client {} revoked by the operator", id);
                        api.json(ctx, 200, Map.of("revoked", id));
                    } else {
                        api.json(ctx, 404, Map.of("problem", "ingen sådan klient / no such client: " + id));
                    }
                })
                .onFailure(ctx::fail);
    }

    /**
     * The operator's view of the push queue: counts by state and the dead letters with their last error. A dead letter
     * names its patient and what was measured, so reading the queue is logged like any other read of patient data.
     */
    private void pushQueue(RoutingContext ctx) {
        Principal who = api.who(ctx);
        if (!who.operator()) {
            api.json(ctx, 403, Map.of("problem", "bara för driften / operator only"));
            return;
        }
        api.db()
                .transaction(c -> {
                    Map<String, Object> status = FhirPush.status(c);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> dead = (List<Map<String, Object>>) status.get("dead");
                    log(
                            c,
                            who,
                            "fhir-push.status",
                            dead.stream()
                                    .map(d -> (String) d.get("patientId"))
                                    .filter(Objects::nonNull)
                                    .toList(),
                            dead.size() + " dead-lettered readings");
                    return status;
                })
                .onSuccess(status -> api.json(ctx, 200, status))
                .onFailure(ctx::fail);
    }

    private boolean visible(Connection c, Principal who, String patientId) throws SQLException {
        return CareAccess.maySee(c, who, patientId, api.now());
    }

    /** The patient's name and national identifier (as a FHIR Patient carries it), if the patient exists. */
    private record PatientRow(String name, String idSystem, String idValue) {
        Patient resource(String patientId) {
            return FhirMapping.patient(patientId, name, idSystem, idValue);
        }
    }

    private static Optional<PatientRow> patientName(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT name, national_id, national_id_kind FROM patient WHERE id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                String kind = r.getString("national_id_kind");
                return Optional.of(new PatientRow(
                        r.getString("name"),
                        kind == null ? null : NationalId.Kind.valueOf(kind).system(),
                        r.getString("national_id")));
            }
        }
    }

    private static void log(Connection c, Principal who, String action, List<String> patients, String detail)
            throws SQLException {
        AccessLog.record(c, who.actor(), action, patients, detail);
    }

    private void readAnswer(RoutingContext ctx, Optional<? extends IBaseResource> found, String what) {
        if (found.isPresent()) {
            send(ctx, 200, found.get());
        } else {
            // The same answer whether it does not exist or the caller has no care relation: nothing leaks.
            outcome(ctx, 404, OperationOutcome.IssueType.NOTFOUND, what + " is not known");
        }
    }

    private void bundle(RoutingContext ctx, List<Resource> found) {
        bundle(ctx, found, false);
    }

    /** @param maybeMore the search stopped at _count: the total is not known, so the bundle gives none */
    private void bundle(RoutingContext ctx, List<Resource> found, boolean maybeMore) {
        Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        if (!maybeMore) {
            b.setTotal(found.size());
        }
        b.addLink().setRelation("self").setUrl(base + query(ctx).substring("/fhir".length()));
        for (Resource r : found) {
            b.addEntry()
                    .setFullUrl(
                            base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart())
                    .setResource(r)
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        // A thousand Observations take tens of milliseconds to encode: not on the event loop.
        api.vertx()
                .executeBlocking(() -> fhir.newJsonParser().encodeResourceToString(b), false)
                .onSuccess(json -> {
                    if (!ctx.response().ended()) {
                        ctx.response()
                                .setStatusCode(200)
                                .putHeader("content-type", FHIR_JSON)
                                .end(json);
                    }
                })
                .onFailure(ctx::fail);
    }

    private void failure(RoutingContext ctx) {
        Throwable f = ctx.failure();
        if (f instanceof IllegalArgumentException) {
            outcome(ctx, 400, OperationOutcome.IssueType.INVALID, f.getMessage());
        } else if (f instanceof CareAccess.NoCareRelation) {
            outcome(ctx, 404, OperationOutcome.IssueType.NOTFOUND, f.getMessage());
        } else {
            LOG.error(
                    "{} {} failed: {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    f == null ? "" : f.getMessage(),
                    f);
            outcome(
                    ctx,
                    ctx.statusCode() > 0 && ctx.statusCode() != 500 ? ctx.statusCode() : 500,
                    OperationOutcome.IssueType.EXCEPTION,
                    "internal error; see the ingest's log");
        }
    }

    private void outcome(RoutingContext ctx, int status, OperationOutcome.IssueType type, String problem) {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(type)
                .setDiagnostics(problem);
        send(ctx, status, oo);
    }

    private void send(RoutingContext ctx, int status, IBaseResource resource) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", FHIR_JSON)
                .end(fhir.newJsonParser().encodeResourceToString(resource));
    }

    private static String query(RoutingContext ctx) {
        String q = ctx.request().query();
        return ctx.normalizedPath() + (q == null ? "" : "?" + q);
    }

    private static Map<String, List<String>> params(RoutingContext ctx) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        ctx.queryParams()
                .forEach(e -> params.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        return params;
    }
}
