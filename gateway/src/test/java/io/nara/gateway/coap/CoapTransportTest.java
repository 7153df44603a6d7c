package io.nara.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.testkit.PipelineFixture;
import io.nara.gateway.testkit.Proc;
import io.nara.gateway.testkit.Tools;
import io.nara.protocol.message.Observation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's CoAP server against libcoap's coap-client as the device, plain and over DTLS with a PSK. */
class CoapTransportTest {

    private static final String CLIENT = "coap-client-openssl";
    private static final String KEY = "scale-key-0123456789";
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String WEIGHT = "[{\"bn\":\"urn:dev:ip-scale-1:\",\"n\":\"weight\",\"u\":\"kg\",\"v\":82.4}]";

    @TempDir
    Path dir;

    private PipelineFixture hub;
    private CoapTransport coap;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Set<String> unknownKeys = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        Tools.require(CLIENT, "libcoap3-bin");
        hub = new PipelineFixture(dir, "ip-scale-1:generic-weight-scale");
        Path keys = dir.resolve("coap-psk");
        Files.writeString(keys, "# device=key\nip-scale-1=" + KEY + "\nip-stranger-1=stranger-key-0123\n");
        coap = new CoapTransport(
                hub.vertx,
                new CoapSettings("127.0.0.1", 0, 0, keys),
                hub.pipeline,
                PipelineFixture.ZONE,
                seen::add,
                unknownKeys::add);
        coap.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (coap != null) {
            coap.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    private Proc post(String identity, String key, String uri, int format, String payload) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(CLIENT, "-m", "post", "-t", String.valueOf(format), "-B", "10", "-w", "-e", payload));
        if (identity != null) {
            cmd.addAll(List.of("-u", identity, "-k", key));
        }
        cmd.add(uri);
        return Proc.start(dir, "coap-client", cmd);
    }

    private String dtls(String path) {
        return "coaps://127.0.0.1:" + coap.dtlsPort() + path;
    }

    @Test
    void dtlsPskReadingIsStoredAndAnswered204() throws Exception {
        try (Proc client = post("ip-scale-1", KEY, dtls("/senml"), 110, WEIGHT)) {
            assertThat(client.await(LIMIT)).as(client.output()).isZero();
            assertThat(client.output()).doesNotContain("4.");
        }
        List<Observation> obs = hub.observations();
        assertThat(obs).singleElement().satisfies(o -> {
            assertThat(o.deviceId()).isEqualTo("ip-scale-1");
            assertThat(o.code()).isEqualTo("29463-7");
            assertThat(o.value()).isEqualTo(82.4);
        });
        assertThat(seen).contains("ip-scale-1");
    }

    @Test
    void answers204OnlyOnceTheOutboxHoldsTheReading() throws Exception {
        CountDownLatch release = hub.holdOutbox();
        try (Proc client = post("ip-scale-1", KEY, dtls("/senml"), 110, WEIGHT)) {
            await().atMost(LIMIT).until(() -> seen.contains("ip-scale-1"));
            // The request reached the resource but the outbox cannot store: the device must still be waiting.
            assertThat(client.alive())
                    .as("coap-client got an answer before the outbox held the reading")
                    .isTrue();
            assertThat(hub.stored).isEmpty();
            release.countDown();
            assertThat(client.await(LIMIT)).as(client.output()).isZero();
            assertThat(hub.outboxSize()).isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void wrongKeyIsRefusedInTheHandshake() throws Exception {
        try (Proc client = post("ip-scale-1", "not-the-right-key", dtls("/senml"), 110, WEIGHT)) {
            client.await(LIMIT);
            assertThat(client.output()).doesNotContain("2.04");
        }
        assertThat(hub.stored).isEmpty();
        assertThat(seen).isEmpty();
    }

    @Test
    void anIdentityWhoseKeyTheHubLacksIsRefusedAndReportedAsUnknown() throws Exception {
        try (Proc client = post("ip-newcomer-7", "newcomer-key-0123", dtls("/senml"), 110, WEIGHT)) {
            client.await(LIMIT);
            assertThat(client.output()).doesNotContain("2.04");
        }
        assertThat(hub.stored).isEmpty();
        assertThat(seen).isEmpty();
        assertThat(unknownKeys).containsExactly("ip-newcomer-7");
        // A known identity with a wrong key is not a newcomer: the hub has a key for it.
        try (Proc client = post("ip-scale-1", "not-the-right-key", dtls("/senml"), 110, WEIGHT)) {
            client.await(LIMIT);
        }
        assertThat(unknownKeys).containsExactly("ip-newcomer-7");
    }

    @Test
    void anImplausibleIdentityIsNotPassedOn() {
        assertThat(ReportingPskStore.plausible("ip-scale-1")).isTrue();
        assertThat(ReportingPskStore.plausible("AA:00:00:00:00:0C")).isTrue();
        assertThat(ReportingPskStore.plausible("bad\nidentity")).isFalse();
        assertThat(ReportingPskStore.plausible("x".repeat(65))).isFalse();
        assertThat(ReportingPskStore.plausible("")).isFalse();
    }

    @Test
    void malformedSenmlGets400WithADiagnosticAndIsQuarantined() throws Exception {
        try (Proc client = post("ip-scale-1", KEY, dtls("/senml"), 110, "[{\"n\":\"weight\",\"v\":\"heavy\"}")) {
            client.await(LIMIT);
            assertThat(client.output()).contains("4.00").contains("malformed SenML");
        }
        assertThat(hub.stored).isEmpty();
        assertThat(hub.quarantined()).isEqualTo(1);
    }

    @Test
    void aScaleSendingABloodPressureIsQuarantinedNeverEvaluated() throws Exception {
        String pressure = "[{\"bn\":\"urn:dev:ip-scale-1:\",\"n\":\"systolic\",\"u\":\"mm[Hg]\",\"v\":70},"
                + "{\"n\":\"diastolic\",\"u\":\"mm[Hg]\",\"v\":40}]";
        try (Proc client = post("ip-scale-1", KEY, dtls("/senml"), 110, pressure)) {
            client.await(LIMIT);
            assertThat(client.output()).contains("4.").contains("does not measure");
        }
        // Not stored, so no systolic-low alert: kept in quarantine with the reason.
        assertThat(hub.stored).isEmpty();
        assertThat(hub.quarantined()).isEqualTo(1);

        // A weight with a pressure: the weight is the scale's and is stored; the pressure is quarantined.
        String mixed = "[{\"bn\":\"urn:dev:ip-scale-1:\",\"n\":\"weight\",\"u\":\"kg\",\"v\":82.1},"
                + "{\"n\":\"systolic\",\"u\":\"mm[Hg]\",\"v\":70}]";
        try (Proc client = post("ip-scale-1", KEY, dtls("/senml"), 110, mixed)) {
            assertThat(client.await(LIMIT)).as(client.output()).isZero();
        }
        assertThat(hub.observations()).extracting(Observation::code).containsExactly("29463-7");
        assertThat(hub.quarantined()).isEqualTo(2);
    }

    @Test
    void identityNotBoundToThisHubGets401() throws Exception {
        try (Proc client = post("ip-stranger-1", "stranger-key-0123", dtls("/senml"), 110, WEIGHT)) {
            client.await(LIMIT);
            assertThat(client.output()).contains("4.01").contains("not bound");
        }
        assertThat(hub.stored).isEmpty();
    }

    @Test
    void plainCoapOnABenchNamesTheDeviceInTheQuery() throws Exception {
        String uri = "coap://127.0.0.1:" + coap.plainPort() + "/senml?d=ip-scale-1";
        try (Proc client = post(null, null, uri, 110, WEIGHT)) {
            assertThat(client.await(LIMIT)).as(client.output()).isZero();
            assertThat(client.output()).doesNotContain("4.");
        }
        assertThat(hub.observations()).hasSize(1);
        try (Proc anonymous = post(null, null, "coap://127.0.0.1:" + coap.plainPort() + "/senml", 110, WEIGHT)) {
            anonymous.await(LIMIT);
            assertThat(anonymous.output()).contains("4.01");
        }
    }
}
