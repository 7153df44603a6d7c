package io.nara.ingest.inbox;

import io.nara.ingest.accesslog.AccessLogSearch;
import io.nara.ingest.alerting.ActionOutcome;
import io.nara.ingest.alerting.AlertActions;
import io.nara.ingest.alerting.AlertFeed;
import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.AlertView;
import io.nara.ingest.alerting.EscalationAction;
import io.nara.ingest.alerting.HandoverPolicy;
import io.nara.ingest.alerting.Outcome;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.observation.Evidence;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.OrganisationKind;
import io.nara.ingest.org.Team;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox: the alerts a person may see, one alert with its trail and evidence, the live stream, and what people do
 * with an alert (acknowledge, hand over, escalate by hand, record an action and its outcome, resolve, snooze), which goes through {@link AlertLifecycle},
 * and the teams an alert may be handed to. Every read of an
 * alert writes an access-log entry in the same transaction.
 */
public final class InboxRoutes implements ApiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(InboxRoutes.class);
    private static final long SSE_HEARTBEAT_MILLIS = 15_000;
    /** How far back the closed-automatically list reaches: a week of alerts nobody saw, for review. */
    private static final Duration AUTO_CLOSED_REVIEW = Duration.ofDays(7);

    /** What PostgreSQL gives the alert card, before InfluxDB is asked for the readings. */
    private record Detail(
            InboxItem alert,
            List<Inbox.TrailEntry> trail,
            List<AlertActions.Action> actions,
            AlertCard.Patient patient,
            AlertCard.Lines lines) {}

    private final AlertLifecycle lifecycle;
    private final Evidence evidence;
    private final CarePlanService plans;
    /** Open alert streams, for the node's metrics. */
    private final AtomicInteger streams = new AtomicInteger();

    public InboxRoutes(AlertLifecycle lifecycle, Evidence evidence, CarePlanService plans) {
        this.lifecycle = lifecycle;
        this.evidence = evidence;
        this.plans = plans;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/alerts/stream").handler(ctx -> alertStream(ctx, api));
        router.get("/api/alerts").handler(ctx -> alerts(ctx, api));
        router.get("/api/inbox").handler(ctx -> {
            int limit = api.limit(ctx);
            String closed = ctx.request().getParam("closed");
            if (closed != null && !closed.equals("auto")) {
                api.json(
                        ctx,
                        400,
                        Map.of(
                                "problem",
                                "closed får bara vara 'auto' / closed must be 'auto' (closed automatically), not "
                                        + closed));
                return;
            }
            Instant now = api.now();
            api.db()
                    .transaction(c -> closed == null
                            ? Inbox.open(c, api.who(ctx), now, limit)
                            : Inbox.autoClosed(c, api.who(ctx), now, now.minus(AUTO_CLOSED_REVIEW), limit))
                    .onSuccess(items -> api.json(ctx, 200, items))
                    .onFailure(ctx::fail);
        });
        router.get("/api/alerts/:id").handler(ctx -> detail(ctx, api));
        router.post("/api/alerts/:id/acknowledge")
                .handler(ctx -> act(ctx, api, lifecycle.acknowledge(api.who(ctx), id(ctx), seenBy(api.who(ctx)))));
        router.post("/api/alerts/:id/handover")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.handOver(
                                api.who(ctx),
                                id(ctx),
                                api.body(ctx).getString("team"),
                                api.body(ctx).getString("note"),
                                seenBy(api.who(ctx)))));
        router.post("/api/alerts/:id/escalate")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.escalateNow(
                                api.who(ctx), id(ctx), api.body(ctx).getString("note"), seenBy(api.who(ctx)))));
        router.get("/api/alerts/:id/handover-targets").handler(ctx -> handoverTargets(ctx, api));
        router.post("/api/alerts/:id/resolve")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.resolve(
                                api.who(ctx),
                                id(ctx),
                                outcome(api.body(ctx).getString("outcome")),
                                api.body(ctx).getString("note"),
                                seenBy(api.who(ctx)))));
        router.post("/api/alerts/:id/actions")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.takeAction(
                                api.who(ctx),
                                id(ctx),
                                action(api.body(ctx).getString("kind")),
                                api.body(ctx).getString("note"),
                                seenBy(api.who(ctx)))));
        router.post("/api/alerts/:id/actions/:action/outcome")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.actionOutcome(
                                api.who(ctx),
                                id(ctx),
                                number(ctx, "action"),
                                actionOutcome(api.body(ctx).getString("outcome")),
                                api.body(ctx).getString("note"),
                                seenBy(api.who(ctx)))));
        router.post("/api/alerts/:id/snooze")
                .handler(ctx -> act(
                        ctx,
                        api,
                        lifecycle.snooze(
                                api.who(ctx),
                                id(ctx),
                                Duration.ofMinutes(api.body(ctx).getLong("minutes", 0L)),
                                seenBy(api.who(ctx)))));
        router.get("/api/teams")
                .handler(ctx -> api.db()
                        .transaction(OrgDirectory::teams)
                        .onSuccess(teams -> api.json(ctx, 200, teams))
                        .onFailure(ctx::fail));
    }

    /** The alert streams (server-sent events) open now. */
    public int sseClients() {
        return streams.get();
    }

    /** A change is allowed on what the person sees in the inbox, and answers with the changed item (logged). */
    private static AlertLifecycle.View<InboxItem> seenBy(Principal who) {
        return new AlertLifecycle.View<>() {
            @Override
            public boolean visible(Connection c, long alertId, Instant now) throws SQLException {
                return Inbox.visible(c, who, alertId, now).isPresent();
            }

            @Override
            public InboxItem read(Connection c, long alertId, Instant now) throws SQLException {
                return Inbox.one(c, who, alertId, now, "alerts.change").orElseThrow();
            }
        };
    }

    private void alerts(RoutingContext ctx, Api api) {
        int limit = api.limit(ctx);
        Principal who = api.who(ctx);
        if (!who.operator()) {
            api.db()
                    .transaction(c -> Inbox.open(c, who, api.now(), limit))
                    .onSuccess(items -> api.json(ctx, 200, items))
                    .onFailure(ctx::fail);
            return;
        }
        api.db()
                .transaction(c -> {
                    List<AlertView> alerts = AlertStore.newest(c, limit);
                    AccessLog.record(
                            c,
                            who.actor(),
                            "alerts.list",
                            alerts.stream().map(AlertView::patientId).toList(),
                            "limit=" + limit);
                    return alerts;
                })
                .onSuccess(alerts -> api.json(ctx, 200, alerts))
                .onFailure(ctx::fail);
    }

    /** A team the alert may be handed to, for the handover form: the kind is for the page to put in words. */
    record Target(
            String id, String name, OrganisationKind organisationKind, Integer escalationStep, boolean careRelation) {}

    /**
     * The teams the alert may be handed to, the escalation target first ({@code escalatesTo}, null when its team has
     * none): seen, and logged, like the alert itself, since they say who cares for the patient.
     */
    private static void handoverTargets(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        long id = id(ctx);
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    Optional<InboxItem> item = Inbox.one(c, who, id, now, "alerts.handover-targets");
                    if (item.isEmpty()) {
                        refused(c, who, id);
                        return null;
                    }
                    List<HandoverPolicy.Target> targets = AlertLifecycle.handoverTargets(c, id, now);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put(
                            "escalatesTo",
                            HandoverPolicy.escalationTarget(targets)
                                    .map(Team::id)
                                    .orElse(null));
                    out.put(
                            "teams",
                            targets.stream()
                                    .map(t -> new Target(
                                            t.team().id(),
                                            t.team().name(),
                                            t.team().organisationKind(),
                                            t.escalationStep(),
                                            t.careRelation()))
                                    .toList());
                    return out;
                })
                .onSuccess(out -> {
                    if (out == null) {
                        api.json(ctx, 404, Map.of("problem", "inget sådant larm / no such alert"));
                    } else {
                        api.json(ctx, 200, out);
                    }
                })
                .onFailure(ctx::fail);
    }

    private void detail(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        long id = id(ctx);
        Instant now = api.now();
        api.db()
                .transaction(c -> {
                    Optional<InboxItem> item = Inbox.one(c, who, id, now, "alerts.detail");
                    if (item.isEmpty()) {
                        refused(c, who, id);
                        return Optional.<Detail>empty();
                    }
                    InboxItem i = item.get();
                    // The card's patient and plan are read under the detail's one access-log entry, which names her.
                    return Optional.of(new Detail(
                            i,
                            Inbox.trail(c, id),
                            AlertActions.of(c, id),
                            AlertCard.patient(c, i, now),
                            AlertCard.lines(c, plans, i)));
                })
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture((Map<String, Object>) null);
                    }
                    Detail d = found.get();
                    return api.vertx()
                            .executeBlocking(
                                    () -> {
                                        Map<String, Object> out = new LinkedHashMap<>();
                                        out.put("alert", d.alert());
                                        out.put("trail", d.trail());
                                        out.put("actions", d.actions());
                                        out.put("patient", d.patient());
                                        // Two reads of InfluxDB: one failing leaves the other, and the card, shown.
                                        try {
                                            out.put("chart", AlertCard.chart(evidence, d.alert(), d.lines(), now));
                                        } catch (RuntimeException e) {
                                            LOG.warn("no chart for alert {}: {}", id, e.getMessage());
                                            out.put("chart", null);
                                        }
                                        try {
                                            out.put(
                                                    "latest",
                                                    AlertCard.latest(
                                                            evidence, d.alert().patientId(), now));
                                        } catch (RuntimeException e) {
                                            LOG.warn("no latest values for alert {}: {}", id, e.getMessage());
                                            out.put("latest", List.of());
                                        }
                                        return out;
                                    },
                                    false);
                })
                .onSuccess(out -> {
                    if (out == null) {
                        api.json(ctx, 404, Map.of("problem", "inget sådant larm / no such alert"));
                    } else {
                        api.json(ctx, 200, out);
                    }
                })
                .onFailure(ctx::fail);
    }

    /**
     * An attempt to open an alert one may not see is logged with the alert's patient, so the MAS of the patient's
     * organisation sees who tried; the answer stays 404 and says nothing of the patient.
     */
    private static void refused(Connection c, Principal who, long alertId) throws SQLException {
        List<String> patients = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT patient_id FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    patients.add(r.getString("patient_id"));
                }
            }
        }
        AccessLog.record(c, who.actor(), "alerts.refused", patients, "alert " + alertId);
    }

    private static void act(RoutingContext ctx, Api api, Future<InboxItem> change) {
        change.onSuccess(item -> api.json(ctx, 200, item)).onFailure(ctx::fail);
    }

    private void alertStream(RoutingContext ctx, Api api) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        Principal who = api.who(ctx);
        // Named in each of its access-log entries, so the access log can show a stream as one line.
        String stream = UUID.randomUUID().toString().substring(0, 8);
        // Each event waits for the one before it, so the stream keeps the order in which alerts arrived.
        Future<?>[] tail = {Future.succeededFuture()};
        MessageConsumer<JsonObject> feed = api.vertx().eventBus().consumer(AlertFeed.ADDRESS, message -> {
            long id = message.body().getLong("id");
            String event = AlertFeed.CREATED.equals(message.body().getString("kind")) ? "alert" : "update";
            tail[0] = tail[0].eventually(() -> push(api, response, who, stream, id, event));
        });
        long heartbeat = api.vertx().setPeriodic(SSE_HEARTBEAT_MILLIS, id -> response.write(": heartbeat\n\n"));
        streams.incrementAndGet();
        response.closeHandler(v -> {
            streams.decrementAndGet();
            api.vertx().cancelTimer(heartbeat);
            feed.unregister();
        });
        feed.completion().onSuccess(v -> response.write(": connected\n\n"));
    }

    /** Sends one alert to one stream if its reader may see it; the access-log entry is written first. */
    private static Future<?> push(
            Api api, HttpServerResponse response, Principal who, String stream, long alertId, String event) {
        return api.db()
                .transaction(c -> {
                    Optional<InboxItem> item = Inbox.visible(c, who, alertId, api.now());
                    if (item.isPresent()) {
                        AccessLog.record(
                                c,
                                who.actor(),
                                "alerts.stream",
                                List.of(item.get().patientId()),
                                "alert " + alertId + ", " + AccessLogSearch.STREAM_MARK + stream);
                    }
                    return item;
                })
                .onSuccess(item -> item.ifPresent(i -> {
                    if (!response.closed()) {
                        response.write("event: " + event + "\nid: " + i.id() + "\ndata: "
                                + api.codec().toJson(i) + "\n\n");
                    }
                }))
                .onFailure(e -> LOG.error("alert {} not streamed: {}", alertId, e.getMessage()));
    }

    /** None chosen (missing or blank) is null, which the lifecycle refuses naming it; an unknown one is named. */
    private static Outcome outcome(String value) {
        try {
            return value == null || value.isBlank() ? null : Outcome.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("okänt utfall / unknown outcome: " + value, e);
        }
    }

    /** None chosen is null, which the lifecycle refuses naming it; an unknown one is named. */
    private static EscalationAction action(String value) {
        try {
            return value == null || value.isBlank() ? null : EscalationAction.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("okänd åtgärd / unknown action: " + value, e);
        }
    }

    private static ActionOutcome actionOutcome(String value) {
        try {
            return value == null || value.isBlank() ? null : ActionOutcome.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("okänt utfall för åtgärden / unknown action outcome: " + value, e);
        }
    }

    private static long id(RoutingContext ctx) {
        return number(ctx, "id");
    }

    private static long number(RoutingContext ctx, String param) {
        try {
            return Long.parseLong(ctx.pathParam(param));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "not an " + (param.equals("id") ? "alert" : param) + " id: " + ctx.pathParam(param));
        }
    }
}
