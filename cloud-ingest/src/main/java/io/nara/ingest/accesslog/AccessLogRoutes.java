package io.nara.ingest.accesslog;

import io.nara.ingest.web.ApiRoutes;
import io.vertx.ext.web.Router;

/** {@code GET /api/access-log?patient=&actor=&from=&to=}: see {@link AccessLogSearch}. */
public final class AccessLogRoutes implements ApiRoutes {

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/access-log").handler(ctx -> {
            AccessLogSearch.Query query = AccessLogSearch.Query.parse(
                    ctx.queryParams().get("patient"),
                    ctx.queryParams().get("actor"),
                    ctx.queryParams().get("from"),
                    ctx.queryParams().get("to"));
            api.db()
                    .transaction(c -> AccessLogSearch.search(c, api.who(ctx), query))
                    .onSuccess(entries -> api.json(ctx, 200, entries))
                    .onFailure(ctx::fail);
        });
    }
}
