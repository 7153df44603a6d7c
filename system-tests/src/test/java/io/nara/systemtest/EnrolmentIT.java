package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.enrol.EstClient;
import io.nara.gateway.enrol.HubIdentity;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub's identity against the real broker (the whole journey from nothing to a nurse's inbox is
 * {@link HomeEnrolmentPageIT}): a hub waits for enrolment and says why until its code is right; revoked, the same
 * certificate can no longer connect (the CRL the ingest wrote, re-read by the broker on SIGHUP); bad enrolment input is refused with the problem named and changes nothing; a hub renews its certificate by itself.
 */
class EnrolmentIT {

    private static final Duration DEADLINE = Services.DEADLINE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DevStack stack;
    private static final ShiftedClock clock = new ShiftedClock();
    private static Services.Ingest ingest;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        // One-hour certificates, so a hub that renews when less than 59 min 55 s are left renews within seconds.
        ingest = Services.startEnrollingIngest(
                stack,
                clock,
                AlertingSettings.defaults(),
                new HubEnrolment.Settings(Duration.ofDays(30), Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    @Test
    void aHubWaitsForEnrolmentAndSaysWhyUntilItHasAGoodCode(@TempDir Path dir) throws Exception {
        String hubId = newHubId();
        String code = register(hubId);
        Path codeFile = Files.writeString(dir.resolve("enrolment-code"), "WRONG-CODE-0000-0000\n");
        try (Services.Hub hub = Services.startEnrollingHub(
                stack, ingest, hubId, dir.resolve("data"), codeFile, Duration.ofMinutes(1))) {
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("enrolment")
                            .get("waiting")
                            .asText()
                            .contains("wrong enrolment code"));
            assertThat(Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean())
                    .isFalse();
            // The installer fixes the code file; the hub reads it again on its next attempt, no restart.
            Files.writeString(codeFile, code.toLowerCase() + "\n");
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
        }
    }

    @Test
    void aRevokedHubCannotConnectToTheBroker(@TempDir Path dir) throws Exception {
        String hubId = newHubId();
        Path codeFile = Files.writeString(dir.resolve("enrolment-code"), register(hubId) + "\n");
        TlsIdentity identity;
        try (Services.Hub hub = Services.startEnrollingHub(
                stack, ingest, hubId, dir.resolve("data"), codeFile, Duration.ofMinutes(1))) {
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
            identity = new HubIdentity(dir.resolve("data"), hubId).tlsIdentity();
        }
        assertThat(connects(identity, hubId))
                .as("the enrolled certificate connects")
                .isTrue();

        HttpResponse<String> revoked = post("/api/fleet/hubs/" + hubId + "/revoke", "{\"reason\":\"stolen\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(fleetRow(hubId).get("lifecycle").asText()).isEqualTo("REVOKED");
        // The answer came after the CRL was written and the broker told; the broker re-reads it at once.
        await().atMost(DEADLINE).until(() -> !connects(identity, hubId));

        HttpResponse<String> again = post("/api/fleet/hubs/" + hubId + "/code", "{}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("revoked");
    }

    @Test
    void badEnrolmentInputIsRefusedWithTheProblemNamedAndChangesNothing(@TempDir Path dir) throws Exception {
        String hubId = newHubId();
        String code = register(hubId);
        EstClient est = new EstClient(
                URI.create("https://localhost:" + ingest.service().estPort()),
                List.of(stack.pkiDir().resolve("ca.crt")).stream()
                        .map(EnrolmentIT::pem)
                        .toList());
        HubIdentity identity = new HubIdentity(dir, hubId);
        KeyPair key = HubIdentity.newKeyPair();

        assertRefused(
                () -> est.simpleEnroll(hubId, "AAAA-BBBB-CCCC-DDDD", identity.request(key)),
                401,
                "wrong enrolment code for hub " + hubId);
        assertRefused(
                () -> est.simpleEnroll("hub-nobody-knows", code, identity.request(key)),
                401,
                "unknown hub hub-nobody-knows");
        assertRefused(
                () -> est.simpleEnroll(hubId, code, new HubIdentity(dir, "another-hub").request(key)),
                400,
                "CN=another-hub does not match hub id " + hubId);
        assertRefused(() -> est.simpleEnroll(hubId, code, new byte[] {1, 2, 3}), 400, "not a PKCS#10");
        // None of these used the code or issued anything.
        assertThat(count("SELECT count(*) FROM hub_certificate WHERE hub_id = '" + hubId + "'"))
                .isZero();
        assertThat(fleetRow(hubId).get("lifecycle").asText()).isEqualTo("IN_STOCK");
        assertThat(fleetRow(hubId).get("codeValidUntil").isNull()).isFalse();
        // Each refusal is kept for the operator with its problem.
        assertThat(count("SELECT count(*) FROM rejected_message WHERE topic LIKE 'est:%' AND hub_id = '" + hubId
                        + "' AND problem LIKE '%does not match hub id%'"))
                .isEqualTo(1);

        // An expired code.
        clock.shift = Duration.ofDays(31);
        try {
            assertRefused(() -> est.simpleEnroll(hubId, code, identity.request(key)), 401, "expired at");
        } finally {
            clock.shift = Duration.ZERO;
        }
        String fresh = post("/api/fleet/hubs/" + hubId + "/code", "{}").body();
        String freshCode = JSON.readTree(fresh).get("code").asText();
        assertRefused(() -> est.simpleEnroll(hubId, code, identity.request(key)), 401, "replaced by a newer code");

        // The good code works once; the same request again gets the same certificate (a lost answer), another key not.
        X509Certificate cert = est.simpleEnroll(hubId, freshCode, identity.request(key));
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=" + hubId);
        assertThat(est.simpleEnroll(hubId, freshCode, identity.request(key)).getSerialNumber())
                .isEqualTo(cert.getSerialNumber());
        assertRefused(
                () -> est.simpleEnroll(hubId, freshCode, identity.request(HubIdentity.newKeyPair())),
                401,
                "already used");
        assertThat(count("SELECT count(*) FROM hub_certificate WHERE hub_id = '" + hubId + "'"))
                .isEqualTo(1);

        // Revoked: neither enrolment nor renewal.
        assertThat(post("/api/fleet/hubs/" + hubId + "/revoke", "{}").statusCode())
                .isEqualTo(200);
        assertRefused(() -> est.simpleEnroll(hubId, freshCode, identity.request(key)), 403, "is revoked");
    }

    @Test
    void aHubRenewsItsCertificateByItselfAndConnectsWithTheNewOne(@TempDir Path dir) throws Exception {
        String hubId = newHubId();
        Path codeFile = Files.writeString(dir.resolve("enrolment-code"), register(hubId) + "\n");
        String first;
        // Renew when less than 59 min 55 s of the one-hour certificate are left: five seconds after enrolment.
        Duration renewBefore = Duration.ofHours(1).minusSeconds(5);
        try (Services.Hub hub =
                Services.startEnrollingHub(stack, ingest, hubId, dir.resolve("data"), codeFile, renewBefore)) {
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
            first = Services.hubStatus(hub.statusUrl())
                    .get("enrolment")
                    .get("serial")
                    .asText();
            await().atMost(DEADLINE)
                    .until(() -> !first.equals(Services.hubStatus(hub.statusUrl())
                            .get("enrolment")
                            .get("serial")
                            .asText()));
        }
        assertThat(count(
                        "SELECT count(*) FROM hub_certificate WHERE hub_id = '" + hubId + "' AND issued_for = 'RENEW'"))
                .isPositive();
        // Started again, the hub connects with the renewed certificate from its data folder; no code is needed.
        Files.delete(codeFile);
        try (Services.Hub hub = Services.startEnrollingHub(
                stack, ingest, hubId, dir.resolve("data"), codeFile, Duration.ofMinutes(1))) {
            await().atMost(DEADLINE)
                    .until(() -> Services.hubStatus(hub.statusUrl())
                            .get("connectedToCloud")
                            .asBoolean());
            assertThat(Services.hubStatus(hub.statusUrl())
                            .get("enrolment")
                            .get("serial")
                            .asText())
                    .isNotEqualTo(first);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The real time, moved by {@code shift}: the ingest's certificates and codes age as in life, and a code can expire. */
    private static final class ShiftedClock extends Clock {
        volatile Duration shift = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void assertRefused(Call call, int status, String problem) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(EstClient.Refused.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.getMessage()).contains(problem);
        });
    }

    private static String newHubId() {
        return "hub-it-enrol-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a hub in stock through the fleet API and returns its one-time code. */
    private static String register(String hubId) throws Exception {
        HttpResponse<String> r = post("/api/fleet/hubs", "{\"hubId\":\"" + hubId + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String code = JSON.readTree(r.body()).get("code").asText();
        assertThat(code).matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");
        return code;
    }

    private static JsonNode fleetRow(String hubId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode row : JSON.readTree(r.body())) {
            if (row.get("hubId").asText().equals(hubId)) {
                return row;
            }
        }
        throw new AssertionError("hub " + hubId + " is not in the fleet register: " + r.body());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String sql) throws Exception {
        return ((Number) Alerting.rows(ingest, sql).get(0).get(0)).longValue();
    }

    /** Whether a plain MQTT client with this identity gets through the broker's TLS (and CRL) check. */
    private static boolean connects(TlsIdentity identity, String hubId) {
        BrokerConnection broker = new BrokerConnection(URI.create(stack.get("NARA_MQTT_URL")), identity);
        try {
            MqttClient client =
                    new MqttClient(broker.serverUri().toString(), hubId + "-probe", new MemoryPersistence());
            try {
                var options = broker.options(true, null, null);
                options.setAutomaticReconnect(false);
                client.connect(options);
                client.disconnect();
                return true;
            } finally {
                client.close(true);
            }
        } catch (MqttException e) {
            return false;
        }
    }

    private static X509Certificate pem(Path file) {
        try {
            return HubIdentity.trustAnchors(file, null).get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
