package io.nara.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.coap.CoapSettings;
import io.nara.gateway.status.InstallerToken;
import io.nara.gateway.status.LocalApiGuard;
import io.nara.gateway.testkit.PipelineFixture;
import io.nara.gateway.testkit.Proc;
import io.nara.gateway.testkit.Tools;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer lets in a CoAP device whose key the hub lacks, the way it happens in a home: the device (libcoap's
 * coap-client over DTLS) is refused and listed as waiting for its key; the installer turns on pairing mode and gives
 * the key through the hub's local API or {@code nara-installer coap-key}; the device's next handshake succeeds, and
 * after the hub's CoAP server restarts it still does. The real pipeline, outbox, guard and key file throughout.
 */
class CoapKeyJourneyTest {

    private static final String CLIENT = "coap-client-openssl";
    private static final String SCALE = "ip-scale-1";
    private static final String KEY = "scale-key-0123456789";
    private static final String NEWCOMER = "ip-newcomer-2";
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String FILE_BEFORE = "# keys of this home's IP devices\nip-other-1=other-key-0123456\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private PipelineFixture hub;
    private DeviceStates states;
    private DeviceTransports transports;
    private TransportSettings settings;
    private HttpServer server;
    private URI base;
    private InstallerToken token;
    private Path keys;
    private int coapPort;

    @BeforeEach
    void start() throws Exception {
        Tools.require(CLIENT, "libcoap3-bin");
        hub = new PipelineFixture(dir, SCALE + ":generic-weight-scale");
        keys = dir.resolve("coap-psk");
        Files.writeString(keys, FILE_BEFORE);
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            coapPort = free.getLocalPort();
        }
        settings = new TransportSettings(null, new CoapSettings("127.0.0.1", coapPort, -1, keys), List.of(), null);
        states = new DeviceStates(Clock.systemUTC());
        startTransports();
        token = InstallerToken.loadOrCreate(dir.resolve("data"));
        server = serve(transports);
        base = URI.create("http://127.0.0.1:" + server.actualPort());
    }

    private void startTransports() throws Exception {
        transports = new DeviceTransports(
                hub.vertx, settings, hub.pipeline, Clock.systemUTC(), PipelineFixture.ZONE, states, null, id -> null);
        transports.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(transports.running()).contains("coap");
    }

    /** The hub's local API as the status page mounts it: the guard in front of the installer's routes. */
    private HttpServer serve(DeviceTransports with) throws Exception {
        Router router = Router.router(hub.vertx);
        router.route()
                .handler(new LocalApiGuard(
                        token,
                        Set.of(),
                        (ctx, code, problem) -> ctx.response()
                                .setStatusCode(code)
                                .putHeader("content-type", "application/json")
                                .end(JSON.createObjectNode()
                                        .put("problem", problem)
                                        .toString())));
        new InstallerApi(states, with, Clock.systemUTC(), new MessageCodec()).mount(router);
        // /api/status is the status page's; nara-installer status reads it beside /api/devices.
        router.get("/api/status")
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end("{\"hubId\":\"hub-test-1\",\"connectedToCloud\":true,\"clock\":\"synchronised\","
                                + "\"outboxPending\":0,\"quarantined\":0,\"devices\":[]}"));
        return hub.vertx
                .createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (transports != null) {
            transports.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    private Proc post(String identity, String key, double kg) throws Exception {
        String senml = "[{\"bn\":\"urn:dev:" + identity + ":\",\"n\":\"weight\",\"u\":\"kg\",\"v\":" + kg + "}]";
        return Proc.start(
                dir,
                "coap-client",
                List.of(
                        CLIENT,
                        "-m",
                        "post",
                        "-t",
                        "110",
                        "-B",
                        "10",
                        "-w",
                        "-e",
                        senml,
                        "-u",
                        identity,
                        "-k",
                        key,
                        "coaps://127.0.0.1:" + coapPort + "/senml"));
    }

    /** Runs the device's POST and gives what coap-client printed (its answer, or nothing when refused). */
    private String send(String identity, String key, double kg) throws Exception {
        try (Proc client = post(identity, key, kg)) {
            client.await(LIMIT);
            return client.output();
        }
    }

    private HttpResponse<String> postBody(String json, String bearer) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("/api/coap-keys"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + bearer)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postKey(String identity, String key) throws Exception {
        return postBody(
                JSON.createObjectNode()
                        .put("identity", identity)
                        .put("key", key)
                        .toString(),
                token.value());
    }

    private JsonNode devices() throws Exception {
        return JSON.readTree(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("/api/devices")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private InstallerCli cli(String stdin, String... args) {
        return InstallerCli.run(base, token.file(), stdin, args);
    }

    private void pairingOn() {
        states.pairingMode(Instant.now().plus(Duration.ofMinutes(5)));
    }

    @Test
    void aDeviceWhoseKeyTheHubLacksIsRefusedAndListedAsWaitingForItsKey() throws Exception {
        assertThat(send(SCALE, KEY, 82.4)).doesNotContain("2.04");
        assertThat(hub.stored).isEmpty();
        assertThat(states.discovered().unbound(Set.of())).singleElement().satisfies(d -> {
            assertThat(d.deviceId()).isEqualTo(SCALE);
            assertThat(d.detail()).isEqualTo(DeviceTransports.KEY_MISSING);
        });
        JsonNode waiting = devices().path("waitingForKey");
        assertThat(waiting).hasSize(1);
        assertThat(waiting.get(0).path("identity").asText()).isEqualTo(SCALE);
        assertThat(waiting.get(0).path("lastTried").asText()).isNotEmpty();
    }

    @Test
    void withoutPairingModeTheKeyIsRefusedWith409AndNothingIsWritten() throws Exception {
        HttpResponse<String> r = postKey(SCALE, KEY);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(r.body()).path("problem").asText()).contains("turn on pairing mode first");
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE);
        assertThat(send(SCALE, KEY, 82.4)).doesNotContain("2.04");

        InstallerCli cli = cli(KEY + "\n", "coap-key", SCALE);
        assertThat(cli.exit()).isNotZero();
        assertThat(cli.err()).contains("409", "turn on pairing mode first");
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE);
    }

    @Test
    void aWrongTokenIs401AndNothingIsWritten() throws Exception {
        pairingOn();
        HttpResponse<String> r = postBody(
                JSON.createObjectNode().put("identity", SCALE).put("key", KEY).toString(), "0".repeat(32));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(KEY);
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE);
    }

    @Test
    void aBadKeyOrIdentityIs400NamingTheProblemAndTheFileIsUnchanged() throws Exception {
        pairingOn();
        String[][] cases = {
            {SCALE, "sh0rt7", "shorter than 8 bytes"},
            {SCALE, "hex:00112233445566zz", "not hex"},
            {SCALE, "hex:0011223", "not hex"},
            {"bad identity!", KEY, "identity must be a device id"},
            {SCALE, "", "key is missing"}
        };
        for (String[] c : cases) {
            HttpResponse<String> r = postKey(c[0], c[1]);
            assertThat(r.statusCode()).as(c[2]).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("problem").asText())
                    .as(c[2])
                    .contains(c[2]);
            if (!c[1].isEmpty()) {
                assertThat(r.body()).as("the key is never answered back").doesNotContain(c[1]);
            }
        }
        InstallerCli nothing = cli("", "coap-key", SCALE);
        assertThat(nothing.exit()).isNotZero();
        assertThat(nothing.err()).contains("no key on standard input");
        HttpResponse<String> notJson = postBody("identity=" + SCALE, token.value());
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).path("problem").asText()).contains("\"identity\"", "\"key\"");
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE);
    }

    @Test
    void inPairingModeTheInstallersKeyLetsTheDeviceInAndARestartKeepsIt() throws Exception {
        assertThat(send(SCALE, KEY, 82.4)).doesNotContain("2.04");
        InstallerCli status = cli("", "status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("CoAP device " + SCALE, "waiting for its key", "nara-installer coap-key " + SCALE);

        pairingOn();
        InstallerCli given = cli(KEY + "\n", "coap-key", SCALE);
        assertThat(given.exit()).as(given.err()).isZero();
        assertThat(given.out())
                .contains("key of " + SCALE + " added", "can connect now")
                .doesNotContain(KEY);
        // Written durably beside the others: the comment and the other device's key are kept; only the hub reads it.
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE + SCALE + "=" + KEY + "\n");
        assertThat(Files.getPosixFilePermissions(keys))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        assertThat(devices().path("waitingForKey")).isEmpty();
        assertThat(states.discovered().unbound(Set.of()))
                .singleElement()
                .extracting(HubStatus.DiscoveredDevice::detail)
                .isEqualTo(DeviceTransports.KEY_GIVEN);

        // The running server has the key: the device's next handshake succeeds and its weight is stored.
        String answered = send(SCALE, KEY, 82.4);
        assertThat(answered).doesNotContain("4.").doesNotContain("5.");
        await().atMost(LIMIT).until(() -> hub.observations().size() == 1);
        assertThat(hub.observations()).extracting(Observation::value).containsExactly(82.4);

        // The hub's CoAP server restarts (as with the hub): the key is read from the file again.
        transports.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        startTransports();
        server.close();
        server = serve(transports);
        base = URI.create("http://127.0.0.1:" + server.actualPort());
        assertThat(send(SCALE, KEY, 82.6)).doesNotContain("4.").doesNotContain("5.");
        await().atMost(LIMIT).until(() -> hub.observations().size() == 2);
    }

    @Test
    void anUnboundDeviceLetInHasItsReadingHeldAndAResetDevicesKeyIsReplaced() throws Exception {
        pairingOn();
        HttpResponse<String> added = postKey(NEWCOMER, "hex:00112233445566778899aabbccddeeff");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(JSON.readTree(added.body()).path("replaced").asBoolean()).isFalse();
        assertThat(added.body()).doesNotContain("00112233445566778899aabbccddeeff");
        assertThat(Files.readString(keys))
                .isEqualTo(FILE_BEFORE + NEWCOMER + "=hex:00112233445566778899aabbccddeeff\n");

        // A reset device comes back with a new key: replacing it is allowed in pairing mode, and said.
        HttpResponse<String> first = postKey(NEWCOMER, "first-key-0123456");
        assertThat(JSON.readTree(first.body()).path("replaced").asBoolean()).isTrue();
        assertThat(JSON.readTree(first.body()).path("result").asText()).contains("replaced");
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE + NEWCOMER + "=first-key-0123456\n");
        // Let in, but bound to nobody: refused as today, its reading held in the quarantine for the nurse.
        assertThat(send(NEWCOMER, "first-key-0123456", 79.0)).contains("4.01").contains("not bound");
        await().atMost(LIMIT).until(() -> hub.quarantined() == 1);
        assertThat(hub.stored).isEmpty();

        InstallerCli replaced = cli("second-key-0123456\n", "coap-key", NEWCOMER);
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("replaced");
        assertThat(send(NEWCOMER, "first-key-0123456", 79.1))
                .as("the old key no longer works")
                .doesNotContain("4.01");
        assertThat(hub.quarantined()).isEqualTo(1);
        assertThat(send(NEWCOMER, "second-key-0123456", 79.2)).contains("4.01");
        await().atMost(LIMIT).until(() -> hub.quarantined() == 2);
        assertThat(Files.readString(keys)).isEqualTo(FILE_BEFORE + NEWCOMER + "=second-key-0123456\n");
    }
}
