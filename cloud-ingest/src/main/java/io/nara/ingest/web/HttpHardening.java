package io.nara.ingest.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every answer of the web app carries and what every request must be before anything else looks at it.
 * <ul>
 *   <li>Headers: a Content-Security-Policy that allows only the app's own files and the inline scripts of its own
 *       pages (by their SHA-256, computed from the pages at start), no framing ({@code frame-ancestors 'none'},
 *       {@code X-Frame-Options}), {@code nosniff}, {@code Referrer-Policy: no-referrer}; pages and assets are
 *       revalidated on every use ({@code no-cache}), API answers are never stored ({@code no-store}); with HTTPS,
 *       HSTS.</li>
 *   <li>Refused first, before authentication: a control character in the path or query (a NUL would otherwise
 *       reach PostgreSQL), and a declared body larger than the route allows.</li>
 * </ul>
 */
final class HttpHardening implements Handler<RoutingContext> {

    /** Bodies up to this size everywhere but the routes below; larger ones are refused from Content-Length. */
    static final long SMALL_BODY = 64 * 1024;
    /** The organisation import and FHIR take larger documents. */
    static final long LARGE_BODY = 1 << 20;

    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]|%[01][0-9a-fA-F]|%7[fF]");
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>([\\s\\S]*?)</script>");

    private final String contentSecurityPolicy;
    private final boolean https;

    /** @param scriptHashes the 'sha256-...' sources of the pages' inline scripts ({@link #inlineScriptHashes}) */
    HttpHardening(List<String> scriptHashes, boolean https) {
        this.contentSecurityPolicy = "default-src 'self'; script-src 'self' " + String.join(" ", scriptHashes)
                + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        this.https = https;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        String path = ctx.normalizedPath();
        boolean api = path.startsWith("/api/") || path.startsWith("/fhir/") || path.equals("/health");
        ctx.addHeadersEndHandler(v -> {
            response.putHeader("Content-Security-Policy", contentSecurityPolicy)
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            if (https) {
                response.putHeader("Strict-Transport-Security", "max-age=31536000");
            }
            if (api) {
                if (!response.headers().contains("Cache-Control")) {
                    response.putHeader("Cache-Control", "no-store");
                }
            } else {
                // StaticHandler would say "public, immutable, max-age=86400": an update would not reach a nurse's
                // browser for a day. Revalidated instead (Last-Modified makes that a cheap 304).
                response.putHeader("Cache-Control", "no-cache");
            }
        });
        String raw = ctx.request().uri();
        if (CONTROL.matcher(raw).find()) {
            refuse(ctx, 400, "kontrolltecken i adressen / control character in the request's path or query");
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                refuse(ctx, 400, "Content-Length is not a number");
                return;
            }
            long limit = path.startsWith("/fhir/") || path.startsWith("/api/admin/") ? LARGE_BODY : SMALL_BODY;
            if (declared > limit) {
                refuse(ctx, 413, "för stor begäran / request body larger than " + limit / 1024 + " KiB");
                return;
            }
        }
        ctx.next();
    }

    private static void refuse(RoutingContext ctx, int status, String problem) {
        // The request's body is not read: close the connection after the answer rather than drain it.
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("Connection", "close")
                .end(new JsonObject().put("problem", problem).encode());
    }

    /**
     * The CSP sources ({@code 'sha256-...'}) of the inline {@code <script>} blocks in the pages under {@code web/}
     * on the class path (a folder in development, the jar in production). Blocking: read once at start.
     */
    static List<String> inlineScriptHashes(ClassLoader loader) {
        List<String> pages = new ArrayList<>();
        URL index = loader.getResource("web/index.html");
        if (index == null) {
            return List.of();
        }
        try {
            if ("jar".equals(index.getProtocol())) {
                JarURLConnection jar = (JarURLConnection) index.openConnection();
                jar.setUseCaches(false);
                try (var file = jar.getJarFile()) {
                    Collections.list(file.entries()).stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith("web/") && n.endsWith(".html"))
                            .forEach(pages::add);
                }
            } else {
                Path folder = Path.of(index.toURI()).getParent();
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> "web/" + f.getFileName())
                            .filter(n -> n.endsWith(".html"))
                            .forEach(pages::add);
                }
            }
            TreeSet<String> hashes = new TreeSet<>();
            for (String page : pages) {
                try (InputStream in = loader.getResourceAsStream(page)) {
                    Matcher m = INLINE_SCRIPT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    while (m.find()) {
                        hashes.add("'sha256-"
                                + Base64.getEncoder()
                                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                                .digest(m.group(1).getBytes(StandardCharsets.UTF_8)))
                                + "'");
                    }
                }
            }
            return List.copyOf(hashes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web pages for their script hashes", e);
        } catch (URISyntaxException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
