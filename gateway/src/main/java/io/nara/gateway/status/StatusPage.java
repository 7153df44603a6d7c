package io.nara.gateway.status;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.nara.gateway.sim.SimulatedHome;
import io.nara.gateway.tablet.TabletApi;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installer's local page: {@code GET /} and {@code GET /api/status}. With the simulated home on, also
 * {@code POST /api/simulate/cuff?systolic=85&diastolic=60&pulse=70}, {@code POST /api/simulate/scale?kg=82.1} and
 * {@code POST /api/simulate/raw?device=..&characteristic=2A35&hex=..}; each answers once the reading is in the
 * outbox, with what was stored, or 422 with the reason it was quarantined. {@link LocalApiGuard} stands in front of
 * every route: only the hub's own Host, and for a change the installer token and no foreign origin. A bad
 * parameter is a 400 naming it; an unexpected failure is a 500 without its Java text (that goes to the log).
 */
public final class StatusPage {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);
    /** How long the hub keeps a connection that sends nothing (the status page polls every 2 s; a tablet reconnects). */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

    private final Vertx vertx;
    private final MessageCodec codec;
    private final Supplier<StatusView> status;
    private final SimulatedHome simulatedHome;
    private HttpServer server;
    private final LocalApiGuard guard;
    private Consumer<Router> extraRoutes = r -> {};

    /**
     * @param simulatedHome the simulated home, or null when it is off
     * @param token         what an installer shows to change anything
     * @param ownNames      the hub's host names an installer's browser may use besides its addresses (lower case)
     */
    public StatusPage(
            Vertx vertx,
            MessageCodec codec,
            Supplier<StatusView> status,
            SimulatedHome simulatedHome,
            InstallerToken token,
            Set<String> ownNames) {
        this.vertx = vertx;
        this.codec = codec;
        this.status = status;
        this.simulatedHome = simulatedHome;
        this.guard = new LocalApiGuard(
                token,
                ownNames,
                Set.of(TabletApi.TABLET_API),
                (ctx, code, problem) -> json(ctx, code, Map.of("problem", problem)));
    }

    /**
     * Whether a bind address is loopback only, decided from the text alone (no name lookup): the simulated home,
     * which can raise real alerts, is never offered on the home's network.
     */
    public static boolean loopbackOnly(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|\\[?[0-9a-fA-F:.]+]?")) {
            return false; // a name: it could resolve to anything
        }
        try {
            return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The hub's own host name and its mDNS name, as an installer's browser would use them. Blocking lookup. */
    public static Set<String> ownNames() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            String shortName = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            return Set.copyOf(List.of(name, shortName, shortName + ".local")); // name and shortName may be one
        } catch (UnknownHostException e) {
            LOG.warn(
                    "the hub's host name is unknown ({}); the status page answers to its addresses only",
                    e.getMessage());
            return Set.of();
        }
    }

    /** More API routes (the installer's: devices, pairing mode), mounted before the static page. */
    public void routes(Consumer<Router> mount) {
        this.extraRoutes = mount;
    }

    public Future<HttpServer> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(guard);
        extraRoutes.accept(router);
        router.get("/api/status").handler(ctx -> json(ctx, 200, status.get()));
        if (simulatedHome != null) {
            router.post("/api/simulate/cuff")
                    .handler(ctx -> answer(
                            ctx,
                            simulatedHome.cuff(
                                    optionalNumber(ctx, "systolic", 118.0),
                                    number(ctx, "diastolic", 76),
                                    number(ctx, "pulse", 68))));
            router.post("/api/simulate/scale")
                    .handler(ctx -> answer(ctx, simulatedHome.scale(number(ctx, "kg", 81.5))));
            router.post("/api/simulate/raw")
                    .handler(ctx ->
                            answer(ctx, simulatedHome.raw(required(ctx, "device"), characteristic(ctx), hex(ctx))));
        }
        router.route("/*").handler(StaticHandler.create("status"));
        router.route().failureHandler(this::failed);
        return vertx.createHttpServer(serverOptions())
                .requestHandler(router)
                .listen(port, host)
                .onSuccess(s -> server = s);
    }

    /**
     * HTTP/1.1 with idle connections closed: the page and the installer's API are a few small answers, and a phone or a
     * misbehaving device on the home network must not hold the hub's memory with connections it never uses again
     * (each one an HTTP/2 connection's tables, had cleartext HTTP/2 been offered).
     */
    static HttpServerOptions serverOptions() {
        return new HttpServerOptions()
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    private void answer(RoutingContext ctx, Future<List<OutboxEntry>> stored) {
        stored.onSuccess(entries -> json(
                        ctx,
                        201,
                        Map.of("stored", entries.stream().map(OutboxEntry::body).toList())))
                .onFailure(e -> {
                    if (e instanceof RejectedReadingException) {
                        json(ctx, 422, Map.of("problem", String.valueOf(e.getMessage())));
                    } else {
                        internalError(ctx, e);
                    }
                });
    }

    private void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof BadParameter bad) {
            json(ctx, 400, Map.of("problem", bad.getMessage()));
        } else if (failure != null) {
            internalError(ctx, failure);
        } else {
            int code = ctx.statusCode() == -1 ? 400 : ctx.statusCode();
            json(ctx, code, Map.of("problem", code == 404 ? "no such page" : "bad request"));
        }
    }

    private void internalError(RoutingContext ctx, Throwable e) {
        LOG.error(
                "status page: {} {} failed",
                ctx.request().method(),
                ctx.request().path(),
                e);
        json(ctx, 500, Map.of("problem", "the hub could not do this; the reason is in the hub's log"));
    }

    /** A parameter the caller got wrong; its message names the parameter and what it must be. */
    private static final class BadParameter extends RuntimeException {
        BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    private static String required(RoutingContext ctx, String name) {
        String value = ctx.queryParams().get(name);
        if (value == null || value.isBlank()) {
            throw new BadParameter("parameter '" + name + "' is missing");
        }
        return value;
    }

    private static int characteristic(RoutingContext ctx) {
        String value = required(ctx, "characteristic");
        if (!value.matches("[0-9a-fA-F]{4}")) {
            throw new BadParameter("parameter 'characteristic' must be a 16-bit UUID in 4 hex digits, like 2A35");
        }
        return Integer.parseInt(value, 16);
    }

    private static byte[] hex(RoutingContext ctx) {
        String value = required(ctx, "hex").replace(" ", "");
        if (!value.matches("([0-9a-fA-F]{2})+")) {
            throw new BadParameter("parameter 'hex' must be bytes in hex digits, two per byte");
        }
        return HexFormat.of().parseHex(value);
    }

    private void json(RoutingContext ctx, int code, Object body) {
        ctx.response()
                .setStatusCode(code)
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(codec.toJson(body));
    }

    /** "none" or "nan" simulates a failed measurement. */
    private static Double optionalNumber(RoutingContext ctx, String name, double fallback) {
        String value = ctx.queryParams().get(name);
        if (value != null && (value.equalsIgnoreCase("nan") || value.equalsIgnoreCase("none"))) {
            return null;
        }
        return value == null ? fallback : number(ctx, name, fallback);
    }

    private static double number(RoutingContext ctx, String name, double fallback) {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number) && value.strip().matches("[-+0-9.eE]+")) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below, naming the parameter
        }
        throw new BadParameter("parameter '" + name + "' must be a number, not '" + value + "'");
    }
}
