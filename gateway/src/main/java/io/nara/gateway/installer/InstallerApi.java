package io.nara.gateway.installer;

import io.nara.gateway.coap.CoapKeys;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installer's part of the local status API: {@code GET /api/devices} (transports running, pairing mode, each
 * device's connection, battery, clock, pairing and what needs attention, and the CoAP devices waiting for their key),
 * {@code POST /api/pairing?minutes=5} / {@code POST /api/pairing?off} to open or close pairing mode, and
 * {@code POST /api/coap-keys} ({@code {"identity": "...", "key": "..."}}) to let a CoAP device in. Pairing mode closes
 * by itself, so a hub is never left accepting new Bluetooth bonds or device keys. The guard in front of every route
 * ({@code status.LocalApiGuard}) asks for the installer token on each change.
 */
public final class InstallerApi {

    private static final Logger LOG = LoggerFactory.getLogger(InstallerApi.class);
    static final Duration MAX_PAIRING = Duration.ofMinutes(30);

    private final DeviceStates states;
    private final DeviceTransports transports;
    private final Clock clock;
    private final MessageCodec codec;

    /** An identity and a key fit in far less; a bigger body is refused before it is read. */
    static final int MAX_KEY_BODY = 4096;

    public InstallerApi(DeviceStates states, DeviceTransports transports, Clock clock, MessageCodec codec) {
        this.states = states;
        this.transports = transports;
        this.clock = clock;
        this.codec = codec;
    }

    public void mount(Router router) {
        router.get("/api/devices").handler(this::devices);
        router.post("/api/pairing").handler(this::pairing);
        router.post("/api/coap-keys")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_KEY_BODY))
                .handler(this::coapKey);
    }

    private void devices(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transports", transports.running());
        body.put("pairingMode", states.pairingMode());
        body.put("pairingUntil", states.pairingUntil());
        body.put("devices", new TreeMap<>(states.all()));
        body.put("waitingForKey", waitingForKey());
        json(ctx, 200, body);
    }

    /**
     * CoAP devices that tried to connect recently with an identity the hub has no key for, newest first: a device the
     * installer switched on whose key is still to be given (or a stranger on the network: the installer knows which).
     */
    private List<Map<String, Object>> waitingForKey() {
        CoapKeys keys = transports.coapKeys();
        if (keys == null) {
            return List.of();
        }
        return states.discovered().unbound(Set.of()).stream()
                .filter(d -> "coap".equals(d.transport())
                        && DeviceTransports.KEY_MISSING.equals(d.detail())
                        && !keys.has(d.deviceId()))
                .map(d -> Map.<String, Object>of("identity", d.deviceId(), "lastTried", d.lastSeen()))
                .toList();
    }

    /**
     * Lets a CoAP device in: only in pairing mode, since letting a new device in is what pairing mode is for. The
     * key is never answered back nor logged.
     */
    private void coapKey(RoutingContext ctx) {
        CoapKeys keys = transports.coapKeys();
        if (keys == null) {
            json(
                    ctx,
                    409,
                    Map.of(
                            "problem",
                            "this hub runs no CoAP server: set COAP=yes in /etc/nara/hub.conf (or "
                                    + "start the hub with --coap-psk-file <file in its data folder>) and restart it"));
            return;
        }
        if (!transports.running().contains("coap")) {
            json(
                    ctx,
                    409,
                    Map.of(
                            "problem",
                            "the hub's CoAP server is not running (it did not start: the reason is "
                                    + "in the hub's log, journalctl -u nara-hub); its key file is " + keys.file()));
            return;
        }
        if (!states.pairingMode()) {
            json(
                    ctx,
                    409,
                    Map.of(
                            "problem",
                            "turn on pairing mode first (nara-installer pairing on): a device's key "
                                    + "is given only in pairing mode"));
            return;
        }
        JsonObject request;
        try {
            request = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            request = null;
        }
        if (request == null
                || !(request.getValue("identity") instanceof String identity)
                || !(request.getValue("key") instanceof String key)) {
            json(
                    ctx,
                    400,
                    Map.of(
                            "problem",
                            "send JSON {\"identity\": \"<device id>\", \"key\": \"<key>\"}: the "
                                    + "key as text or hex:<hex digits>"));
            return;
        }
        ctx.vertx().executeBlocking(() -> keys.put(identity, key)).onComplete(done -> {
            if (done.succeeded()) {
                CoapKeys.Change change = done.result();
                states.discovered().detail(identity, DeviceTransports.KEY_GIVEN);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("identity", identity);
                body.put("replaced", change.replaced());
                body.put(
                        "result",
                        (change.replaced()
                                        ? "key of " + identity + " replaced (the old key no longer works)"
                                        : "key of " + identity + " added")
                                + ": the device can connect now");
                json(ctx, 200, body);
            } else if (done.cause() instanceof IllegalArgumentException bad) {
                json(ctx, 400, Map.of("problem", bad.getMessage()));
            } else {
                LOG.error(
                        "CoAP key of {} not written to {}: {}",
                        identity,
                        keys.file(),
                        done.cause().toString());
                json(
                        ctx,
                        500,
                        Map.of(
                                "problem",
                                "the key could not be written to " + keys.file() + " ("
                                        + done.cause().getClass().getSimpleName() + ": "
                                        + done.cause().getMessage() + "); nothing "
                                        + "changed. The key file must be in the hub's data folder, writable by the hub"));
            }
        });
    }

    private void pairing(RoutingContext ctx) {
        if (ctx.queryParams().contains("off")) {
            states.pairingMode(null);
        } else {
            long minutes;
            try {
                minutes = Long.parseLong(
                        ctx.queryParams().get("minutes") == null
                                ? "5"
                                : ctx.queryParams().get("minutes"));
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
        ctx.response()
                .setStatusCode(code)
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(codec.toJson(body));
    }
}
