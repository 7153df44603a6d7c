package io.nara.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.status.InstallerToken;
import io.nara.gateway.status.LocalApiGuard;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer's API ({@code GET /api/devices}, {@code POST /api/pairing}) on a real Vert.x server, and the
 * installer's command line ({@link InstallerCommand}) against it. {@code /api/status} belongs to the status page; a
 * fixed answer of its shape stands in for it here.
 */
class InstallerApiTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final String CUFF = "AA:00:00:00:00:01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final DeviceStates states = new DeviceStates(clock);
    private Vertx vertx;
    private HttpServer server;
    private URI base;
    private InstallerToken token;

    @TempDir
    Path dataDir;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        DeviceTransports transports = new DeviceTransports(
                vertx, TransportSettings.none(), null, clock, ZoneOffset.UTC, states, null, id -> null);
        Router router = Router.router(vertx);
        token = InstallerToken.loadOrCreate(dataDir);
        router.route()
                .handler(new LocalApiGuard(
                        token,
                        Set.of("nara-hub-7", "nara-hub-7.local"),
                        (ctx, code, problem) -> ctx.response()
                                .setStatusCode(code)
                                .putHeader("content-type", "application/json")
                                .end(JSON.createObjectNode()
                                        .put("problem", problem)
                                        .toString())));
        new InstallerApi(states, transports, clock, new MessageCodec()).mount(router);
        router.get("/api/status")
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end("""
                        {"hubId":"hub-test-1","connectedToCloud":true,"clock":"synchronised","outboxPending":2,
                         "quarantined":0,"devices":[
                          {"deviceId":"AA:00:00:00:00:01","model":"and-ua-651ble","transport":"ble",
                           "connection":"CONNECTED","lastReading":"2026-11-23T07:55:00Z","battery":80,
                           "deviceClock":"SET","pairing":"PAIRED","attention":null},
                          {"deviceId":"AA:00:00:00:00:02","model":"generic-weight-scale","transport":"ble",
                           "connection":"UNREACHABLE","lastReading":null,"battery":null,"deviceClock":"NOT_NEEDED",
                           "pairing":"NOT_APPLICABLE","attention":"not seen for 3 days"}]}"""));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + server.actualPort());
        states.transport(CUFF, "ble");
        states.connection(CUFF, DeviceStates.Connection.CONNECTED);
        states.battery(CUFF, 80);
        states.clock(CUFF, DeviceStates.ClockState.SET);
        states.pairing(CUFF, DeviceStates.Pairing.PAIRED);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        return http(method, path, "Authorization", "Bearer " + token.value());
    }

    private HttpResponse<String> http(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A raw request, for the Host header that java.net.http does not let a caller set. */
    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void pairingNeedsTheInstallerToken() throws Exception {
        HttpResponse<String> none = http("POST", "/api/pairing?minutes=30", "X-Nothing", "1");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).path("problem").asText())
                .contains("installer token", token.file().toString(), "nara-installer token");
        HttpResponse<String> wrong =
                http("POST", "/api/pairing?minutes=30", "Authorization", "Bearer " + "0".repeat(32));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(states.pairingMode()).as("nothing opened pairing mode").isFalse();
        assertThat(http("GET", "/api/devices", "X-Nothing", "1").statusCode())
                .as("reading needs no token")
                .isEqualTo(200);
        assertThat(Files.getPosixFilePermissions(token.file()))
                .as("only the hub's user reads the token")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(InstallerToken.loadOrCreate(dataDir))
                .as("kept across restarts")
                .isEqualTo(token);
    }

    @Test
    void aForeignPageCannotChangeTheHubEvenWithTheToken() throws Exception {
        for (String[] foreign :
                new String[][] {{"Origin", "http://evil.example"}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}
                }) {
            HttpResponse<String> r = http(
                    "POST",
                    "/api/pairing?minutes=30",
                    "Authorization",
                    "Bearer " + token.value(),
                    foreign[0],
                    foreign[1]);
            assertThat(r.statusCode()).as(foreign[1]).isEqualTo(403);
        }
        assertThat(states.pairingMode()).isFalse();
        HttpResponse<String> own = http(
                "POST",
                "/api/pairing?minutes=5",
                "Authorization",
                "Bearer " + token.value(),
                "Origin",
                "http://127.0.0.1:" + server.actualPort());
        assertThat(own.statusCode()).as("the status page's own origin").isEqualTo(200);
    }

    @Test
    void aRebindedNameIsRefusedAndTheHubsOwnNamesAreNot() throws Exception {
        String rebound = rawRequest(
                "GET /api/devices HTTP/1.1\r\nHost: attacker.example:8081\r\n" + "Connection: close\r\n\r\n");
        assertThat(rebound)
                .startsWith("HTTP/1.1 421")
                .contains("does not answer to Host 'attacker.example:8081'")
                .doesNotContain("AA:00:00:00:00:01");
        for (String own :
                new String[] {"localhost:8081", "192.168.1.20:8081", "[::1]:8081", "nara-hub-7.local", "NARA-HUB-7:8081"
                }) {
            assertThat(rawRequest("GET /api/devices HTTP/1.1\r\nHost: " + own + "\r\nConnection: close\r\n\r\n"))
                    .as(own)
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void devicesListsEachDevicesConnectionBatteryClockAndPairing() throws Exception {
        HttpResponse<String> r = http("GET", "/api/devices");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("pairingMode").asBoolean()).isFalse();
        assertThat(body.path("transports").isArray()).isTrue();
        JsonNode cuff = body.path("devices").path(CUFF);
        assertThat(cuff.path("transport").asText()).isEqualTo("ble");
        assertThat(cuff.path("connection").asText()).isEqualTo("CONNECTED");
        assertThat(cuff.path("battery").asInt()).isEqualTo(80);
        assertThat(cuff.path("clock").asText()).isEqualTo("SET");
        assertThat(cuff.path("pairing").asText()).isEqualTo("PAIRED");
    }

    @Test
    void aStaleBondSaysWhatToDoAndCountsAsADeviceNeedingAttention() throws Exception {
        assertThat(states.needingAttention()).isZero();
        states.pairing(CUFF, DeviceStates.Pairing.STALE_BOND);
        JsonNode cuff = JSON.readTree(http("GET", "/api/devices").body())
                .path("devices")
                .path(CUFF);
        assertThat(cuff.path("pairing").asText()).isEqualTo("STALE_BOND");
        assertThat(cuff.path("attention").asText()).contains("stale bond", "turn on pairing mode", "pair it again");
        assertThat(states.needingAttention()).as("the LED's double blink").isEqualTo(1);
    }

    @Test
    void pairingModeOpensForBoundedMinutesAndCloses() throws Exception {
        HttpResponse<String> on = http("POST", "/api/pairing?minutes=5");
        assertThat(on.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(on.body()).path("pairingMode").asBoolean()).isTrue();
        assertThat(states.pairingUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(JSON.readTree(http("GET", "/api/devices").body())
                        .path("pairingMode")
                        .asBoolean())
                .isTrue();

        for (String bad : new String[] {"0", "-1", "31", "five"}) {
            HttpResponse<String> r = http("POST", "/api/pairing?minutes=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("problem").asText()).as(bad).isNotEmpty();
        }
        assertThat(states.pairingUntil())
                .as("a refused request leaves pairing mode as it was")
                .isEqualTo(NOW.plus(Duration.ofMinutes(5)));

        HttpResponse<String> off = http("POST", "/api/pairing?off");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(off.body()).path("pairingMode").asBoolean()).isFalse();
        assertThat(states.pairingMode()).isFalse();
    }

    @Test
    void aCoapKeyOnAHubWithoutCoapSaysHowToTurnItOn() throws Exception {
        states.pairingMode(NOW.plus(Duration.ofMinutes(5)));
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("/api/coap-keys"))
                                .header("Authorization", "Bearer " + token.value())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"identity\":\"ip-scale-1\",\"key\":\"key-0123456789\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(r.body()).path("problem").asText())
                .contains("runs no CoAP server", "COAP=yes", "/etc/nara/hub.conf");
        assertThat(r.body()).doesNotContain("key-0123456789");
        assertThat(JSON.readTree(http("GET", "/api/devices").body()).path("waitingForKey"))
                .isEmpty();
    }

    @Test
    void pairingModeDefaultsToFiveMinutes() throws Exception {
        assertThat(http("POST", "/api/pairing").statusCode()).isEqualTo(200);
        assertThat(states.pairingUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    private InstallerCli cli(String... args) {
        return InstallerCli.run(base, token.file(), "", args);
    }

    @Test
    void commandLineTurnsPairingOnAndOff() {
        InstallerCli on = cli("pairing", "on", "--minutes", "7");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(on.out()).contains("pairing mode on until", "press the pairing button");
        assertThat(states.pairingUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(7)));

        InstallerCli tooLong = cli("pairing", "on", "--minutes", "99");
        assertThat(tooLong.exit()).isNotZero();
        assertThat(tooLong.err()).contains("400", "1 to 30 minutes");

        InstallerCli off = cli("pairing", "off");
        assertThat(off.exit()).as(off.err()).isZero();
        assertThat(off.out()).contains("pairing mode off");
        assertThat(states.pairingMode()).isFalse();

        assertThat(cli("pairing", "sideways").exit()).isNotZero();
        InstallerCli shown = cli("token");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out().strip()).isEqualTo(token.value());
    }

    @Test
    void commandLineStatusShowsEveryDeviceAndExitsThreeWhenOneNeedsAttention() {
        InstallerCli status = cli("status");
        assertThat(status.exit()).as(status.err()).isEqualTo(3);
        assertThat(status.out())
                .contains("hub hub-test-1: cloud connected", "2 pending", "pairing mode: off", "DEVICE", "BATTERY");
        assertThat(status.out().lines().filter(l -> l.startsWith(CUFF)).findFirst())
                .hasValueSatisfying(l -> assertThat(l).contains("and-ua-651ble", "CONNECTED", "80 %", "SET", "PAIRED"));
        assertThat(status.out()
                        .lines()
                        .filter(l -> l.startsWith("AA:00:00:00:00:02"))
                        .findFirst())
                .hasValueSatisfying(l -> assertThat(l).contains("UNREACHABLE", "never", "not seen for 3 days"));
    }

    @Test
    void commandLineSaysSoWhenTheHubIsNotThere() throws Exception {
        int port = server.actualPort();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + port);
        InstallerCli r = cli("status");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).isNotEmpty();
    }
}
