package io.nara.ingest.web;

import io.nara.ingest.Health;
import io.nara.ingest.auth.JournalClients;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.auth.Sessions;
import io.nara.ingest.auth.SignInSettings;
import io.nara.ingest.auth.SignInThrottle;
import io.nara.ingest.db.Database;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app's shell, which knows no feature: authentication (sign-in, sign-out, sessions, the operator key and
 * journal clients), the relatives' fence, error handling, static files, and mounting the features' {@link ApiRoutes}
 * in the order given. Public: {@code GET /health}, {@code POST /api/signin}, the page and its assets; everything else
 * needs a signed-in person or the operator key ({@link Auth}). The table of endpoints is in cloud-ingest/README.md.
 */
public final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Clock clock;
    private final Sessions sessions;
    private final SignInSettings signIn;
    /** The public (HTTPS) address, where the plain-HTTP port redirects. */
    private final String publicAddress;

    private final Auth auth;
    private final Supplier<Health> health;
    private final List<ApiRoutes> features;
    /** The helpers every route handler shares, the web server's own included. */
    private final ApiRoutes.Api api;

    private HttpServer server;
    private HttpServer redirectServer;
    private Router router;

    /**
     * @param publicAddress the public (HTTPS) address, where the plain-HTTP port redirects
     * @param features      the parts of the API (account, inbox, patient page, worklist, FHIR, ...), mounted in this
     *                      order behind authentication
     */
    public WebServer(
            Vertx vertx,
            MessageCodec codec,
            Database db,
            String apiKey,
            Supplier<Health> health,
            Clock clock,
            Sessions sessions,
            SignInSettings signIn,
            String publicAddress,
            List<ApiRoutes> features) {
        this.vertx = vertx;
        this.clock = clock;
        this.sessions = sessions;
        this.signIn = signIn;
        this.publicAddress = publicAddress;
        this.auth = new Auth(apiKey, sessions, new JournalClients(db), signIn.secureCookies());
        this.health = health;
        this.features = List.copyOf(features);
        this.api = new ApiRoutes.Api(vertx, db, codec, clock);
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
        return vertx.executeBlocking(
                        () -> {
                            if (tls != null) {
                                tls.check(clock.instant());
                            }
                            return HttpHardening.inlineScriptHashes(WebServer.class.getClassLoader());
                        },
                        false)
                .compose(hashes -> serve(host, port, new HttpHardening(hashes, tls != null), tls))
                .compose(s -> tls == null || tls.redirectPort() < 0
                        ? Future.succeededFuture(s)
                        : redirectToHttps(host, tls.redirectPort()).map(s));
    }

    /**
     * Plain HTTP that only redirects: every request, whatever its method, to the same path at the configured public
     * (HTTPS) address, never to the Host the client sent.
     */
    private Future<HttpServer> redirectToHttps(String host, int port) {
        String target = publicAddress.replaceAll("/+$", "");
        return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout((int) IDLE_TIMEOUT.toSeconds()))
                .requestHandler(request -> request.response()
                        .setStatusCode(301)
                        .putHeader("Location", target + request.uri())
                        .putHeader("Connection", "close")
                        .end())
                .listen(port, host)
                .onSuccess(s -> redirectServer = s);
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
        // Home-care staff likewise: their own page's calls, nothing of the clinical API (readings, alerts, plans).
        router.route("/api/*").handler(this::homeCareOnlyTheirs);
        router.route("/fhir/*").handler(this::homeCareOnlyTheirs);
        router.post("/api/signout").handler(this::signOut);
        features.forEach(feature -> feature.mount(router, api));
        // A signed-in relative who opens a staff page is sent to their own, by the server, not only by the page.
        router.get("/*").handler(this::staffPagesNotForRelatives);
        router.route("/*").handler(StaticHandler.create("web"));
        router.route().failureHandler(ctx -> {
            Throwable f = ctx.failure();
            int code = f instanceof Refused r
                    ? r.status()
                    : f instanceof IllegalArgumentException || f instanceof DecodeException
                            ? 400
                            : ctx.statusCode() != -1 ? ctx.statusCode() : 500;
            if (code >= 500) {
                LOG.error(
                        "{} {} failed: {}",
                        ctx.request().method(),
                        ctx.request().path(),
                        f == null ? "" : f.getMessage(),
                        f);
            }
            api.json(
                    ctx,
                    code,
                    Map.of(
                            "problem",
                            code >= 500
                                    ? "internal error; see the ingest's log"
                                    : String.valueOf(f == null ? "bad request" : f.getMessage())));
        });
        // A connection that sends no complete request head within HEADER_TIMEOUT, or stays silent for IDLE_TIMEOUT
        // (the live stream's heartbeat keeps it busy), is closed: slow clients cannot hold connections open.
        Map<HttpConnection, Long> waitingForHead = new ConcurrentHashMap<>();
        HttpServerOptions options = new HttpServerOptions()
                .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds())
                .setMaxHeaderSize(8 * 1024)
                .setMaxInitialLineLength(4 * 1024)
                // No h2c: with it Vert.x makes the connection only once a request head is complete, so the head
                // timeout below could not start at connect. Browsers never speak h2c.
                .setHttp2ClearTextEnabled(false);
        if (tls != null) {
            options.setSsl(true)
                    .setSslHandshakeTimeout(HEADER_TIMEOUT.toSeconds())
                    .setKeyCertOptions(
                            new PfxOptions().setPath(tls.keystore().toString()).setPassword(tls.password()));
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
                .listen(port, host)
                .onSuccess(s -> server = s);
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
                route.methods().stream()
                        .map(m -> m.name() + " " + path)
                        .sorted()
                        .forEach(routes::add);
            }
        }
        return routes;
    }

    private void signIn(RoutingContext ctx) {
        // Login CSRF: a sign-in form posted from another site would sign the nurse in as someone else. A form or a
        // sandboxed page (Origin: null) cannot send JSON without a preflight we never grant, so JSON only.
        String origin = ctx.request().getHeader("Origin");
        HostAndPort authority = ctx.request().authority();
        String host = authority == null
                ? null
                : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        if (origin != null
                && (host == null
                        || !(origin.equalsIgnoreCase("http://" + host)
                                || origin.equalsIgnoreCase("https://" + host)))) {
            Auth.refuse(ctx, 403, "fel ursprung / wrong origin");
            return;
        }
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
            Auth.refuse(ctx, 415, "inloggning tar bara JSON / sign-in takes application/json only");
            return;
        }
        JsonObject body = api.body(ctx);
        sessions.signIn(
                        text(body, "username"),
                        text(body, "password"),
                        ctx.request().remoteAddress().hostAddress())
                .onSuccess(opened -> {
                    ctx.response()
                            .addCookie(auth.sessionCookie(
                                    opened.token(), signIn.sessionLength().toSeconds()));
                    Principal who = opened.principal();
                    Map<String, Object> me = new LinkedHashMap<>();
                    me.put("personId", who.personId());
                    me.put("name", who.name());
                    me.put("teams", who.teams());
                    me.put("relative", who.relative());
                    me.put("homeCare", who.homeCare());
                    me.put("csrfToken", who.csrfToken());
                    api.json(ctx, 200, me);
                })
                .onFailure(e -> {
                    if (e instanceof Sessions.Refused) {
                        Auth.refuse(ctx, 401, e.getMessage());
                    } else if (e instanceof SignInThrottle.Throttled t) {
                        ctx.response().putHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
                        Auth.refuse(ctx, 429, t.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void signOut(RoutingContext ctx) {
        Cookie session = ctx.request().getCookie(Auth.SESSION_COOKIE);
        Future<Void> done = session == null ? Future.succeededFuture() : sessions.signOut(session.getValue());
        done.onSuccess(v -> {
                    ctx.response().addCookie(auth.sessionCookie("", 0));
                    api.json(ctx, 200, Map.of("signedOut", true));
                })
                .onFailure(ctx::fail);
    }

    /** A string field of a request body; another type is a 400 naming the field. */
    static String text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return (String) value;
    }

    private void staffPagesNotForRelatives(RoutingContext ctx) {
        Cookie session = ctx.request().getCookie(Auth.SESSION_COOKIE);
        if (session == null || !StaffPages.staffOnly(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        sessions.find(session.getValue()).onFailure(ctx::fail).onSuccess(found -> {
            if (found.isPresent() && found.get().relative()) {
                redirect(ctx, StaffPages.RELATIVES_PAGE);
                return;
            }
            if (found.isPresent()
                    && found.get().homeCare()
                    && !StaffPages.FOR_HOME_CARE.contains(ctx.normalizedPath())) {
                redirect(ctx, StaffPages.HOME_CARE_PAGE);
                return;
            }
            ctx.next();
        });
    }

    private static void redirect(RoutingContext ctx, String page) {
        ctx.response()
                .setStatusCode(303)
                .putHeader("Location", page)
                .putHeader("Cache-Control", "no-store")
                .end();
    }

    private void homeCareOnlyTheirs(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (api.who(ctx).homeCare()
                && !path.equals("/api/me")
                && !path.equals("/api/me/password")
                && !path.equals("/api/signout")
                && !path.startsWith("/api/homecare/")) {
            Auth.refuse(ctx, 403, "inte för hemtjänsten / not for home-care staff");
            return;
        }
        ctx.next();
    }

    private void relativesOnlyTheirs(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (api.who(ctx).relative()
                && !path.equals("/api/me")
                && !path.equals("/api/signout")
                && !path.startsWith("/api/relative/")) {
            Auth.refuse(ctx, 403, "inte för anhöriga / not for relatives");
            return;
        }
        ctx.next();
    }
}
