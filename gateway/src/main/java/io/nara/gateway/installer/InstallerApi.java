package io.nara.gateway.installer;

import io.nara.protocol.codec.MessageCodec;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The installer's part of the local status API: {@code GET /api/devices} (transports running, pairing mode, each
 * device's connection, battery, clock, pairing and what needs attention) and {@code POST /api/pairing?minutes=5}
 * / {@code POST /api/pairing?off} to open or close pairing mode. Pairing mode closes by itself, so a hub is never
 * left accepting new Bluetooth bonds.
 */
public final class InstallerApi {

    static final Duration MAX_PAIRING = Duration.ofMinutes(30);

    private final DeviceStates states;
    private final DeviceTransports transports;
    private final Clock clock;
    private final MessageCodec codec;

    public InstallerApi(DeviceStates states, DeviceTransports transports, Clock clock, MessageCodec codec) {
        this.states = states;
        this.transports = transports;
        this.clock = clock;
        this.codec = codec;
    }

    public void mount(Router router) {
        router.get("/api/devices").handler(this::devices);
        router.post("/api/pairing").handler(this::pairing);
    }

    private void devices(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transports", transports.running());
        body.put("pairingMode", states.pairingMode());
        body.put("pairingUntil", states.pairingUntil());
        body.put("devices", new TreeMap<>(states.all()));
        json(ctx, 200, body);
    }

    private void pairing(RoutingContext ctx) {
        if (ctx.queryParams().contains("off")) {
            states.pairingMode(null);
        } else {
            long minutes;
            try {
                minutes = Long.parseLong(ctx.queryParams().get("minutes") == null ? "5" : ctx.queryParams().get("minutes"));
            } catch (NumberFormatException e) {
                json(ctx, 400, Map.of("problem", "minutes must be a whole number"));
                return;
            }
            Duration d = Duration.ofMinutes(minutes);
            if (d.isNegative() || d.isZero() || d.compareTo(MAX_PAIRING) > 0) {
                json(ctx, 400, Map.of("problem", "pairing mode lasts 1 to " + MAX_PAIRING.toMinutes() + " minutes"));
                return;
            }
            states.pairingMode(clock.instant().plus(d));
        }
        Instant until = states.pairingUntil();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pairingMode", states.pairingMode());
        body.put("pairingUntil", until);
        json(ctx, 200, body);
    }

    private void json(RoutingContext ctx, int code, Object body) {
        ctx.response().setStatusCode(code).putHeader("content-type", "application/json; charset=utf-8")
                .end(codec.toJson(body));
    }
}
