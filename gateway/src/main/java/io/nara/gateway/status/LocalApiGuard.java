package io.nara.gateway.status;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages in the home's browsers away from the hub's local API. Every request must name the hub itself in
 * {@code Host} (an address, {@code localhost}, or the hub's own host name), which defeats DNS rebinding; a call that
 * changes something must come from the status page's own origin (no foreign {@code Origin} or cross-site
 * {@code Sec-Fetch-Site}) and carry the installer token as {@code Authorization: Bearer <token>}, which a
 * cross-site form or fetch cannot add.
 */
public final class LocalApiGuard implements Handler<RoutingContext> {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final InstallerToken token;
    private final Set<String> ownNames;
    private final Refusal refusal;
    private final Set<String> selfAuthorised;

    /** How a refusal is answered (the page's JSON problem shape). */
    public interface Refusal {
        void refuse(RoutingContext ctx, int status, String problem);
    }

    /** @param ownNames the hub's own host names besides addresses and localhost (lower case) */
    public LocalApiGuard(InstallerToken token, Set<String> ownNames, Refusal refusal) {
        this(token, ownNames, Set.of(), refusal);
    }

    /**
     * @param selfAuthorised path prefixes whose handlers authorise each call themselves (the paired tablet's API,
     *                       by its cookie): the Host and Origin rules still apply there, the installer token does not
     */
    public LocalApiGuard(InstallerToken token, Set<String> ownNames, Set<String> selfAuthorised, Refusal refusal) {
        this.token = token;
        this.ownNames = Set.copyOf(ownNames);
        this.selfAuthorised = Set.copyOf(selfAuthorised);
        this.refusal = refusal;
    }

    @Override
    public void handle(RoutingContext ctx) {
        // HTTP/1.1's Host and HTTP/2's :authority alike
        HostAndPort authority = ctx.request().authority();
        String host = authority == null
                ? null
                : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        if (!knownHost(host)) {
            refusal.refuse(ctx, 421, "this is the hub's status page; it does not answer to Host '" + host + "'");
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            ctx.next();
            return;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            refusal.refuse(ctx, 403, "a page from origin '" + origin + "' may not change this hub");
            return;
        }
        String fetchSite = ctx.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            refusal.refuse(ctx, 403, "a " + fetchSite + " request may not change this hub");
            return;
        }
        String path = ctx.request().path();
        if (path != null && selfAuthorised.stream().anyMatch(path::startsWith)) {
            ctx.next();
            return;
        }
        String authorization = ctx.request().getHeader("Authorization");
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        if (!token.matches(presented)) {
            refusal.refuse(
                    ctx,
                    401,
                    (presented == null ? "this call needs" : "wrong") + " installer token: send "
                            + "'Authorization: Bearer <token>'; the token is in " + token.file()
                            + " on the hub ('nara-installer token' prints it)");
            return;
        }
        ctx.next();
    }

    /** Whether a Host header names this hub: an address literal, localhost, or one of its own names. */
    boolean knownHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 1 && h.substring(1, end).matches("[0-9a-f:.]+") && portOrNothing(h.substring(end + 1));
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        if (colon >= 0 && !portOrNothing(h.substring(colon))) {
            return false;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return IPV4.matcher(name).matches() || name.equals("localhost") || ownNames.contains(name);
    }

    private static boolean portOrNothing(String rest) {
        return rest.isEmpty() || rest.matches(":\\d{1,5}");
    }
}
