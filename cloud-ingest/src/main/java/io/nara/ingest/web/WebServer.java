package io.nara.ingest.web;

import io.nara.ingest.Health;
import io.nara.ingest.alert.AlertFeed;
import io.nara.ingest.alert.AlertStore;
import io.nara.ingest.alert.AlertView;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.db.Database;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app and API.
 * <ul>
 *   <li>{@code GET /health}: the node's health, 200 or 503 (no patient data, no key needed)</li>
 *   <li>{@code GET /api/alerts?limit=50}: alerts, newest first</li>
 *   <li>{@code GET /api/alerts/stream}: server-sent events, {@code event: alert} for each new alert</li>
 *   <li>{@code GET /api/rejected}: payloads the ingest refused, for the operator</li>
 *   <li>{@code GET /}: the page that shows alerts as they arrive</li>
 * </ul>
 * Every read of patient data writes an access-log entry in the same transaction.
 */
public final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final long SSE_HEARTBEAT_MILLIS = 15_000;
    private static final int MAX_LIMIT = 500;

    private final Vertx vertx;
    private final MessageCodec codec;
    private final Database db;
    private final ApiKeyAuth auth;
    private final Supplier<Health> health;
    private HttpServer server;

    public WebServer(Vertx vertx, MessageCodec codec, Database db, String apiKey, Supplier<Health> health) {
        this.vertx = vertx;
        this.codec = codec;
        this.db = db;
        this.auth = new ApiKeyAuth(apiKey);
        this.health = health;
    }

    public Future<HttpServer> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> {
            Health h = health.get();
            json(ctx, h.healthy() ? 200 : 503, h);
        });
        router.route().handler(auth);
        router.get("/api/alerts/stream").handler(this::alertStream);
        router.get("/api/alerts").handler(this::alerts);
        router.get("/api/rejected").handler(ctx -> db.transaction(c -> RejectedMessages.newest(c, limit(ctx)))
                .onSuccess(rows -> json(ctx, 200, rows)).onFailure(ctx::fail));
        router.route("/*").handler(StaticHandler.create("web"));
        router.route().failureHandler(ctx -> {
            int code = ctx.statusCode() != -1 ? ctx.statusCode()
                    : ctx.failure() instanceof IllegalArgumentException ? 400 : 500;
            if (code >= 500) {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(),
                        ctx.failure() == null ? "" : ctx.failure().getMessage(), ctx.failure());
            }
            json(ctx, code, Map.of("problem", code >= 500 ? "internal error; see the ingest's log"
                    : String.valueOf(ctx.failure() == null ? "bad request" : ctx.failure().getMessage())));
        });
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
    }

    public int port() {
        return server.actualPort();
    }

    private void alerts(RoutingContext ctx) {
        int limit = limit(ctx);
        db.transaction(c -> {
            List<AlertView> alerts = AlertStore.newest(c, limit);
            AccessLog.record(c, actor(ctx), "alerts.list", alerts.stream().map(AlertView::patientId).toList(),
                    "limit=" + limit);
            return alerts;
        }).onSuccess(alerts -> json(ctx, 200, alerts)).onFailure(ctx::fail);
    }

    private void alertStream(RoutingContext ctx) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        String actor = actor(ctx);
        MessageConsumer<String> consumer = vertx.eventBus().consumer(AlertFeed.ADDRESS, message -> {
            AlertView alert = codec.decode(message.body().getBytes(StandardCharsets.UTF_8), AlertView.class);
            // The entry is written before the alert leaves, so no alert reaches a screen unlogged.
            db.transaction(c -> {
                AccessLog.record(c, actor, "alerts.stream", List.of(alert.patientId()), "alert " + alert.id());
                return null;
            }).onSuccess(v -> response.write("event: alert\nid: " + alert.id() + "\ndata: " + message.body() + "\n\n"))
                    .onFailure(e -> LOG.error("alert {} not streamed, access log failed: {}", alert.id(), e.getMessage()));
        });
        long heartbeat = vertx.setPeriodic(SSE_HEARTBEAT_MILLIS, id -> response.write(": heartbeat\n\n"));
        response.closeHandler(v -> {
            vertx.cancelTimer(heartbeat);
            consumer.unregister();
        });
        consumer.completion().onSuccess(v -> response.write(": connected\n\n"));
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

    private static String actor(RoutingContext ctx) {
        return ctx.get(ApiKeyAuth.ACTOR_KEY);
    }

    private void json(RoutingContext ctx, int code, Object body) {
        ctx.response().setStatusCode(code).putHeader("content-type", "application/json; charset=utf-8")
                .end(codec.toJson(body));
    }
}
