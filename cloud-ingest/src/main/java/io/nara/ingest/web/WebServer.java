package io.nara.ingest.web;

import io.nara.ingest.Health;
import io.nara.ingest.access.CareAccess;
import io.nara.ingest.alert.AlertFeed;
import io.nara.ingest.alert.AlertStore;
import io.nara.ingest.alert.AlertView;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.JournalClients;
import io.nara.ingest.auth.Sessions;
import io.nara.ingest.db.Database;
import io.nara.ingest.inbox.AlertActions;
import io.nara.ingest.inbox.ChangeFeed;
import io.nara.ingest.inbox.Evidence;
import io.nara.ingest.inbox.Inbox;
import io.nara.ingest.inbox.InboxItem;
import io.nara.ingest.inbox.Outcome;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.org.OrgImport;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.routing.AlertingSettings;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app and API. Public: {@code GET /health}, {@code POST /api/signin}, the page and its assets. Everything else
 * needs a signed-in person or the operator key ({@link Auth}). Every read of patient data writes an access-log entry in
 * the same transaction. The table of endpoints is in cloud-ingest/README.md.
 */
public final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final long SSE_HEARTBEAT_MILLIS = 15_000;
    private static final int MAX_LIMIT = 500;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

    /** What the inbox needs besides the database. */
    public record Alerting(Clock clock, AlertingSettings settings, Sessions sessions, AlertActions actions,
                           Evidence evidence) {
    }

    private final Vertx vertx;
    /** Open alert streams, for the node's metrics. */
    private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
    private final MessageCodec codec;
    private final Database db;
    private final Auth auth;
    private final Supplier<Health> health;
    private final Alerting alerting;
    private final List<ApiRoutes> features;
    /** The helpers every route handler shares, the web server's own included. */
    private final ApiRoutes.Api api;
    private HttpServer server;
    private HttpServer redirectServer;
    private Router router;

    /** @param features the parts of the API beyond the inbox (patient page, worklist, FHIR, ...) */
    public WebServer(Vertx vertx, MessageCodec codec, Database db, String apiKey, Supplier<Health> health,
                     Alerting alerting, List<ApiRoutes> features) {
        this.vertx = vertx;
        this.codec = codec;
        this.db = db;
        this.auth = new Auth(apiKey, alerting.sessions(), new JournalClients(db),
                alerting.settings().secureCookies());
        this.health = health;
        this.alerting = alerting;
        this.features = List.copyOf(features);
        this.api = new ApiRoutes.Api(vertx, db, codec, alerting.clock());
    }

    /** Plain HTTP (tests, and development behind nothing). */
    public Future<HttpServer> listen(String host, int port) {
        return listen(host, port, null);
    }

    /**
     * @param tls HTTPS with the organisation's certificate and a port that only redirects to it; null for plain HTTP.
     *            A keystore that cannot serve (missing, wrong password, expired) fails the start, naming it.
     */
    public Future<HttpServer> listen(String host, int port, WebTls tls) {
        return vertx.executeBlocking(() -> {
            if (tls != null) {
                tls.check(alerting.clock().instant());
            }
            return HttpHardening.inlineScriptHashes(WebServer.class.getClassLoader());
        }, false).compose(hashes -> serve(host, port, new HttpHardening(hashes, tls != null), tls))
                .compose(s -> tls == null || tls.redirectPort() < 0 ? Future.succeededFuture(s)
                        : redirectToHttps(host, tls.redirectPort()).map(s));
    }

    /**
     * Plain HTTP that only redirects: every request, whatever its method, to the same path at the configured public
     * (HTTPS) address, never to the Host the client sent.
     */
    private Future<HttpServer> redirectToHttps(String host, int port) {
        String target = alerting.settings().inboxUrl().replaceAll("/+$", "");
        return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                        .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds()))
                .requestHandler(request -> request.response().setStatusCode(301)
                        .putHeader("Location", target + request.uri()).putHeader("Connection", "close").end())
                .listen(port, host).onSuccess(s -> redirectServer = s);
    }

    /** The plain-HTTP port that redirects to HTTPS, or -1 without one. */
    public int redirectPort() {
        return redirectServer == null ? -1 : redirectServer.actualPort();
    }

    private Future<HttpServer> serve(String host, int port, HttpHardening hardening, WebTls tls) {
        Router router = Router.router(vertx);
        this.router = router;
        router.route().handler(hardening);
        router.get("/health").handler(ctx -> {
            Health h = health.get();
            api.json(ctx, h.healthy() ? 200 : 503, h);
        });
        router.route("/api/*").handler(BodyHandler.create().setBodyLimit(1 << 20));
        router.post("/api/signin").handler(this::signIn);
        router.route("/api/*").handler(auth);
        router.route("/fhir/*").handler(BodyHandler.create().setBodyLimit(1 << 20));
        router.route("/fhir/*").handler(auth);
        // A relative is signed in like the staff but may use only what is theirs; everything else, including the
        // routes other features add later, is closed to them here, in one place.
        router.route("/api/*").handler(this::relativesOnlyTheirs);
        router.route("/fhir/*").handler(this::relativesOnlyTheirs);
        router.post("/api/signout").handler(this::signOut);
        router.get("/api/me").handler(ctx -> {
            Principal who = api.who(ctx);
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("personId", who.personId());
            me.put("name", who.name());
            me.put("teams", who.teams());
            me.put("operator", who.operator());
            me.put("relative", who.relative());
            me.put("csrfToken", who.csrfToken());
            api.json(ctx, 200, me);
        });
        router.post("/api/me/password").handler(this::changePassword);
        router.get("/api/alerts/stream").handler(this::alertStream);
        router.get("/api/alerts").handler(this::alerts);
        router.get("/api/inbox").handler(ctx -> {
            int limit = limit(ctx);
            db.transaction(c -> Inbox.open(c, api.who(ctx), now(), limit)).onSuccess(items -> api.json(ctx, 200, items))
                    .onFailure(ctx::fail);
        });
        router.get("/api/alerts/:id").handler(this::detail);
        router.post("/api/alerts/:id/acknowledge").handler(ctx -> act(ctx,
                alerting.actions().acknowledge(api.who(ctx), id(ctx))));
        router.post("/api/alerts/:id/handover").handler(ctx -> act(ctx, alerting.actions().handOver(api.who(ctx), id(ctx),
                api.body(ctx).getString("team"), api.body(ctx).getString("note"))));
        router.post("/api/alerts/:id/resolve").handler(ctx -> act(ctx, alerting.actions().resolve(api.who(ctx), id(ctx),
                outcome(api.body(ctx).getString("outcome")), api.body(ctx).getString("note"))));
        router.post("/api/alerts/:id/snooze").handler(ctx -> act(ctx, alerting.actions().snooze(api.who(ctx), id(ctx),
                Duration.ofMinutes(api.body(ctx).getLong("minutes", 0L)))));
        router.get("/api/teams").handler(ctx -> db.transaction(OrgDirectory::teams)
                .onSuccess(teams -> api.json(ctx, 200, teams)).onFailure(ctx::fail));
        router.get("/api/rejected").handler(ctx -> operatorOnly(ctx, () -> db.transaction(c -> {
            // Refused payloads are kept whole and may carry readings: reading them is logged like any other read.
            List<RejectedMessages.Rejected> rows = RejectedMessages.newest(c, limit(ctx));
            AccessLog.record(c, api.who(ctx).actor(), "rejected.list", List.of(), rows.size() + " refused payloads");
            return rows;
        }).onSuccess(rows -> api.json(ctx, 200, rows)).onFailure(ctx::fail)));
        router.get("/api/notifications/dead").handler(ctx -> operatorOnly(ctx, () -> deadLetters(ctx)));
        router.post("/api/admin/organisation").handler(ctx -> operatorOnly(ctx, () -> db.transaction(c -> {
            OrgImport.apply(c, api.body(ctx), "operator", now());
            return null;
        }).onSuccess(v -> api.json(ctx, 200, Map.of("imported", true))).onFailure(ctx::fail)));
        features.forEach(feature -> feature.mount(router, api));
        router.route("/*").handler(StaticHandler.create("web"));
        router.route().failureHandler(ctx -> {
            Throwable f = ctx.failure();
            int code = f instanceof AlertActions.Refused r ? r.status()
                    : f instanceof CareAccess.NoCareRelation ? 404
                    : f instanceof CareAccess.MissingRole ? 403
                    : f instanceof IllegalArgumentException || f instanceof io.vertx.core.json.DecodeException ? 400
                    : ctx.statusCode() != -1 ? ctx.statusCode() : 500;
            if (code >= 500) {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(),
                        f == null ? "" : f.getMessage(), f);
            }
            api.json(ctx, code, Map.of("problem", code >= 500 ? "internal error; see the ingest's log"
                    : String.valueOf(f == null ? "bad request" : f.getMessage())));
        });
        // A connection that sends no complete request head within HEADER_TIMEOUT, or stays silent for IDLE_TIMEOUT
        // (the live stream's heartbeat keeps it busy), is closed: slow clients cannot hold connections open.
        Map<io.vertx.core.http.HttpConnection, Long> waitingForHead = new java.util.concurrent.ConcurrentHashMap<>();
        io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions()
                .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds())
                .setMaxHeaderSize(8 * 1024).setMaxInitialLineLength(4 * 1024)
                // No h2c: with it Vert.x makes the connection only once a request head is complete, so the head
                // timeout below could not start at connect. Browsers never speak h2c.
                .setHttp2ClearTextEnabled(false);
        if (tls != null) {
            options.setSsl(true).setSslHandshakeTimeout(HEADER_TIMEOUT.toSeconds()).setKeyCertOptions(
                    new io.vertx.core.net.PfxOptions().setPath(tls.keystore().toString()).setPassword(tls.password()));
        }
        return vertx.createHttpServer(options)
                .connectionHandler(connection -> {
                    waitingForHead.put(connection, vertx.setTimer(HEADER_TIMEOUT.toMillis(), id -> {
                        if (waitingForHead.remove(connection) != null) {
                            connection.close();
                        }
                    }));
                    connection.closeHandler(v -> {
                        Long timer = waitingForHead.remove(connection);
                        if (timer != null) {
                            vertx.cancelTimer(timer);
                        }
                    });
                })
                .requestHandler(request -> {
                    Long timer = waitingForHead.remove(request.connection());
                    if (timer != null) {
                        vertx.cancelTimer(timer);
                    }
                    router.handle(request);
                })
                .listen(port, host).onSuccess(s -> server = s);
    }

    public int port() {
        return server.actualPort();
    }

    /**
     * Every route the router has, as {@code "METHOD /path"} (path parameters as {@code :name}), in mounting order: a
     * route for any method (authentication, body limits, static files, a catch-all) as {@code "* /path"}, a regex
     * route as {@code "METHOD (regex)"}, one for every path (the failure handler) as {@code "* (any path)"}. For
     * system-tests' ApiAccessIT, which fails when an endpoint under /api/ or /fhir/ has no access rule in its table.
     * Empty before {@link #listen}.
     */
    public List<String> routes() {
        if (router == null) {
            return List.of();
        }
        List<String> routes = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath() != null ? route.getPath() : route.isRegexPath() ? "(regex)" : "(any path)";
            if (route.methods() == null || route.methods().isEmpty()) {
                routes.add("* " + path);
            } else {
                route.methods().stream().map(m -> m.name() + " " + path).sorted().forEach(routes::add);
            }
        }
        return routes;
    }

    private void signIn(RoutingContext ctx) {
        // Login CSRF: a sign-in form posted from another site would sign the nurse in as someone else. A form or a
        // sandboxed page (Origin: null) cannot send JSON without a preflight we never grant, so JSON only.
        String origin = ctx.request().getHeader("Origin");
        io.vertx.core.net.HostAndPort authority = ctx.request().authority();
        String host = authority == null ? null
                : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        if (origin != null && (host == null || !(origin.equalsIgnoreCase("http://" + host)
                || origin.equalsIgnoreCase("https://" + host)))) {
            Auth.refuse(ctx, 403, "fel ursprung / wrong origin");
            return;
        }
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).strip()
                .matches("application/json\\s*(;.*)?")) {
            Auth.refuse(ctx, 415, "inloggning tar bara JSON / sign-in takes application/json only");
            return;
        }
        JsonObject body = api.body(ctx);
        alerting.sessions().signIn(text(body, "username"), text(body, "password"),
                        ctx.request().remoteAddress().hostAddress())
                .onSuccess(opened -> {
                    ctx.response().addCookie(auth.sessionCookie(opened.token(),
                            alerting.settings().sessionLength().toSeconds()));
                    Principal who = opened.principal();
                    Map<String, Object> me = new LinkedHashMap<>();
                    me.put("personId", who.personId());
                    me.put("name", who.name());
                    me.put("teams", who.teams());
                    me.put("relative", who.relative());
                    me.put("csrfToken", who.csrfToken());
                    api.json(ctx, 200, me);
                })
                .onFailure(e -> {
                    if (e instanceof Sessions.Refused) {
                        Auth.refuse(ctx, 401, e.getMessage());
                    } else if (e instanceof io.nara.ingest.auth.SignInThrottle.Throttled t) {
                        ctx.response().putHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
                        Auth.refuse(ctx, 429, t.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void signOut(RoutingContext ctx) {
        Cookie session = ctx.request().getCookie(Auth.SESSION_COOKIE);
        Future<Void> done = session == null ? Future.succeededFuture() : alerting.sessions().signOut(session.getValue());
        done.onSuccess(v -> {
            ctx.response().addCookie(auth.sessionCookie("", 0));
            api.json(ctx, 200, Map.of("signedOut", true));
        }).onFailure(ctx::fail);
    }

    /**
     * {@code {"current", "new"}}: 200 {@code {changed, otherSessionsEnded}}; 400 {@code {problem, field, problems}}
     * naming what is wrong (Swedish first); 403 for the operator key, which has no password of its own.
     */
    private void changePassword(RoutingContext ctx) {
        Principal who = api.who(ctx);
        Cookie session = ctx.request().getCookie(Auth.SESSION_COOKIE);
        if (who.personId() == null || session == null) {
            Auth.refuse(ctx, 403, "driftnyckeln har inget lösenord att byta / the operator key has no password to change");
            return;
        }
        JsonObject body = api.body(ctx);
        String current = text(body, "current");
        String next = text(body, "new");
        alerting.sessions().changePassword(who.personId(), session.getValue(), current, next,
                        ctx.request().remoteAddress().hostAddress())
                .onSuccess(ended -> api.json(ctx, 200, Map.of("changed", true, "otherSessionsEnded", ended)))
                .onFailure(e -> {
                    if (e instanceof Sessions.PasswordRefused r) {
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("problem", r.getMessage());
                        answer.put("field", r.field());
                        answer.put("problems", r.problems().stream().map(p -> Map.of("rule", p.rule(), "sv", p.sv(),
                                "en", p.en())).toList());
                        api.json(ctx, r.status(), answer);
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    /** A string field of a request body; another type is a 400 naming the field. */
    private static String text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return (String) value;
    }

    private void alerts(RoutingContext ctx) {
        int limit = limit(ctx);
        Principal who = api.who(ctx);
        if (!who.operator()) {
            db.transaction(c -> Inbox.open(c, who, now(), limit)).onSuccess(items -> api.json(ctx, 200, items))
                    .onFailure(ctx::fail);
            return;
        }
        db.transaction(c -> {
            List<AlertView> alerts = AlertStore.newest(c, limit);
            AccessLog.record(c, who.actor(), "alerts.list", alerts.stream().map(AlertView::patientId).toList(),
                    "limit=" + limit);
            return alerts;
        }).onSuccess(alerts -> api.json(ctx, 200, alerts)).onFailure(ctx::fail);
    }

    private void detail(RoutingContext ctx) {
        Principal who = api.who(ctx);
        long id = id(ctx);
        db.transaction(c -> {
            Optional<InboxItem> item = Inbox.one(c, who, id, now(), "alerts.detail");
            if (item.isEmpty()) {
                refused(c, who, id);
            }
            return item.map(i -> {
                try {
                    return Map.of("alert", i, "trail", Inbox.trail(c, id));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture((Map<String, Object>) null);
            }
            InboxItem item = (InboxItem) found.get().get("alert");
            return vertx.executeBlocking(() -> {
                Map<String, Object> out = new LinkedHashMap<>(found.get());
                try {
                    out.put("evidence", alerting.evidence().readings(item.patientId(), item.code(), item.raisedAt()));
                } catch (RuntimeException e) {
                    LOG.warn("no evidence for alert {}: {}", id, e.getMessage());
                    out.put("evidence", List.of());
                }
                return out;
            }, false);
        }).onSuccess(out -> {
            if (out == null) {
                api.json(ctx, 404, Map.of("problem", "inget sådant larm / no such alert"));
            } else {
                api.json(ctx, 200, out);
            }
        }).onFailure(ctx::fail);
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
                    patients.add(r.getString(1));
                }
            }
        }
        AccessLog.record(c, who.actor(), "alerts.refused", patients, "alert " + alertId);
    }

    private void relativesOnlyTheirs(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (api.who(ctx).relative() && !path.equals("/api/me") && !path.equals("/api/signout")
                && !path.startsWith("/api/relative/")) {
            Auth.refuse(ctx, 403, "inte för anhöriga / not for relatives");
            return;
        }
        ctx.next();
    }

    private void act(RoutingContext ctx, Future<InboxItem> change) {
        change.onSuccess(item -> api.json(ctx, 200, item)).onFailure(ctx::fail);
    }

    private void deadLetters(RoutingContext ctx) {
        db.transaction(c -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT id, alert_id, channel, target, attempts, last_error, "
                    + "created_at FROM notification WHERE state = 'DEAD' ORDER BY id DESC LIMIT 200");
                 ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", r.getLong(1));
                    row.put("alertId", r.getLong(2));
                    row.put("channel", r.getString(3));
                    row.put("target", r.getString(4));
                    row.put("attempts", r.getInt(5));
                    row.put("lastError", r.getString(6));
                    row.put("createdAt", r.getTimestamp(7).toInstant());
                    rows.add(row);
                }
            }
            return rows;
        }).onSuccess(rows -> api.json(ctx, 200, rows)).onFailure(ctx::fail);
    }

    private void alertStream(RoutingContext ctx) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        Principal who = api.who(ctx);
        // Each event waits for the one before it, so the stream keeps the order in which alerts arrived.
        Future<?>[] tail = {Future.succeededFuture()};
        MessageConsumer<String> created = vertx.eventBus().consumer(AlertFeed.ADDRESS, message -> {
            AlertView alert = codec.decode(message.body().getBytes(StandardCharsets.UTF_8), AlertView.class);
            tail[0] = tail[0].eventually(() -> push(response, who, alert.id(), "alert"));
        });
        MessageConsumer<Long> changed = vertx.eventBus().consumer(ChangeFeed.ADDRESS,
                message -> tail[0] = tail[0].eventually(() -> push(response, who, message.body(), "update")));
        long heartbeat = vertx.setPeriodic(SSE_HEARTBEAT_MILLIS, id -> response.write(": heartbeat\n\n"));
        streams.incrementAndGet();
        response.closeHandler(v -> {
            streams.decrementAndGet();
            vertx.cancelTimer(heartbeat);
            created.unregister();
            changed.unregister();
        });
        Future.all(created.completion(), changed.completion()).onSuccess(v -> response.write(": connected\n\n"));
    }

    /** Sends one alert to one stream if its reader may see it; the access-log entry is written first. */
    private Future<?> push(HttpServerResponse response, Principal who, long alertId, String event) {
        return db.transaction(c -> Inbox.one(c, who, alertId, now(), "alerts.stream"))
                .onSuccess(item -> item.ifPresent(i -> {
                    if (!response.closed()) {
                        response.write("event: " + event + "\nid: " + i.id() + "\ndata: " + codec.toJson(i) + "\n\n");
                    }
                }))
                .onFailure(e -> LOG.error("alert {} not streamed: {}", alertId, e.getMessage()));
    }

    /** The alert streams (server-sent events) open now. */
    public int sseClients() {
        return streams.get();
    }

    private void operatorOnly(RoutingContext ctx, Runnable then) {
        if (!api.who(ctx).operator()) {
            Auth.refuse(ctx, 403, "bara för driften / operator only");
            return;
        }
        then.run();
    }

    private Instant now() {
        return alerting.clock().instant();
    }

    private static Outcome outcome(String value) {
        try {
            return value == null ? null : Outcome.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown outcome " + value);
        }
    }

    private static long id(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an alert id: " + ctx.pathParam("id"));
        }
    }

    private static int limit(RoutingContext ctx) {
        String value = ctx.queryParams().get("limit");
        try {
            int limit = value == null ? 50 : Integer.parseInt(value);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT);
        }
    }
}
