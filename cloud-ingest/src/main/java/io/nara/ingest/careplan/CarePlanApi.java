package io.nara.ingest.careplan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.web.ApiRoutes;
import io.nara.ingest.web.Signal;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.InvalidCarePlanException;
import io.nara.protocol.careplan.PlanProblem;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The patient's care plan over HTTP, for the clinic's patient page: read it and its history (anyone caring for the
 * patient; each read logged), and save a new version (a doctor of a team caring for the patient, starting from the
 * version in force). A save goes through {@link CarePlanService#save}, so it gets its history row and reaches the
 * hub retained like any other.
 *
 * <pre>
 * GET /api/patients/{id}/careplan          200 {version, plan, changedBy, changedByName, changedAt, reason,
 *                                          signals: {code: {name: {sv, en}, unit}}}; 404 when there is none
 * GET /api/patients/{id}/careplan/history  200 [{version, changedBy, changedByName, changedAt, reason, plan}],
 *                                          newest first
 * PUT /api/patients/{id}/careplan          {basedOnVersion, plan, reason} -> 200 {version};
 *                                          400 {problem, problems: [{field, message}]}; 403; 404; 409
 * </pre>
 *
 * <p>A change needs its reason (the doctor's form asks for it; the history shows it beside the change), so a blank one
 * is refused as a problem of the field {@code reason}. {@code signals} names, in both languages and with the unit,
 * every signal the plan looks at: the form shows each rule's numbers in the patient's units without a vocabulary of
 * its own.
 */
public final class CarePlanApi implements ApiRoutes {

    private static final String REASON = "reason";

    private final CarePlanService plans;

    public CarePlanApi(CarePlanService plans) {
        this.plans = plans;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/patients/:id/careplan").handler(ctx -> current(ctx, api));
        router.get("/api/patients/:id/careplan/history").handler(ctx -> history(ctx, api));
        router.put("/api/patients/:id/careplan").handler(ctx -> save(ctx, api));
    }

    private void current(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patient = ctx.pathParam("id");
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patient, api.now());
                    Optional<CarePlanService.PlanVersion> plan = plans.current(c, patient);
                    AccessLog.record(
                            c,
                            who.actor(),
                            "careplan.read",
                            List.of(patient),
                            plan.map(p -> "version=" + p.version()).orElse("none"));
                    if (plan.isEmpty()) {
                        return Optional.<Map<String, Object>>empty();
                    }
                    Map<String, Object> out = view(plan.get(), names(c, List.of(plan.get())));
                    out.put("signals", signals(plan.get().plan()));
                    return Optional.of(out);
                })
                .onSuccess(plan ->
                        api.jsonOrNotFound(ctx, plan, "patienten har ingen vårdplan / the patient has no care plan"))
                .onFailure(ctx::fail);
    }

    private void history(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patient = ctx.pathParam("id");
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patient, api.now());
                    List<CarePlanService.PlanVersion> versions = plans.history(c, patient);
                    AccessLog.record(
                            c, who.actor(), "careplan.history", List.of(patient), "versions=" + versions.size());
                    Map<String, String> names = names(c, versions);
                    List<Map<String, Object>> newestFirst = new ArrayList<>();
                    for (int i = versions.size() - 1; i >= 0; i--) {
                        newestFirst.add(view(versions.get(i), names));
                    }
                    return newestFirst;
                })
                .onSuccess(list -> api.json(ctx, 200, list))
                .onFailure(ctx::fail);
    }

    private void save(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patient = ctx.pathParam("id");
        JsonObject body = api.body(ctx);
        Object based = body.getValue("basedOnVersion");
        if (!(based instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 0) {
            throw new IllegalArgumentException("basedOnVersion saknas / basedOnVersion (the version the edit started "
                    + "from, 0 for a first plan) must be a whole number, was " + based);
        }
        int basedOn = n.intValue();
        if (!(body.getValue("plan") instanceof JsonObject document)) {
            throw new IllegalArgumentException("plan saknas / plan (the care-plan document) must be a JSON object");
        }
        String reason = body.getValue("reason") instanceof String r ? r.strip() : "";
        api.db()
                .transaction(c -> {
                    CareAccess.requireRole(c, who, patient, "DOCTOR", api.now());
                    return CarePlanService.hubOf(c, patient)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "ingen hubb är kopplad till patienten / no hub is bound to the patient yet"));
                })
                .compose(hub ->
                        plans.save(hub, read(api, patient, document, basedOn, reason), who.actor(), reason, basedOn))
                .onSuccess(saved -> api.json(ctx, 200, Map.of("version", saved.version())))
                .onFailure(e -> {
                    if (e instanceof InvalidCarePlanException invalid) {
                        boolean onlyReason = invalid.problems().stream().allMatch(p -> REASON.equals(p.field()));
                        api.json(
                                ctx,
                                400,
                                Map.of(
                                        "problem",
                                        onlyReason
                                                ? "skäl saknas / a reason is missing"
                                                : "vårdplanen är ogiltig / the care plan is invalid",
                                        "problems",
                                        invalid.problems()));
                    } else if (e instanceof CarePlanService.StaleVersion stale) {
                        api.json(ctx, 409, Map.of("problem", stale.getMessage(), "currentVersion", stale.current()));
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    /**
     * The editor's document as a plan of this patient, with the change's reason: a blank reason is one more problem
     * beside the plan's own (field {@code reason}), so the doctor is told everything at once.
     */
    static CarePlan read(Api api, String patient, JsonObject document, int basedOn, String reason) {
        List<PlanProblem> problems = new ArrayList<>();
        CarePlan plan = null;
        try {
            plan = read(api, patient, document, basedOn);
        } catch (InvalidCarePlanException e) {
            problems.addAll(e.problems());
        }
        if (reason == null || reason.isBlank()) {
            problems.add(new PlanProblem(
                    REASON, "ange varför planen ändras / say why the plan changes (the history shows it)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidCarePlanException(problems);
        }
        return plan;
    }

    /**
     * The editor's document as a plan of this patient. The version is the service's to give, so the editor need not
     * send one; a document naming another patient is refused rather than saved under the wrong one.
     */
    static CarePlan read(Api api, String patient, JsonObject document, int basedOn) {
        JsonNode tree = api.codec().tree(document.encode());
        ObjectNode plan = (ObjectNode) tree;
        JsonNode named = plan.get("patientId");
        if (named != null && !named.isNull() && !patient.equals(named.asText())) {
            throw new InvalidCarePlanException(List.of(new PlanProblem(
                    "patientId",
                    "planen gäller " + named.asText() + ", inte " + patient + " / the plan is for " + named.asText()
                            + ", not " + patient)));
        }
        plan.put("patientId", patient);
        plan.put("version", Integer.toString(basedOn + 1));
        return api.codec().readCarePlan(plan);
    }

    private static Map<String, Object> view(CarePlanService.PlanVersion v, Map<String, String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", v.version());
        out.put("plan", v.plan());
        out.put("changedBy", v.changedBy());
        if (names.containsKey(v.changedBy())) {
            out.put("changedByName", names.get(v.changedBy()));
        }
        out.put("changedAt", v.changedAt());
        if (v.reason() != null) {
            out.put("reason", v.reason());
        }
        return out;
    }

    /** The names of the people who saved the versions, by actor ({@code person:<id>}); others have none. */
    private static Map<String, String> names(Connection c, List<CarePlanService.PlanVersion> versions)
            throws SQLException {
        Set<String> actors = new TreeSet<>();
        versions.forEach(v -> actors.add(v.changedBy()));
        Map<String, String> names = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT 'person:' || id AS actor, name FROM person WHERE 'person:' || id = ANY (?)")) {
            q.setArray(1, c.createArrayOf("text", actors.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    names.put(r.getString("actor"), r.getString("name"));
                }
            }
        }
        return names;
    }

    /** Every signal the plan's rules and measurements name: its name in both languages and its unit. */
    private static Map<String, Object> signals(CarePlan plan) {
        Set<String> codes = new TreeSet<>();
        plan.allRules().forEach(r -> codes.addAll(r.codes()));
        plan.expected().forEach(e -> codes.add(e.code()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String code : codes) {
            Signal name = Signal.of(code);
            out.put(
                    code,
                    Map.of(
                            "name",
                            name,
                            "unit",
                            Vocabulary.byCode(code).map(ClinicalCode::ucum).orElse("")));
        }
        return out;
    }
}
