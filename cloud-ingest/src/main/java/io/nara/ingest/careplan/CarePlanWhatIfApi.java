package io.nara.ingest.careplan;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.web.ApiRoutes;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.InvalidCarePlanException;
import io.nara.protocol.message.Observation;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.replay.Replay;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a changed care plan would have raised, before a doctor saves it: the plan in force and the edited one replayed
 * ({@link Replay}, the hub's engine) over the patient's stored readings of the last 30 and 90 days, in time order.
 * Alert burden is seen before it reaches the nurse. Reading patient data: care relation required, each call logged.
 *
 * <pre>
 * POST /api/patients/{id}/careplan/what-if   {plan} -> 200 {windows: [{days, from, to, readings,
 *                                               current: {version, alerts, episodes, perRule}, proposed: {...}}]};
 *                                               400 {problem, problems}; 404 (no care relation, or no plan)
 * </pre>
 * The readings before a window are read too (as far back as the plans' longest look-back) so that a window's first
 * days are judged with the history the hub had. At most the newest 5000 readings are read (ObservationStore); the
 * answer's {@code from} says where they began.
 */
public final class CarePlanWhatIfApi implements ApiRoutes {

    static final List<Integer> WINDOWS = List.of(30, 90);

    private final CarePlanService plans;
    private final ObservationStore observations;
    private final WorkerExecutor influxWorker;

    public CarePlanWhatIfApi(CarePlanService plans, ObservationStore observations, WorkerExecutor influxWorker) {
        this.plans = plans;
        this.observations = observations;
        this.influxWorker = influxWorker;
    }

    @Override
    public void mount(Router router, Api api) {
        router.post("/api/patients/:id/careplan/what-if").handler(ctx -> whatIf(ctx, api));
    }

    private void whatIf(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        String patient = ctx.pathParam("id");
        JsonObject body = api.body(ctx);
        if (!(body.getValue("plan") instanceof JsonObject document)) {
            throw new IllegalArgumentException(
                    "plan saknas / plan (the edited care-plan document) must be a JSON object");
        }
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    CareAccess.requireCareRelation(c, who, patient, now);
                    CarePlanService.PlanVersion current = plans.current(c, patient)
                            .orElseThrow(() -> new NoSuchElementException(
                                    "patienten har ingen vårdplan / the patient has no care plan"));
                    AccessLog.record(
                            c,
                            who.actor(),
                            "careplan.whatif",
                            List.of(patient),
                            "current=" + current.version() + " days=" + WINDOWS.get(WINDOWS.size() - 1));
                    return current;
                })
                .compose(current -> {
                    CarePlan proposed = CarePlanApi.read(api, patient, document, current.version());
                    return influxWorker.executeBlocking(() -> compare(current.plan(), proposed, now), false);
                })
                .onSuccess(out -> api.json(ctx, 200, out))
                .onFailure(e -> {
                    if (e instanceof InvalidCarePlanException invalid) {
                        api.json(
                                ctx,
                                400,
                                Map.of(
                                        "problem",
                                        "vårdplanen är ogiltig / the care plan is invalid",
                                        "problems",
                                        invalid.problems()));
                    } else if (e instanceof NoSuchElementException missing) {
                        api.json(ctx, 404, Map.of("problem", missing.getMessage()));
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    /** Reads the readings (InfluxDB, a worker thread) and replays both plans over each window. */
    private Map<String, Object> compare(CarePlan current, CarePlan proposed, Instant now) {
        int longest = WINDOWS.get(WINDOWS.size() - 1);
        Duration lookBack = current.historyNeeded().compareTo(proposed.historyNeeded()) > 0
                ? current.historyNeeded()
                : proposed.historyNeeded();
        List<String> codes = Vocabulary.all().stream().map(ClinicalCode::code).toList();
        List<Observation> readings = observations.readings(
                current.patientId(), codes, now.minus(Duration.ofDays(longest)).minus(lookBack), now);
        Replay replay = new Replay();
        List<Map<String, Object>> windows = new ArrayList<>();
        for (int days : WINDOWS) {
            Instant from = now.minus(Duration.ofDays(days));
            Replay.Outcome before = replay.run(current, readings, from);
            Replay.Outcome after = replay.run(proposed, readings, from);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("days", days);
            w.put("from", from);
            w.put("to", now);
            w.put("readings", before.readings());
            w.put("readFrom", readings.isEmpty() ? null : readings.get(0).time());
            w.put("current", view(current, before));
            w.put("proposed", view(proposed, after));
            windows.add(w);
        }
        return Map.of("windows", windows);
    }

    private static Map<String, Object> view(CarePlan plan, Replay.Outcome o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", plan.version());
        out.put("alerts", o.alerts());
        out.put("episodes", o.episodes());
        out.put("perRule", o.perRule());
        return out;
    }
}
