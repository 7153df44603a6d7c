package io.nara.ingest.web;

import io.nara.ingest.auth.JournalClients;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.auth.Sessions;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who is asking. Two kinds of caller:
 * <ul>
 *   <li>a person signed in with user name and password: the {@code nara_session} cookie (HttpOnly, SameSite=Strict,
 *       Secure unless turned off for a loopback test). Every state-changing request must also carry the session's
 *       CSRF token in {@code X-CSRF-Token}; a page on another site cannot read it.</li>
 *   <li>the operator key, for programs only: {@code Authorization: Bearer <key>}; never in a URL or a cookie. People
 *       who operate the service sign in with personal operator accounts ({@code person.operator}, made with
 *       {@link io.nara.ingest.auth.OperatorCommand}) and are named in the access log. An operator sees every alert
 *       but cannot act on one.</li>
 *   <li>a journal system, on {@code /fhir/*} only: {@code Authorization: Bearer <token>} of a {@code fhir_client}; it
 *       acts for its teams ({@link JournalClients}). No cookie, so no CSRF token either.</li>
 * </ul>
 */
final class Auth implements Handler<RoutingContext> {

    static final String PRINCIPAL = "principal";
    static final String SESSION_COOKIE = "nara_session";

    private final byte[] key;
    private final Sessions sessions;
    private final JournalClients journalClients;
    private final boolean secureCookies;

    Auth(String key, Sessions sessions, JournalClients journalClients, boolean secureCookies) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
        this.journalClients = journalClients;
        this.secureCookies = secureCookies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.startsWith("Bearer ") && matches(header.substring(7))) {
            ctx.put(PRINCIPAL, Principal.theOperator());
            ctx.next();
            return;
        }
        if (header != null
                && header.startsWith("Bearer ")
                && ctx.normalizedPath().startsWith("/fhir/")) {
            journalClients.find(header.substring(7)).onFailure(ctx::fail).onSuccess(client -> {
                if (client.isEmpty()) {
                    refuse(ctx, 401, "okänd eller återkallad token / unknown or revoked token");
                } else {
                    ctx.put(PRINCIPAL, client.get());
                    ctx.next();
                }
            });
            return;
        }
        Cookie session = ctx.request().getCookie(SESSION_COOKIE);
        if (session == null) {
            refuse(ctx, 401, "inte inloggad / not signed in");
            return;
        }
        sessions.find(session.getValue()).onFailure(ctx::fail).onSuccess(found -> {
            if (found.isEmpty()) {
                refuse(ctx, 401, "sessionen har gått ut / the session has ended; sign in again");
                return;
            }
            Principal who = found.get();
            boolean safe =
                    ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD;
            String csrf = ctx.request().getHeader("X-CSRF-Token");
            if (!safe
                    && (csrf == null
                            || !MessageDigest.isEqual(
                                    csrf.getBytes(StandardCharsets.UTF_8),
                                    who.csrfToken().getBytes(StandardCharsets.UTF_8)))) {
                refuse(ctx, 403, "CSRF-token saknas eller fel / missing or wrong CSRF token");
                return;
            }
            ctx.put(PRINCIPAL, who);
            ctx.next();
        });
    }

    Cookie sessionCookie(String token, long maxAgeSeconds) {
        return Cookie.cookie(SESSION_COOKIE, token)
                .setHttpOnly(true)
                .setPath("/")
                .setSecure(secureCookies)
                .setSameSite(CookieSameSite.STRICT)
                .setMaxAge(maxAgeSeconds);
    }

    static void refuse(RoutingContext ctx, int status, String problem) {
        if (ctx.normalizedPath().startsWith("/fhir/")) {
            // A FHIR client expects an OperationOutcome for every error, this one included.
            JsonObject issue = new JsonObject()
                    .put("severity", "error")
                    .put("code", status == 401 ? "login" : "forbidden")
                    .put("diagnostics", problem);
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/fhir+json; charset=utf-8")
                    .end(new JsonObject()
                            .put("resourceType", "OperationOutcome")
                            .put("issue", new JsonArray().add(issue))
                            .encode());
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(new JsonObject().put("problem", problem).encode());
    }

    private boolean matches(String presented) {
        return MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
