package io.nara.ingest.admin;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
                .transaction(c -> {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(
                                    "SELECT id, alert_id, channel, target, attempts, last_error, "
                                            + "created_at FROM notification WHERE state = 'DEAD' ORDER BY id DESC LIMIT 200");
                            ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("id", r.getLong("id"));
                            row.put("alertId", r.getLong("alert_id"));
                            row.put("channel", r.getString("channel"));
                            row.put("target", r.getString("target"));
                            row.put("attempts", r.getInt("attempts"));
                            row.put("lastError", r.getString("last_error"));
                            row.put("createdAt", r.getTimestamp("created_at").toInstant());
                            rows.add(row);
                        }
                    }
                    return rows;
                })
                .onSuccess(rows -> api.json(ctx, 200, rows))
                .onFailure(ctx::fail);
    }
}
