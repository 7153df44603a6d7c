package io.nara.ingest.enrolment;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.careplan.DeviceBindings;
import io.nara.ingest.contact.PatientContact;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enrolment over HTTP, for the enrolment page ({@code /enrolment.html}) and the demo:
 *
 * <pre>
 * POST /api/enrolment/patients          {name, nationalId | reserveNumber, teams: [id], respondsFirst?, hubId,
 *                                        householdLabel?, patientId? (a patient the cloud already has), and optionally
 *                                        the contact details (phone, address, careContactName, careContactRole,
 *                                        careContactPhone, sipUrl, sipDate, sipResponsibilities: {@link PatientContact})}
 *                                        -> 201 {patientId, nationalId, householdId, hubId,
 *                                        carePlanVersion}; 400 naming the problem; 403; 409 (enrolled, household full)
 * GET  /api/enrolment/hubs/{hubId}      the household, bindings (in force and retired), devices the hub sees that are
 *                                       not bound (each with the latest readings it sent unbound), config published
 *                                       vs applied ("APPLIED" / "WAITING"), its history
 * POST /api/enrolment/hubs/{hubId}/devices                    {deviceId, model?, patientId?} (none: the household)
 * POST /api/enrolment/hubs/{hubId}/devices/{deviceId}/unbind  an explicit removal
 * POST /api/enrolment/hubs/{hubId}/devices/{deviceId}/replace {newDeviceId, model?}: one history goes on
 * POST /api/enrolment/hubs/{hubId}/pairing                    {minutes?} (default 10): pairing mode on the hub
 * POST /api/enrolment/patients/{id}/end  ends monitoring: 200 {hubId, configVersion, outboxPending, householdEnded}
 * </pre>
 * Device changes answer 200 {configVersion}, 404 for a hub of no patient of the caller's teams, 409 for a device bound
 * elsewhere. Reading a hub's page is logged in the access log with its household's patients.
 */
public final class EnrolmentApi implements ApiRoutes {

    private final Enrolment enrolment;
    private final CarePlanService plans;

    public EnrolmentApi(Enrolment enrolment, CarePlanService plans) {
        this.enrolment = enrolment;
        this.plans = plans;
    }

    @Override
    public void mount(Router router, Api api) {
        router.post("/api/enrolment/patients").handler(ctx -> enrol(ctx, api));
        router.get("/api/enrolment/hubs/:hubId").handler(ctx -> hub(ctx, api));
        router.post("/api/enrolment/hubs/:hubId/devices").handler(ctx -> bind(ctx, api));
        router.post("/api/enrolment/hubs/:hubId/devices/:deviceId/unbind").handler(ctx -> unbind(ctx, api));
        router.post("/api/enrolment/hubs/:hubId/devices/:deviceId/replace").handler(ctx -> replace(ctx, api));
        router.post("/api/enrolment/hubs/:hubId/pairing").handler(ctx -> pairing(ctx, api));
        router.post("/api/enrolment/patients/:id/end").handler(ctx -> end(ctx, api));
    }

    private void enrol(RoutingContext ctx, Api api) {
        JsonObject body = api.body(ctx);
        JsonArray teams = body.getJsonArray("teams", new JsonArray());
        List<String> teamIds = new ArrayList<>();
        for (Object t : teams) {
            teamIds.add(String.valueOf(t));
        }
        Enrolment.Request request = new Enrolment.Request(
                body.getString("name"),
                body.getString("nationalId"),
                body.getString("reserveNumber"),
                teamIds,
                body.getString("respondsFirst"),
                body.getString("hubId"),
                body.getString("householdLabel"),
                body.getString("patientId"),
                PatientContact.parse(body));
        enrolment
                .enrol(api.who(ctx), request)
                .onSuccess(e -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("patientId", e.patientId());
                    out.put("name", e.name());
                    out.put("nationalId", e.nationalId().display());
                    out.put("nationalIdKind", e.nationalId().kind());
                    out.put("householdId", e.householdId());
                    out.put("hubId", e.hubId());
                    out.put("carePlanVersion", e.carePlanVersion());
                    api.json(ctx, 201, out);
                })
                .onFailure(e -> failed(ctx, api, e));
    }

    private void bind(RoutingContext ctx, Api api) {
        JsonObject body = api.body(ctx);
        String deviceId = body.getString("deviceId");
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException("deviceId saknas / deviceId is missing");
        }
        enrolment
                .bind(
                        api.who(ctx),
                        ctx.pathParam("hubId"),
                        deviceId.trim(),
                        blankToNull(body.getString("model")),
                        blankToNull(body.getString("patientId")))
                .onSuccess(v -> api.json(ctx, 200, Map.of("configVersion", v)))
                .onFailure(e -> failed(ctx, api, e));
    }

    private void unbind(RoutingContext ctx, Api api) {
        enrolment
                .unbind(api.who(ctx), ctx.pathParam("hubId"), ctx.pathParam("deviceId"))
                .onSuccess(v -> api.json(ctx, 200, Map.of("configVersion", v)))
                .onFailure(e -> failed(ctx, api, e));
    }

    private void replace(RoutingContext ctx, Api api) {
        JsonObject body = api.body(ctx);
        String fresh = body.getString("newDeviceId");
        if (fresh == null || fresh.isBlank()) {
            throw new IllegalArgumentException("newDeviceId saknas / newDeviceId (the new device) is missing");
        }
        enrolment
                .replace(
                        api.who(ctx),
                        ctx.pathParam("hubId"),
                        ctx.pathParam("deviceId"),
                        fresh.trim(),
                        blankToNull(body.getString("model")))
                .onSuccess(v -> api.json(ctx, 200, Map.of("configVersion", v)))
                .onFailure(e -> failed(ctx, api, e));
    }

    private void end(RoutingContext ctx, Api api) {
        enrolment
                .endMonitoring(api.who(ctx), ctx.pathParam("id"))
                .onSuccess(e -> api.json(
                        ctx,
                        200,
                        Map.of(
                                "hubId",
                                e.hubId(),
                                "configVersion",
                                e.configVersion(),
                                "outboxPending",
                                e.outboxPendingAtLastStatus(),
                                "householdEnded",
                                e.householdEnded())))
                .onFailure(e -> failed(ctx, api, e));
    }

    private void pairing(RoutingContext ctx, Api api) {
        int minutes = api.body(ctx).getInteger("minutes", 10);
        enrolment
                .openPairing(api.who(ctx), ctx.pathParam("hubId"), minutes)
                .onSuccess(v -> api.json(ctx, 200, Map.of("configVersion", v)))
                .onFailure(e -> failed(ctx, api, e));
    }

    private void hub(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String hubId = ctx.pathParam("hubId");
        api.db()
                .transaction(c -> {
                    List<String> members = enrolment.requireHubAccess(c, who, hubId);
                    Map<String, Object> view = hubView(c, hubId, members);
                    AccessLog.record(c, who.actor(), "enrolment.hub", members, "hub=" + hubId);
                    return view;
                })
                .onSuccess(view -> api.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    private Map<String, Object> hubView(Connection c, String hubId, List<String> members) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("hubId", hubId);
        Enrolment.householdOfHub(c, hubId)
                .ifPresent(h -> view.put("household", Map.of("id", h.id(), "label", h.label())));
        List<Map<String, Object>> patients = new ArrayList<>();
        for (String p : members) {
            try (PreparedStatement q =
                    c.prepareStatement("SELECT name, national_id, national_id_kind FROM patient " + "WHERE id = ?")) {
                q.setString(1, p);
                try (ResultSet r = q.executeQuery()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("patientId", p);
                    if (r.next()) {
                        row.put("name", r.getString("name"));
                        if (r.getString("national_id") != null) {
                            row.put(
                                    "nationalId",
                                    new NationalId(
                                                    NationalId.Kind.valueOf(r.getString("national_id_kind")),
                                                    r.getString("national_id"))
                                            .display());
                        }
                    }
                    patients.add(row);
                }
            }
        }
        view.put("patients", patients);
        Map<String, Object> config = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT c.version, c.published_version, h.config_applied, "
                + "h.config_applied_at, h.last_seen_at, h.state, h.quarantine_held, h.quarantine_newest_device, "
                + "h.quarantine_newest_problem, h.quarantine_newest_at, h.storage_level, h.storage_thinned_samples, "
                + "h.storage_dropped_readings, h.storage_full, h.storage_records, h.storage_max_records "
                + "FROM (SELECT ?::text AS hub_id) x "
                + "LEFT JOIN hub_config c ON c.hub_id = x.hub_id LEFT JOIN hub h ON h.hub_id = x.hub_id")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                long version = r.getLong("version");
                long applied = r.getLong("config_applied");
                boolean reported = !r.wasNull();
                config.put("version", version);
                config.put("published", r.getLong("published_version"));
                config.put("applied", reported ? applied : null);
                config.put("appliedAt", instant(r.getTimestamp("config_applied_at")));
                config.put("state", version == 0 ? "NONE" : reported && applied >= version ? "APPLIED" : "WAITING");
                view.put("lastSeenAt", instant(r.getTimestamp("last_seen_at")));
                view.put("state", r.getString("state"));
                // What the hub holds in quarantine, as its last status said (null: the hub has not said).
                Map<String, Object> quarantine = null;
                if (r.getObject("quarantine_held") != null) {
                    quarantine = new LinkedHashMap<>();
                    quarantine.put("held", r.getLong("quarantine_held"));
                    quarantine.put("newestDevice", r.getString("quarantine_newest_device"));
                    quarantine.put("newestProblem", r.getString("quarantine_newest_problem"));
                    quarantine.put("newestAt", instant(r.getTimestamp("quarantine_newest_at")));
                }
                view.put("quarantine", quarantine);
                // The hub's outbox storage, as its last status said (null: the hub has not said): whether readings
                // were given up to make room while it could not reach the cloud.
                Map<String, Object> storage = null;
                if (r.getString("storage_level") != null) {
                    storage = new LinkedHashMap<>();
                    storage.put("level", r.getString("storage_level"));
                    storage.put("thinnedSamples", r.getLong("storage_thinned_samples"));
                    storage.put("droppedReadings", r.getLong("storage_dropped_readings"));
                    storage.put("full", r.getBoolean("storage_full"));
                    storage.put("records", r.getLong("storage_records"));
                    storage.put("maxRecords", r.getLong("storage_max_records"));
                }
                view.put("storage", storage);
            }
        }
        try (PreparedStatement q =
                c.prepareStatement("SELECT until FROM hub_pairing WHERE hub_id = ? AND until > now()")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                view.put("pairingUntil", r.next() ? r.getTimestamp("until").toInstant() : null);
            }
        }
        config.put("history", CarePlanService.configHistory(c, hubId, 20));
        view.put("config", config);
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (DeviceBindings.Row row : plans.bindingHistory(c, hubId)) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("deviceId", row.binding().deviceId());
            b.put("model", row.binding().model());
            b.put("patientId", row.binding().patientId());
            b.put("shared", row.binding().shared());
            b.put("boundBy", row.boundBy());
            b.put("boundAt", row.boundAt());
            b.put("retiredBy", row.retiredBy());
            b.put("retiredAt", row.retiredAt());
            b.put("inForce", row.retiredAt() == null);
            bindings.add(b);
        }
        view.put("bindings", bindings);
        List<Map<String, Object>> discovered = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT d.device_id, d.transport, d.name, d.model, d.detail, d.last_seen FROM discovered_device d
                WHERE d.hub_id = ? AND NOT EXISTS (SELECT 1 FROM device_binding b WHERE b.device_id = d.device_id
                                                   AND b.retired_at IS NULL)
                ORDER BY d.last_seen DESC LIMIT 50""")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("deviceId", r.getString("device_id"));
                    d.put("transport", r.getString("transport"));
                    d.put("name", r.getString("name"));
                    d.put("model", r.getString("model"));
                    d.put("detail", r.getString("detail"));
                    d.put("lastSeen", instant(r.getTimestamp("last_seen")));
                    discovered.add(d);
                }
            }
        }
        for (Map<String, Object> d : discovered) {
            d.put("readings", heldReadings(c, hubId, (String) d.get("deviceId")));
        }
        view.put("discovered", discovered);
        return view;
    }

    /**
     * The latest readings the hub holds from a device not bound to anyone (never a patient's observation): what the
     * nurse looks at before she binds it. Read as part of the hub's page, which is access-logged.
     */
    private static List<Map<String, Object>> heldReadings(Connection c, String hubId, String deviceId)
            throws SQLException {
        List<Map<String, Object>> readings = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT code, value, unit, device_time, received_at FROM discovered_reading
                WHERE hub_id = ? AND device_id = ? ORDER BY received_at DESC, code LIMIT 10""")) {
            q.setString(1, hubId);
            q.setString(2, deviceId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> reading = new LinkedHashMap<>();
                    reading.put("code", r.getString("code"));
                    double value = r.getDouble("value");
                    reading.put("value", r.wasNull() ? null : value);
                    reading.put("unit", r.getString("unit"));
                    LocalDateTime deviceTime = r.getObject("device_time", LocalDateTime.class);
                    reading.put("deviceTime", deviceTime == null ? null : deviceTime.toString());
                    reading.put("received", instant(r.getTimestamp("received_at")));
                    readings.add(reading);
                }
            }
        }
        return readings;
    }

    private static void failed(RoutingContext ctx, Api api, Throwable e) {
        if (e instanceof DeviceBindings.AlreadyBound || e instanceof Enrolment.Conflict) {
            api.json(ctx, 409, Map.of("problem", e.getMessage()));
        } else if (e instanceof DeviceBindings.NotBound) {
            api.json(ctx, 404, Map.of("problem", e.getMessage()));
        } else {
            ctx.fail(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
