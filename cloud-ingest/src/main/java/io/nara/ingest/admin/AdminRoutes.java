package io.nara.ingest.admin;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.notify.DeadLetters;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The operator's pages: refused payloads, notifications that will not be tried again, and the import of the
 * organisation (teams, people, schedules, relatives). Operator only.
 */
public final class AdminRoutes implements ApiRoutes {

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/rejected")
                .handler(ctx -> api.operatorOnly(
                        ctx,
                        () -> api.db()
                                .transaction(c -> {
                                    // Refused payloads are kept whole and may carry readings: reading them is logged
                                    // like any other read.
                                    List<RejectedMessages.Rejected> rows = RejectedMessages.newest(c, api.limit(ctx));
                                    AccessLog.record(
                                            c,
                                            api.who(ctx).actor(),
                                            "rejected.list",
                                            List.of(),
                                            rows.size() + " refused payloads");
                                    return rows;
                                })
                                .onSuccess(rows -> api.json(ctx, 200, rows))
                                .onFailure(ctx::fail)));
        router.get("/api/notifications/dead").handler(ctx -> api.operatorOnly(ctx, () -> deadLetters(ctx, api)));
        router.post("/api/admin/organisation")
                .handler(ctx -> api.operatorOnly(
                        ctx,
                        () -> api.db()
                                .transaction(c -> {
                                    OrgImport.apply(c, api.body(ctx), "operator", api.now());
                                    return null;
                                })
                                .onSuccess(v -> api.json(ctx, 200, Map.of("imported", true)))
                                .onFailure(ctx::fail)));
    }

    private static void deadLetters(RoutingContext ctx, Api api) {
        api.db()
                .transaction(c -> DeadLetters.newest(c, 200))
                .onSuccess(rows -> api.json(ctx, 200, rows))
                .onFailure(ctx::fail);
    }
}
