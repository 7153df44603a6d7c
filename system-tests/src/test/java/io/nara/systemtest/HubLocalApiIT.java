package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.gateway.HubService;
import io.nara.gateway.HubSettings;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.status.StatusPage;
import io.nara.gateway.uplink.Uplink;
import io.vertx.core.Vertx;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's local API is the installer's, not every web page's: a page in the patient's browser cannot raise an alert
 * through the simulated home or open pairing mode (no token, a foreign origin, a rebound host name), bad parameters
 * get a 400 that names them and never Java's text, and the simulated home is never offered off loopback. A real hub
 * on the dev stack's broker. A connection left open is closed by the hub.
 */
class HubLocalApiIT {

    private static final String HUB = "hub-it-local-api";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void onlyTheInstallerChangesTheHubAndBadParametersAreNamed(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        try (Services.Hub hub = Services.startHub(stack, HUB, dir.resolve("hub"), Services.homeConfig(1))) {
            String lowReading = "/api/simulate/cuff?systolic=82&diastolic=50&pulse=90";
            long pending = pending(hub);

            HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(hub.statusUrl() + lowReading))
                    .header("Origin", "http://evil.example")
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(anonymous.statusCode()).as("a cross-site form post").isEqualTo(403);
            HttpResponse<String> noToken = send(HttpRequest.newBuilder(URI.create(hub.statusUrl() + lowReading))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.body()).contains("installer token");
            HttpResponse<String> pairing =
                    send(HttpRequest.newBuilder(URI.create(hub.statusUrl() + "/api/pairing?minutes=30"))
                            .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(pairing.statusCode()).isEqualTo(401);
            HttpResponse<String> foreignWithToken =
                    send(hub.installerPost(lowReading).header("Origin", "null"));
            assertThat(foreignWithToken.statusCode())
                    .as("even a stolen token from a sandboxed page")
                    .isEqualTo(403);
            assertThat(pending(hub)).as("nothing refused reached the outbox").isEqualTo(pending);

            for (String bad : new String[] {
                "/api/simulate/cuff?systolic=abc",
                "/api/simulate/cuff?pulse=1e999",
                "/api/simulate/scale?kg=",
                "/api/simulate/raw?device=" + Services.CUFF,
                "/api/simulate/raw?device=" + Services.CUFF + "&characteristic=zz&hex=00",
                "/api/simulate/raw?device=" + Services.CUFF + "&characteristic=2A35&hex=0g"
            }) {
                HttpResponse<String> r = send(hub.installerPost(bad));
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(r.body())
                        .as(bad)
                        .contains("parameter '")
                        .doesNotContain("Exception", "java.", "For input string", "null");
            }
            assertThat(pending(hub)).isEqualTo(pending);

            HttpResponse<String> installer = send(hub.installerPost(lowReading));
            assertThat(installer.statusCode()).as(installer.body()).isEqualTo(201);
            assertThat(pending(hub)).isGreaterThan(pending);
        }
    }

    @Test
    void theSimulatedHomeIsNeverOfferedOnTheHomesNetwork(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        HubSettings onTheLan = new HubSettings(
                HUB,
                stack.broker(HUB),
                dir,
                null,
                "0.0.0.0",
                0,
                ZoneId.of("Europe/Stockholm"),
                true,
                true,
                0,
                new Uplink.Settings(200, 4, 10_000, 60_000, 0),
                StorageLimits.defaults());
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> vertx.deployVerticle(new HubService(onTheLan, Clock.systemUTC()))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("simulated home")
                    .hasMessageContaining("0.0.0.0");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConnectionLeftOpenIsClosedAndCleartextHttp2IsNotOffered(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        try (Services.Hub hub = Services.startHub(stack, HUB + "-idle", dir.resolve("hub"), Services.homeConfig(1));
                Socket socket =
                        new Socket("127.0.0.1", URI.create(hub.statusUrl()).getPort())) {
            // Well past the idle timeout: a server that never closes fails the read below instead of hanging.
            socket.setSoTimeout((int) StatusPage.IDLE_TIMEOUT.multipliedBy(3).toMillis());
            socket.getOutputStream()
                    .write(("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The answer, then nothing more from the client: the hub closes the connection by itself.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("101 Switching Protocols");
        }
    }

    private static long pending(Services.Hub hub) throws Exception {
        return Services.hubStatus(hub.statusUrl()).get("outboxPending").asLong();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
