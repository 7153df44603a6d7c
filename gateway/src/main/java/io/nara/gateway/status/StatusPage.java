package io.nara.gateway.status;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.nara.gateway.sim.SimulatedHome;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The installer's local page: {@code GET /} and {@code GET /api/status}. With the simulated home on, also
 * {@code POST /api/simulate/cuff?systolic=85&diastolic=60&pulse=70}, {@code POST /api/simulate/scale?kg=82.1} and
 * {@code POST /api/simulate/raw?device=..&characteristic=2A35&hex=..}; each answers once the reading is in the
 * outbox, with what was stored, or 422 with the reason it was quarantined.
 */
public final class StatusPage {

    private final Vertx vertx;
    private final MessageCodec codec;
    private final Supplier<StatusView> status;
    private final SimulatedHome simulatedHome;
    private HttpServer server;
    private java.util.function.Consumer<Router> extraRoutes = r -> { };

    /** @param simulatedHome the simulated home, or null when it is off */
    public StatusPage(Vertx vertx, MessageCodec codec, Supplier<StatusView> status, SimulatedHome simulatedHome) {
        this.vertx = vertx;
        this.codec = codec;
        this.status = status;
        this.simulatedHome = simulatedHome;
    }

    /** More API routes (the installer's: devices, pairing mode), mounted before the static page. */
    public void routes(java.util.function.Consumer<Router> mount) {
        this.extraRoutes = mount;
    }

    public Future<HttpServer> listen(String host, int port) {
        Router router = Router.router(vertx);
        extraRoutes.accept(router);
        router.get("/api/status").handler(ctx -> json(ctx, 200, status.get()));
        if (simulatedHome != null) {
            router.post("/api/simulate/cuff").handler(ctx -> answer(ctx, simulatedHome.cuff(
                    optionalNumber(ctx, "systolic", 118.0), number(ctx, "diastolic", 76), number(ctx, "pulse", 68))));
            router.post("/api/simulate/scale").handler(ctx ->
                    answer(ctx, simulatedHome.scale(number(ctx, "kg", 81.5))));
            router.post("/api/simulate/raw").handler(ctx -> answer(ctx, simulatedHome.raw(
                    ctx.queryParams().get("device"), Integer.parseInt(ctx.queryParams().get("characteristic"), 16),
                    HexFormat.of().parseHex(ctx.queryParams().get("hex").replace(" ", "")))));
        }
        router.route("/*").handler(StaticHandler.create("status"));
        router.route().failureHandler(ctx -> json(ctx, ctx.statusCode() == -1 ? 400 : ctx.statusCode(),
                Map.of("problem", String.valueOf(ctx.failure() == null ? "bad request" : ctx.failure().getMessage()))));
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
    }

    public int port() {
        return server.actualPort();
    }

    private void answer(RoutingContext ctx, Future<List<OutboxEntry>> stored) {
        stored.onSuccess(entries -> json(ctx, 201, Map.of("stored", entries.stream().map(OutboxEntry::body).toList())))
                .onFailure(e -> json(ctx, e instanceof RejectedReadingException ? 422 : 500,
                        Map.of("problem", String.valueOf(e.getMessage()))));
    }

    private void json(RoutingContext ctx, int code, Object body) {
        ctx.response().setStatusCode(code).putHeader("content-type", "application/json; charset=utf-8")
                .end(codec.toJson(body));
    }

    /** "none" or "nan" simulates a failed measurement. */
    private static Double optionalNumber(RoutingContext ctx, String name, double fallback) {
        String value = ctx.queryParams().get(name);
        if (value != null && (value.equalsIgnoreCase("nan") || value.equalsIgnoreCase("none"))) {
            return null;
        }
        return value == null ? fallback : Double.parseDouble(value);
    }

    private static double number(RoutingContext ctx, String name, double fallback) {
        String value = ctx.queryParams().get(name);
        return value == null ? fallback : Double.parseDouble(value);
    }
}
