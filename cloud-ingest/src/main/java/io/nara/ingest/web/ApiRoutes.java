package io.nara.ingest.web;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.db.Database;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A feature's part of the web API (the patient page, the worklist, FHIR, ...), mounted by {@link WebServer} behind
 * authentication: every handler it adds under {@code /api/} or {@code /fhir/} sees a {@link Principal} and must check
 * the care relation ({@link io.nara.ingest.access.CareAccess}) and write the access log for patient data.
 * Failures go to {@code ctx.fail(e)}; the web server's failure handler turns them into status codes.
 */
@FunctionalInterface
public interface ApiRoutes {

    void mount(Router router, Api api);

    /** What route handlers share: the database, the JSON codec, the clock. */
    record Api(Vertx vertx, Database db, MessageCodec codec, Clock clock) {

        /** The most rows one list request may ask for. */
        public static final int MAX_LIMIT = 500;

        public Instant now() {
            return clock.instant();
        }

        /** The signed-in person or the operator; set by {@link Auth}. */
        public Principal who(RoutingContext ctx) {
            return ctx.get(Auth.PRINCIPAL);
        }

        /** The JSON body, or an empty object. */
        public JsonObject body(RoutingContext ctx) {
            JsonObject body = ctx.body().asJsonObject();
            return body == null ? new JsonObject() : body;
        }

        public void json(RoutingContext ctx, int status, Object body) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json; charset=utf-8")
                    .end(codec.toJson(body));
        }

        /** Runs {@code then} for the operator; anyone else gets 403. */
        public void operatorOnly(RoutingContext ctx, Runnable then) {
            if (!who(ctx).operator()) {
                Auth.refuse(ctx, 403, "bara för driften / operator only");
                return;
            }
            then.run();
        }

        /** The {@code limit} query parameter: 50 without one, 400 outside 1 to {@value #MAX_LIMIT}. */
        public int limit(RoutingContext ctx) {
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

        /** 200 with the body, or 404 with {@code problem} when there is none. */
        public void jsonOrNotFound(RoutingContext ctx, Optional<?> body, String problem) {
            if (body.isPresent()) {
                json(ctx, 200, body.get());
            } else {
                json(ctx, 404, Map.of("problem", problem));
            }
        }
    }
}
