package io.nara.ingest.unattributed;

import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.EpisodeRaise;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.web.ApiRoutes;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.rules.episode.AlertEvent;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Readings of a shared device that the hub could not attribute, for the nurses of the household:
 * <pre>
 * GET  /api/unattributed                 the waiting readings of the homes whose patients my teams care for (logged)
 * POST /api/unattributed/{id}/assign     {"patientId"}: the reading is that patient's
 * POST /api/unattributed/{id}/dismiss    {"reason"}: the reading is nobody's (a guest stood on the scale)
 * </pre>
 *
 * <p>Assigning claims the reading for the patient (nobody can give it to another meanwhile), writes it to InfluxDB
 * under the patient (the same point a hub's replay writes, so a retry changes nothing), removes the
 * {@code unattributed} copy, and judges it by the patient's care plan: a worrying reading raises an alert routed like
 * any other (origin CLOUD), or, when the patient already has an open alert of that episode, raises that one if it is
 * worse and otherwise notes it in its trail. Who assigned it and when stays on the reading's row.
 */
public final class UnattributedApi implements ApiRoutes {

    private final ObservationStore observations;
    private final WorkerExecutor influxWorker;
    private final CarePlanService plans;
    private final AlertStore alerts;

    public UnattributedApi(
            ObservationStore observations, WorkerExecutor influxWorker, CarePlanService plans, AlertStore alerts) {
        this.observations = observations;
        this.influxWorker = influxWorker;
        this.plans = plans;
        this.alerts = alerts;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/unattributed").handler(ctx -> list(ctx, api));
        router.post("/api/unattributed/:id/assign").handler(ctx -> assign(ctx, api));
        router.post("/api/unattributed/:id/dismiss").handler(ctx -> {
            Principal who = api.who(ctx);
            long id = id(ctx);
            String reason = api.body(ctx).getString("reason");
            api.db()
                    .transaction(c -> {
                        UnattributedReadings.dismiss(c, who, id, reason, api.now());
                        return null;
                    })
                    .onSuccess(v -> api.json(ctx, 200, Map.of("id", id, "state", "DISMISSED")))
                    .onFailure(ctx::fail);
        });
    }

    private void list(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        api.db()
                .transaction(c -> {
                    List<UnattributedReadings.View> waiting = UnattributedReadings.waiting(c, who, api.now());
                    AccessLog.record(
                            c,
                            who.actor(),
                            "unattributed.list",
                            waiting.stream()
                                    .flatMap(
                                            w -> w.candidates().stream().map(UnattributedReadings.Candidate::patientId))
                                    .toList(),
                            "readings=" + waiting.size());
                    return waiting;
                })
                .onSuccess(waiting -> api.json(ctx, 200, waiting))
                .onFailure(ctx::fail);
    }

    /** The claim and what the rules need, read in the claiming transaction. */
    private record Claimed(UnattributedReadings.Kept kept, Optional<CarePlanService.PlanVersion> plan) {}

    private void assign(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        long id = id(ctx);
        String patientId = api.body(ctx).getString("patientId");
        api.db()
                .transaction(c -> {
                    UnattributedReadings.Kept kept = UnattributedReadings.claim(c, who, id, patientId, api.now());
                    return new Claimed(kept, plans.current(c, patientId));
                })
                .compose(claimed -> {
                    UnattributedReadings.Kept kept = claimed.kept();
                    if (kept.state().equals("ASSIGNED")) {
                        return Future.succeededFuture(answer(kept, kept.alertIds(), "already assigned"));
                    }
                    Observation reading = new Observation(
                            kept.observation().seq(),
                            patientId,
                            kept.observation().deviceId(),
                            kept.observation().code(),
                            kept.observation().value(),
                            kept.observation().unit(),
                            kept.observation().effective(),
                            kept.observation().received(),
                            kept.observation().flags());
                    return influxWorker
                            .<List<Observation>>executeBlocking(
                                    () -> {
                                        // The history is read before anything else happens to the reading; the judge
                                        // ignores the reading
                                        // itself should a retry have written it already.
                                        List<Observation> history = claimed.plan()
                                                .map(p -> observations.readings(
                                                        patientId,
                                                        AssignedReadingRules.codesToRead(p.plan(), reading.code()),
                                                        reading.time()
                                                                .minus(p.plan().historyNeeded()),
                                                        api.now()))
                                                .orElse(List.of());
                                        observations.write(kept.hubId(), kept.outbox(), reading);
                                        observations.deleteUnattributed(kept.hubId(), kept.observation());
                                        return history;
                                    },
                                    false)
                            .compose(history -> api.db().transaction(c -> {
                                Optional<List<Long>> done = UnattributedReadings.finishedAlready(c, id);
                                if (done.isPresent()) {
                                    return answer(kept, done.get(), "already assigned");
                                }
                                List<Long> raised = new ArrayList<>();
                                String note;
                                if (claimed.plan().isEmpty()) {
                                    note = "no care plan: judged by no rule";
                                } else {
                                    CarePlan plan = claimed.plan().get().plan();
                                    List<AlertEvent> events =
                                            AssignedReadingRules.raised(plan, history, reading, api.now());
                                    for (AlertEvent event : events) {
                                        raise(c, who, kept, event, api.now()).ifPresent(raised::add);
                                    }
                                    note = "judged by care plan version " + plan.version() + ": " + events.size()
                                            + " rule(s) hold";
                                }
                                UnattributedReadings.assigned(c, id, raised);
                                return answer(kept, raised, note);
                            }));
                })
                .onSuccess(out -> api.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    /**
     * An alert for a rule the assigned reading breaks. When the patient has an open alert of the episode (the hub's),
     * a worse reading raises it (stored as ESCALATED into that episode, which routing turns into a raise) and an equal
     * or milder one is noted in its trail; otherwise a new episode's alert is stored and routed. The alert's id, if
     * one was stored.
     */
    private Optional<Long> raise(
            Connection c, Principal who, UnattributedReadings.Kept kept, AlertEvent event, Instant now)
            throws SQLException {
        String key = event.episode().substring(0, event.episode().lastIndexOf('@'));
        String note = "tilldelat av / assigned by " + who.actor() + ": reading "
                + kept.observation().seq() + " of device " + kept.observation().deviceId() + " from hub "
                + kept.hubId();
        Optional<EpisodeRaise.Open> open = EpisodeRaise.openOf(c, event.patientId(), key, null);
        Alert alert = event.toAlert(1, now);
        if (open.isPresent()) {
            if (!event.severity().isWorseThan(open.get().severity())) {
                AlertLifecycle.readingAssigned(
                        c,
                        open.get().alertId(),
                        now,
                        who.actor(),
                        note + "; also " + event.ruleId() + ": " + event.message(),
                        true);
                return Optional.empty();
            }
            alert = new Alert(
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
        }
        Optional<Long> stored = alerts.storeCloud(c, kept.hubId(), alert);
        if (stored.isPresent()) {
            AlertLifecycle.readingAssigned(c, stored.get(), now, who.actor(), note, false);
        }
        return stored;
    }

    private static Map<String, Object> answer(UnattributedReadings.Kept kept, List<Long> alertIds, String note) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", kept.id());
        out.put("patientId", kept.patientId());
        out.put("state", "ASSIGNED");
        out.put("alerts", alertIds);
        out.put("note", note);
        return out;
    }

    private static long id(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a reading id: " + ctx.pathParam("id"));
        }
    }
}
