package io.nara.ingest.web;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator key that guards the web app and API until personal sign-in exists: {@code Authorization: Bearer <key>}
 * for programs, or a cookie that {@code /?key=<key>} sets for a browser (HttpOnly, SameSite=Strict, so other sites
 * can neither read it nor send it). Every request without it gets 401.
 */
final class ApiKeyAuth implements Handler<RoutingContext> {

    static final String ACTOR = "operator";
    static final String ACTOR_KEY = "actor";
    private static final String COOKIE = "nara_key";

    private final byte[] key;

    ApiKeyAuth(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String fromQuery = ctx.queryParams().get("key");
        if (fromQuery != null && "/".equals(ctx.normalizedPath()) && matches(fromQuery)) {
            ctx.response().addCookie(Cookie.cookie(COOKIE, fromQuery).setHttpOnly(true).setPath("/")
                    .setSameSite(CookieSameSite.STRICT));
            ctx.redirect("/");
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        Cookie cookie = ctx.request().getCookie(COOKIE);
        boolean ok = (header != null && header.startsWith("Bearer ") && matches(header.substring(7)))
                || (cookie != null && matches(cookie.getValue()));
        if (!ok) {
            ctx.response().setStatusCode(401).putHeader("content-type", "application/json; charset=utf-8")
                    .putHeader("WWW-Authenticate", "Bearer")
                    .end("{\"problem\":\"not signed in: open the web app with the URL the ingest printed, or send "
                            + "Authorization: Bearer <key>\"}");
            return;
        }
        ctx.put(ACTOR_KEY, ACTOR);
        ctx.next();
    }

    private boolean matches(String presented) {
        return MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
