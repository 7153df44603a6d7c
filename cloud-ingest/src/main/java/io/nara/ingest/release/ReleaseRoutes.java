package io.nara.ingest.release;

import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Hub updates from the cloud: the signed apt repository (deploy/pi/release-repo.sh) as static files under
 * {@code /apt/}, each hub's pinned version at {@code GET /apt/pin/{hubId}} (what nara-hub-update reads), and the
 * operator's rollout: {@code POST /api/fleet/releases} ({@code {"version", "percentage", "hubs", "downgrade"}}) and
 * {@code GET /api/fleet/releases}.
 *
 * <p>{@code /apt/} needs no sign-in: the packages are public and signed, and a pin says only a version number. A
 * release the repository does not hold is refused, so no hub is ever pinned to something it cannot install.
 */
public final class ReleaseRoutes implements ApiRoutes {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+~:-]{1,100}");
    private static final Pattern HUB = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path repository;

    /** @param repository the reprepro base directory, or null when this node serves no releases */
    public ReleaseRoutes(Path repository) {
        this.repository = repository;
    }

    @Override
    public void mount(Router router, Api api) {
        mountRollout(router, api);
        if (repository == null) {
            return;
        }
        router.get("/apt/pin/:hub").handler(ctx -> {
            String hub = ctx.pathParam("hub");
            if (!HUB.matcher(hub).matches()) {
                ctx.response().setStatusCode(400).end("not a hub id\n");
                return;
            }
            api.db()
                    .transaction(HubReleases::all)
                    .onSuccess(releases -> HubReleases.pinned(releases, hub)
                            .ifPresentOrElse(
                                    r -> ctx.response()
                                            .putHeader("content-type", "text/plain")
                                            .putHeader("cache-control", "no-store")
                                            .end(r.version() + (r.downgrade() ? " downgrade" : "") + "\n"),
                                    () -> ctx.response().setStatusCode(404).end("no release for " + hub + "\n")))
                    .onFailure(ctx::fail);
        });
        router.get("/apt/*")
                .handler(StaticHandler.create(
                                FileSystemAccess.ROOT,
                                repository.toAbsolutePath().toString())
                        .setCachingEnabled(false)
                        .setDirectoryListing(false)
                        .setIncludeHidden(false));
    }

    /** The operator's rollout; without a repository every release is refused as not published. */
    private void mountRollout(Router router, Api api) {
        router.get("/api/fleet/releases")
                .handler(ctx -> operatorOnly(
                        api,
                        ctx,
                        () -> api.db()
                                .transaction(HubReleases::all)
                                .onSuccess(releases -> api.json(ctx, 200, releases))
                                .onFailure(ctx::fail)));
        router.post("/api/fleet/releases")
                .handler(ctx -> operatorOnly(api, ctx, () -> {
                    var body = api.body(ctx);
                    String version = body.getString("version", "");
                    int percentage = body.getInteger("percentage", 0);
                    JsonArray hubs = body.getJsonArray("hubs", new JsonArray());
                    if (!VERSION.matcher(version).matches()) {
                        api.json(ctx, 400, Map.of("problem", "version '" + version + "' is not a Debian version"));
                        return;
                    }
                    if (percentage < 0 || percentage > 100) {
                        api.json(ctx, 400, Map.of("problem", "percentage must be 0..100"));
                        return;
                    }
                    List<String> hubIds = hubs.stream().map(String::valueOf).toList();
                    if (hubIds.stream().anyMatch(h -> !HUB.matcher(h).matches())) {
                        api.json(ctx, 400, Map.of("problem", "hubs must be hub ids"));
                        return;
                    }
                    api.vertx()
                            .executeBlocking(this::publishedVersions)
                            .compose(published -> {
                                if (!published.contains(version)) {
                                    return Future.succeededFuture(false);
                                }
                                HubReleases.Release release = new HubReleases.Release(
                                        version,
                                        percentage,
                                        hubIds,
                                        body.getBoolean("downgrade", false),
                                        api.now(),
                                        api.who(ctx).actor());
                                return api.db().transaction(c -> {
                                    HubReleases.release(c, release);
                                    return true;
                                });
                            })
                            .onSuccess(done -> {
                                if (done) {
                                    api.json(
                                            ctx,
                                            200,
                                            Map.of("version", version, "percentage", percentage, "hubs", hubIds));
                                } else {
                                    api.json(
                                            ctx,
                                            422,
                                            Map.of(
                                                    "problem",
                                                    "version " + version
                                                            + " is not published in the release repository (deploy/pi/release-repo.sh publish)"));
                                }
                            })
                            .onFailure(ctx::fail);
                }));
    }

    /** The nara-hub versions in the repository's indexes. */
    private Set<String> publishedVersions() throws IOException {
        Set<String> versions = new HashSet<>();
        if (repository == null) {
            return versions;
        }
        Path dists = repository.resolve("dists");
        if (!Files.isDirectory(dists)) {
            return versions;
        }
        try (Stream<Path> files = Files.walk(dists)) {
            for (Path packages : files.filter(f -> f.getFileName().toString().equals("Packages"))
                    .toList()) {
                String package_ = null;
                for (String line : Files.readAllLines(packages)) {
                    if (line.startsWith("Package: ")) {
                        package_ = line.substring(9).strip();
                    } else if (line.startsWith("Version: ") && "nara-hub".equals(package_)) {
                        versions.add(line.substring(9).strip());
                    }
                }
            }
        }
        return versions;
    }

    private static void operatorOnly(Api api, RoutingContext ctx, Runnable then) {
        if (!api.who(ctx).operator()) {
            api.json(ctx, 403, Map.of("problem", "bara för driften / operator only"));
            return;
        }
        then.run();
    }
}
