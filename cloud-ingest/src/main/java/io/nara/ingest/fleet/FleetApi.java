package io.nara.ingest.fleet;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.enrol.BrokerAccounts;
import io.nara.ingest.enrol.CrlPublisher;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.ingest.web.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet register's API, for the fleet page ({@code /fleet.html}) and programs:
 * <pre>
 * GET  /api/fleet/hubs                 rows of {@link FleetRegister} (?lifecycle=IN_STOCK, ?offlineMinutes=60,
 *                                      ?storage=problem: thinned, dropped or full)
 * GET  /api/fleet/permissions          {"mayChange", "organisations"}: whether the page offers the changes below
 * POST /api/fleet/hubs                 {"hubId", "organisationId"?}: a hub in stock; answers its code, shown once
 * POST /api/fleet/hubs/{id}/code       a new one-time code (earlier unused codes end)
 * POST /api/fleet/hubs/{id}/revoke     {"reason"?}: lost or stolen; certificate on the CRL for good
 * POST /api/fleet/hubs/{id}/return     back to stock: certificate on the CRL, a new code is needed
 * </pre>
 * Changes are for the operator key or a person with the OPERATOR role in the hub's organisation; a revocation
 * answers once the CRL is written and the broker told.
 */
public final class FleetApi implements ApiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(FleetApi.class);

    private final HubEnrolment enrolment;
    private final CrlPublisher crl;
    private final BrokerAccounts accounts;

    /**
     * @param enrolment the hub CA's register, or null when this node has no hub CA (changes are then refused)
     * @param accounts  the hubs' accounts at the broker, removed when a hub is revoked or returned
     */
    public FleetApi(HubEnrolment enrolment, CrlPublisher crl, BrokerAccounts accounts) {
        this.enrolment = enrolment;
        this.crl = crl;
        this.accounts = accounts;
    }

    @Override
    public void mount(Router router, Api api) {
        router.get("/api/fleet/hubs").handler(ctx -> {
            Principal who = api.who(ctx);
            FleetRegister.Filter filter = filter(ctx);
            api.db()
                    .transaction(c -> {
                        List<Map<String, Object>> rows = FleetRegister.list(c, who, filter, api.now());
                        AccessLog.record(c, who.actor(), "fleet.list", List.of(), rows.size() + " hubs");
                        return rows;
                    })
                    .onSuccess(rows -> api.json(ctx, 200, rows))
                    .onFailure(ctx::fail);
        });
        router.get("/api/fleet/permissions").handler(ctx -> {
            Principal who = api.who(ctx);
            api.db()
                    .transaction(c -> who.operator() ? List.<String>of() : FleetRegister.operatorOrganisations(c, who))
                    .onSuccess(orgs -> api.json(
                            ctx, 200, Map.of("mayChange", who.operator() || !orgs.isEmpty(), "organisations", orgs)))
                    .onFailure(ctx::fail);
        });
        // The page's own address; the page itself is static like the others, its data behind /api/.
        router.get("/fleet").handler(ctx -> ctx.redirect("/fleet.html"));
        router.post("/api/fleet/hubs")
                .handler(ctx -> change(
                        ctx,
                        api,
                        null,
                        c -> {
                            Principal who = api.who(ctx);
                            String hubId = api.body(ctx).getString("hubId");
                            String organisation = api.body(ctx).getString("organisationId");
                            if (!who.operator()) {
                                List<String> mine = FleetRegister.operatorOrganisations(c, who);
                                if (organisation == null && mine.size() == 1) {
                                    organisation = mine.get(0);
                                }
                                if (organisation == null || !mine.contains(organisation)) {
                                    throw new HubEnrolment.Refused(
                                            403,
                                            "kräver rollen OPERATOR i organisationen / needs the "
                                                    + "OPERATOR role in organisation " + organisation);
                                }
                            }
                            HubEnrolment.IssuedCode code =
                                    enrolment.register(c, hubId, organisation, who.actor(), api.now());
                            LOG.info("hub {} registered in stock by {}", hubId, who.actor());
                            return code;
                        },
                        false));
        router.post("/api/fleet/hubs/:id/code")
                .handler(ctx -> change(
                        ctx,
                        api,
                        ctx.pathParam("id"),
                        c -> enrolment.newCode(
                                c, ctx.pathParam("id"), api.who(ctx).actor(), api.now()),
                        false));
        router.post("/api/fleet/hubs/:id/revoke")
                .handler(ctx -> change(
                        ctx,
                        api,
                        ctx.pathParam("id"),
                        c -> {
                            enrolment.revoke(
                                    c,
                                    ctx.pathParam("id"),
                                    api.body(ctx).getString("reason"),
                                    api.who(ctx).actor(),
                                    api.now());
                            return Map.of("hubId", ctx.pathParam("id"), "lifecycle", "REVOKED");
                        },
                        true));
        router.post("/api/fleet/hubs/:id/return")
                .handler(ctx -> change(
                        ctx,
                        api,
                        ctx.pathParam("id"),
                        c -> {
                            enrolment.returnToStock(
                                    c, ctx.pathParam("id"), api.who(ctx).actor(), api.now());
                            return Map.of("hubId", ctx.pathParam("id"), "lifecycle", "RETURNED");
                        },
                        true));
    }

    @FunctionalInterface
    private interface Change {
        Object apply(Connection c) throws SQLException;
    }

    /** Runs a change of the register for an operator of the hub's organisation; refusals are answered and logged. */
    /** @param ended the hub's certificate and broker account end: the CRL is written, the account removed */
    private void change(RoutingContext ctx, Api api, String hubId, Change change, boolean ended) {
        if (enrolment == null) {
            api.json(
                    ctx,
                    503,
                    Map.of(
                            "problem",
                            "denna nod har ingen hubb-CA / this node has no hub CA "
                                    + "(start the ingest with --hub-ca-cert and --hub-ca-key)"));
            return;
        }
        Principal who = api.who(ctx);
        api.db()
                .transaction(c -> {
                    if (hubId != null && !who.operator()) {
                        Optional<Optional<String>> organisation = FleetRegister.organisationOf(c, hubId);
                        if (organisation.isEmpty()) {
                            throw new HubEnrolment.Refused(404, "ingen sådan hubb / no such hub: " + hubId);
                        }
                        if (organisation.get().isEmpty()
                                || !FleetRegister.operatorOrganisations(c, who)
                                        .contains(organisation.get().get())) {
                            throw new HubEnrolment.Refused(
                                    403,
                                    "kräver rollen OPERATOR i hubbens organisation / needs the "
                                            + "OPERATOR role in the hub's organisation");
                        }
                    }
                    return change.apply(c);
                })
                .compose(result -> ended
                        ? crl.publish().compose(v -> accounts.remove(hubId)).map(result)
                        : Future.succeededFuture(result))
                .onSuccess(result -> api.json(ctx, ctx.request().path().endsWith("/hubs") ? 201 : 200, result))
                .onFailure(e -> {
                    if (e instanceof HubEnrolment.Refused r) {
                        LOG.warn(
                                "fleet change {} by {} refused: {}",
                                ctx.request().path(),
                                who.actor(),
                                r.getMessage());
                        api.json(ctx, r.status(), Map.of("problem", r.getMessage()));
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private static FleetRegister.Filter filter(RoutingContext ctx) {
        String lifecycle = ctx.queryParams().get("lifecycle");
        if (lifecycle != null) {
            try {
                lifecycle = HubEnrolment.Lifecycle.valueOf(lifecycle.toUpperCase(Locale.ROOT))
                        .name();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown lifecycle " + lifecycle + " (IN_STOCK, ENROLLED, RETURNED, REVOKED)");
            }
        }
        String offline = ctx.queryParams().get("offlineMinutes");
        Duration offlineFor = null;
        if (offline != null) {
            try {
                offlineFor = Duration.ofMinutes(Long.parseLong(offline));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("offlineMinutes must be a whole number of minutes");
            }
            if (offlineFor.isNegative()) {
                throw new IllegalArgumentException("offlineMinutes must not be negative");
            }
        }
        String storage = ctx.queryParams().get("storage");
        if (storage != null && !storage.equals("problem")) {
            throw new IllegalArgumentException(
                    "storage must be 'problem' (hubs whose storage is thinned, dropped or " + "full), was " + storage);
        }
        return new FleetRegister.Filter(lifecycle, offlineFor, storage != null);
    }
}
