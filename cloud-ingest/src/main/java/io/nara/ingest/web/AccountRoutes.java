package io.nara.ingest.web;

import io.nara.ingest.auth.Principal;
import io.nara.ingest.auth.Sessions;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** The signed-in person's own account: who am I ({@code GET /api/me}) and a change of password. */
public final class AccountRoutes implements ApiRoutes {

    private final Sessions sessions;

    public AccountRoutes(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/me").handler(ctx -> {
            Principal who = api.who(ctx);
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("personId", who.personId());
            me.put("name", who.name());
            me.put("teams", who.teams());
            me.put("operator", who.operator());
            me.put("relative", who.relative());
            me.put("homeCare", who.homeCare());
            me.put("csrfToken", who.csrfToken());
            api.json(ctx, 200, me);
        });
        router.post("/api/me/password").handler(ctx -> changePassword(ctx, api));
    }

    /**
     * {@code {"current", "new"}}: 200 {@code {changed, otherSessionsEnded}}; 400 {@code {problem, field, problems}}
     * naming what is wrong (Swedish first); 403 for the operator key, which has no password of its own.
     */
    private void changePassword(RoutingContext ctx, Api api) {
        Principal who = api.who(ctx);
        Cookie session = ctx.request().getCookie(Auth.SESSION_COOKIE);
        if (who.personId() == null || session == null) {
            Auth.refuse(
                    ctx, 403, "driftnyckeln har inget lösenord att byta / the operator key has no password to change");
            return;
        }
        JsonObject body = api.body(ctx);
        String current = WebServer.text(body, "current");
        String next = WebServer.text(body, "new");
        sessions.changePassword(
                        who.personId(),
                        session.getValue(),
                        current,
                        next,
                        ctx.request().remoteAddress().hostAddress())
                .onSuccess(ended -> api.json(ctx, 200, Map.of("changed", true, "otherSessionsEnded", ended)))
                .onFailure(e -> {
                    if (e instanceof Sessions.PasswordRefused r) {
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("problem", r.getMessage());
                        answer.put("field", r.field());
                        answer.put(
                                "problems",
                                r.problems().stream()
                                        .map(p -> Map.of("rule", p.rule(), "sv", p.sv(), "en", p.en()))
                                        .toList());
                        api.json(ctx, r.status(), answer);
                    } else {
                        ctx.fail(e);
                    }
                });
    }
}
