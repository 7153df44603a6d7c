package io.nara.ingest.rights;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.accesslog.AccessLogSearch;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.PatientSeries;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The patient's rights, for the person who keeps the record: the medically responsible nurse (team role MAS) of an
 * organisation that cares or has cared for the patient, the same people who review her access log
 * ({@link AccessLogSearch#masPatients}). Anyone else is refused (403), the operator too: handing out or destroying a
 * record is the care provider's decision, not IT's.
 * <ul>
 *   <li>{@code GET /api/patients/{id}/extract}: the register extract ({@link RegisterExtract}) as a JSON file to
 *       download; logged ({@code patient.extract});</li>
 *   <li>{@code POST /api/patients/{id}/erase} {@code {reason, ivoDecision?}}: erases her readings from InfluxDB (all
 *       retention policies and measurements) and her rows from PostgreSQL when {@link ErasurePolicy} allows it, and
 *       keeps an audit row ({@code patient_erasure}: who, when, which patient, the basis, counts; never the data);
 *       409 with the reason when it does not. Attempts, refused or not, are logged.</li>
 * </ul>
 */
public final class PatientRightsRoutes implements ApiRoutes {

    private static final ZoneId LOCAL = ZoneId.of("Europe/Stockholm");

    private final InfluxDatabase influx;
    private final WorkerExecutor influxWorker;
    private final Duration journalRetention;

    public PatientRightsRoutes(InfluxDatabase influx, WorkerExecutor influxWorker, Duration journalRetention) {
        this.influx = influx;
        this.influxWorker = influxWorker;
        this.journalRetention = journalRetention;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/patients/:id/extract").handler(ctx -> extract(ctx, api));
        router.post("/api/patients/:id/erase").handler(ctx -> erase(ctx, api));
    }

    /** Throws unless the person is a MAS of an organisation that cares or has cared for the patient. */
    static void requireRecordKeeper(Connection c, Principal who, String patientId) throws SQLException {
        if (who.operator() || who.personId() == null) {
            throw new CareAccess.MissingRole("MAS");
        }
        if (!AccessLogSearch.masPatients(c, who).contains(patientId) || !exists(c, patientId)) {
            throw new CareAccess.NoCareRelation(patientId);
        }
    }

    private static boolean exists(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM patient WHERE id = ? FOR UPDATE")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private void extract(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    requireRecordKeeper(c, who, patientId);
                    return new JsonObject()
                            .put("format", RegisterExtract.FORMAT)
                            .put("patientId", patientId)
                            .put("createdAt", now.toString())
                            .put("createdBy", who.actor())
                            .put("createdByName", who.name())
                            .put("patient", RegisterExtract.patient(c, patientId))
                            .mergeIn(RegisterExtract.sections(c, patientId));
                })
                .compose(doc -> influxWorker.executeBlocking(
                        () -> doc.put("readings", new PatientSeries(influx, patientId).readAll()), false))
                .compose(doc -> api.db().transaction(c -> {
                    long points = doc.getJsonArray("readings").stream()
                            .mapToLong(
                                    p -> ((JsonObject) p).getJsonArray("points").size())
                            .sum();
                    AccessLog.record(
                            c,
                            who.actor(),
                            "patient.extract",
                            List.of(patientId),
                            "register extract: " + points + " reading points, "
                                    + doc.getJsonArray("alerts").size() + " alerts");
                    return doc;
                }))
                .onSuccess(doc -> {
                    String day = now.atZone(LOCAL).toLocalDate().toString();
                    ctx.response()
                            .setStatusCode(200)
                            .putHeader("content-type", "application/json; charset=utf-8")
                            .putHeader(
                                    "content-disposition",
                                    "attachment; filename=\"registerutdrag-"
                                            + patientId.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + day + ".json\"")
                            .end(doc.encodePrettily());
                })
                .onFailure(ctx::fail);
    }

    private record Request(String reason, String ivoDecision) {}

    private void erase(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patientId = ctx.pathParam("id");
        JsonObject body = api.body(ctx);
        Request request = new Request(text(body, "reason"), text(body, "ivoDecision"));
        if (request.reason() == null) {
            throw new IllegalArgumentException("ange skälet / 'reason' is required: why the record is erased");
        }
        Instant now = api.now();
        PatientSeries series = new PatientSeries(influx, patientId);
        api.db()
                .transaction(c -> {
                    requireRecordKeeper(c, who, patientId);
                    return null;
                })
                .compose(v -> influxWorker.executeBlocking(series::newest, false))
                .compose(newest -> api.db().transaction(c -> {
                    ErasurePolicy.Decision d = ErasurePolicy.decide(
                            PatientErasure.facts(c, patientId, newest), now, journalRetention, request.ivoDecision());
                    AccessLog.record(
                            c,
                            who.actor(),
                            d.allowed() ? "patient.erase" : "patient.erase.refused",
                            List.of(patientId),
                            d.allowed() ? d.basis() : d.refusal());
                    return d;
                }))
                .compose(d -> {
                    if (!d.allowed()) {
                        api.json(ctx, 409, Map.of("problem", d.refusal()));
                        return Future.succeededFuture();
                    }
                    // InfluxDB first: should PostgreSQL fail after it, the patient is still there and a retry finishes.
                    return influxWorker
                            .executeBlocking(series::drop, false)
                            .compose(points -> api.db().transaction(c -> {
                                requireRecordKeeper(c, who, patientId);
                                if (PatientErasure.facts(c, patientId, null).monitored()) {
                                    throw new IllegalStateException("monitoring started again during the erasure");
                                }
                                Map<String, Integer> removed = PatientErasure.delete(c, patientId);
                                JsonObject counts = new JsonObject().put("readingPoints", points);
                                removed.forEach(counts::put);
                                try (PreparedStatement i = c.prepareStatement(
                                        "INSERT INTO patient_erasure (patient_id, erased_by, "
                                                + "erased_at, basis, reason, removed) VALUES (?, ?, ?, ?, ?, ?::jsonb)")) {
                                    i.setString(1, patientId);
                                    i.setString(2, who.actor());
                                    i.setTimestamp(3, Timestamp.from(now));
                                    i.setString(4, d.basis());
                                    i.setString(5, request.reason());
                                    i.setString(6, counts.encode());
                                    i.executeUpdate();
                                }
                                AccessLog.record(c, who.actor(), "patient.erased", List.of(patientId), d.basis());
                                return new JsonObject()
                                        .put("patientId", patientId)
                                        .put("erasedAt", now.toString())
                                        .put("erasedBy", who.actor())
                                        .put("basis", d.basis())
                                        .put("removed", counts);
                            }))
                            .onSuccess(answer -> ctx.response()
                                    .setStatusCode(200)
                                    .putHeader("content-type", "application/json; charset=utf-8")
                                    .end(answer.encode()))
                            .mapEmpty();
                })
                .onFailure(ctx::fail);
    }

    private static String text(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return v == null || ((String) v).isBlank() ? null : ((String) v).strip();
    }
}
