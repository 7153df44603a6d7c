package io.nara.gateway.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.testkit.PipelineFixture;
import io.nara.gateway.testkit.Proc;
import io.nara.gateway.testkit.Python;
import io.nara.gateway.testkit.Tools;
import io.nara.protocol.message.Observation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASTM over TCP and over a socat pseudo-terminal pair, and POCT1-A2 over TCP, each with a simulated analyzer in its
 * own process (test resources analyzer-sim/*.py).
 */
class AnalyzerTransportTest {

    private static final Duration LIMIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private PipelineFixture hub;
    private AnalyzerTransport transport;
    private final Events events = new Events();

    static final class Events implements AnalyzerEvents {
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger rejectedFrames = new AtomicInteger();
        final AtomicInteger stored = new AtomicInteger();
        final ConcurrentHashMap<String, Boolean> connected = new ConcurrentHashMap<>();

        @Override
        public void connected(String deviceId, boolean up) {
            connected.put(deviceId, up);
        }

        @Override
        public void messageReceived(String deviceId) {
            messages.incrementAndGet();
        }

        @Override
        public void frameRejected(String deviceId) {
            rejectedFrames.incrementAndGet();
        }

        @Override
        public void resultsStored(String deviceId, int entries) {
            stored.incrementAndGet();
        }
    }

    @BeforeEach
    void fixture() throws Exception {
        hub = new PipelineFixture(dir, "astm-1:roche-cobas-h-232", "poc-1:roche-cobas-h-232", "tty-1:generic-x");
    }

    @AfterEach
    void stop() throws Exception {
        if (transport != null) {
            transport.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        hub.close();
    }

    private void start(AnalyzerEndpoint... endpoints) throws Exception {
        transport =
                new AnalyzerTransport(hub.vertx, hub.pipeline, List.of(endpoints), 5_000, Clock.systemUTC(), events);
        transport.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static AnalyzerEndpoint tcp(AnalyzerEndpoint.Protocol protocol, String device) {
        return new AnalyzerEndpoint(protocol, AnalyzerEndpoint.Link.TCP, device, "127.0.0.1", 0, null, 0);
    }

    private void assertPotassiumStoredWithAlert(String device) {
        List<Observation> obs = hub.observations();
        assertThat(obs).extracting(Observation::code).containsExactly("2823-3", "14682-9");
        assertThat(obs).allSatisfy(o -> assertThat(o.deviceId()).isEqualTo(device));
        assertThat(obs.get(0).value()).isEqualTo(6.1);
        assertThat(hub.stored)
                .filteredOn(e -> e instanceof OutboxEntry.AlertEntry)
                .extracting(e -> ((OutboxEntry.AlertEntry) e).alert().ruleId())
                .containsExactly("potassium-high");
    }

    @Test
    void astmOverTcpNaksABadChecksumAndStoresTheRetransmission() throws Exception {
        start(tcp(AnalyzerEndpoint.Protocol.ASTM, "astm-1"));
        try (Proc analyzer = Proc.start(
                dir,
                "astm",
                Python.command(
                        "analyzer-sim/astm_analyzer.py",
                        "--tcp",
                        "127.0.0.1:" + transport.port("astm-1"),
                        "--corrupt-frame",
                        "2"))) {
            assertThat(analyzer.await(LIMIT)).as(analyzer.output()).isZero();
            assertThat(analyzer.output()).contains("NAK for frame 2, retransmitting", "frame 2 acknowledged");
        }
        assertThat(events.rejectedFrames.get()).isEqualTo(1);
        assertPotassiumStoredWithAlert("astm-1");
    }

    @Test
    void astmLastFrameIsAcknowledgedOnlyOnceTheOutboxHoldsTheResults() throws Exception {
        start(tcp(AnalyzerEndpoint.Protocol.ASTM, "astm-1"));
        CountDownLatch release = hub.holdOutbox();
        try (Proc analyzer = Proc.start(
                dir,
                "astm",
                Python.command("analyzer-sim/astm_analyzer.py", "--tcp", "127.0.0.1:" + transport.port("astm-1")))) {
            await().atMost(LIMIT).until(() -> events.messages.get() == 1);
            assertThat(analyzer.alive())
                    .as("the analyzer was acknowledged before the outbox held its results")
                    .isTrue();
            assertThat(analyzer.output()).doesNotContain("frame 6 acknowledged");
            release.countDown();
            assertThat(analyzer.await(LIMIT)).as(analyzer.output()).isZero();
            assertThat(hub.outboxSize()).isEqualTo(3); // two observations and the potassium alert
        } finally {
            release.countDown();
        }
    }

    @Test
    void astmOverASerialPseudoTerminalPair() throws Exception {
        Tools.require("socat", "socat");
        Path hubEnd = dir.resolve("hub-tty");
        Path analyzerEnd = dir.resolve("analyzer-tty");
        try (Proc socat = Proc.start(
                dir,
                "socat",
                List.of("socat", "-d", "-d", "pty,raw,echo=0,link=" + hubEnd, "pty,raw,echo=0,link=" + analyzerEnd))) {
            await().atMost(LIMIT).until(() -> Files.exists(hubEnd) && Files.exists(analyzerEnd));
            start(new AnalyzerEndpoint(
                    AnalyzerEndpoint.Protocol.ASTM,
                    AnalyzerEndpoint.Link.SERIAL,
                    "tty-1",
                    null,
                    0,
                    hubEnd.toString(),
                    9600));
            await().atMost(LIMIT).until(() -> Boolean.TRUE.equals(events.connected.get("tty-1")));
            try (Proc analyzer = Proc.start(
                    dir,
                    "astm",
                    Python.command(
                            "analyzer-sim/astm_analyzer.py",
                            "--serial",
                            analyzerEnd.toString(),
                            "--corrupt-frame",
                            "4"))) {
                assertThat(analyzer.await(LIMIT))
                        .as(analyzer.output() + socat.output())
                        .isZero();
                assertThat(analyzer.output()).contains("NAK for frame 4, retransmitting");
            }
            assertPotassiumStoredWithAlert("tty-1");
        }
    }

    @Test
    void poct1ConversationOverTcpAcknowledgesTheObservationOnceStored() throws Exception {
        start(tcp(AnalyzerEndpoint.Protocol.POCT1, "poc-1"));
        CountDownLatch release = hub.holdOutbox();
        try (Proc device = Proc.start(
                dir,
                "poct1",
                Python.command("analyzer-sim/poct1_device.py", "--tcp", "127.0.0.1:" + transport.port("poc-1")))) {
            await().atMost(LIMIT).until(() -> events.messages.get() >= 3); // HEL, DST, ACK(REQ), OBS ...
            await().atMost(LIMIT).until(() -> device.output().contains("hub acknowledged DST"));
            assertThat(device.output()).doesNotContain("hub acknowledged OBS");
            release.countDown();
            assertThat(device.await(LIMIT)).as(device.output()).isZero();
            assertThat(device.output()).contains("hub acknowledged OBS", "conversation complete");
        } finally {
            release.countDown();
        }
        assertThat(hub.observations()).singleElement().satisfies(o -> {
            assertThat(o.code()).isEqualTo("33762-6");
            assertThat(o.value()).isEqualTo(1850.0);
            assertThat(o.deviceId()).isEqualTo("poc-1");
        });
    }

    @Test
    void poct1ObservationWithAnUnknownTestIsQuarantinedAndRefusedWithAeNotAcknowledged() throws Exception {
        start(tcp(AnalyzerEndpoint.Protocol.POCT1, "poc-1"));
        try (Proc device = Proc.start(
                dir,
                "poct1",
                Python.command(
                        "analyzer-sim/poct1_device.py",
                        "--tcp",
                        "127.0.0.1:" + transport.port("poc-1"),
                        "--analyte",
                        "D-Dimer",
                        "--unit",
                        "ug/mL",
                        "--value",
                        "0.3"))) {
            // the device is told the hub did not keep it (ACK AE), so it keeps the observation
            assertThat(device.await(LIMIT)).as(device.output()).isEqualTo(2);
            assertThat(device.output())
                    .contains("the hub refused OBS", "ACK.type_cd V=\"AE\"", "D-Dimer")
                    .doesNotContain("hub acknowledged OBS");
        }
        assertThat(hub.observations()).isEmpty();
        assertThat(hub.quarantined()).isEqualTo(1);
    }

    @Test
    void astmMessageTheHubCannotUseIsNakedAtOnceUntilTheAnalyzerGivesUp() throws Exception {
        start(tcp(AnalyzerEndpoint.Protocol.ASTM, "astm-1"));
        long began = System.nanoTime();
        try (Proc analyzer = Proc.start(
                dir,
                "astm",
                Python.command(
                        "analyzer-sim/astm_analyzer.py",
                        "--tcp",
                        "127.0.0.1:" + transport.port("astm-1"),
                        "--codes",
                        "XX,YY"))) {
            assertThat(analyzer.await(LIMIT)).as(analyzer.output()).isEqualTo(2);
            assertThat(analyzer.output())
                    .contains("NAK for frame 6, retransmitting", "frame 6 refused 6 times")
                    .doesNotContain("frame 6 acknowledged", "no answer");
        }
        // every NAK came at once: no wait for the analyzer's 15 s timeout
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        assertThat(hub.observations()).isEmpty();
        assertThat(hub.quarantined()).isGreaterThanOrEqualTo(1);
        assertThat(events.rejectedFrames.get()).isEqualTo(6);
    }

    /**
     * Anna (patient-1, 19121212-1212) has the analyzer at home; her husband Bo (19401231-1234) pricks his finger on
     * it and his potassium of 6.1 comes over the serial line. It is his blood: it must not become Anna's reading nor
     * raise Anna's potassium alert. The hub keeps it in quarantine with the reason and refuses it, so the analyzer
     * shows the transfer failed. Anna's own sample, her number typed with the century, is stored with her alert.
     */
    @Test
    void anAnalyzerResultForAnotherPatientIsQuarantinedNotStoredForTheBoundPatient() throws Exception {
        Tools.require("socat", "socat");
        hub.nationalIds(Map.of("patient-1", "191212121212"));
        Path hubEnd = dir.resolve("hub-tty");
        Path analyzerEnd = dir.resolve("analyzer-tty");
        try (Proc socat = Proc.start( // NOPMD - the resource keeps socat running for the block
                dir,
                "socat",
                List.of("socat", "-d", "-d", "pty,raw,echo=0,link=" + hubEnd, "pty,raw,echo=0,link=" + analyzerEnd))) {
            await().atMost(LIMIT).until(() -> Files.exists(hubEnd) && Files.exists(analyzerEnd));
            start(new AnalyzerEndpoint(
                    AnalyzerEndpoint.Protocol.ASTM,
                    AnalyzerEndpoint.Link.SERIAL,
                    "tty-1",
                    null,
                    0,
                    hubEnd.toString(),
                    9600));
            await().atMost(LIMIT).until(() -> Boolean.TRUE.equals(events.connected.get("tty-1")));
            try (Proc analyzer = Proc.start(
                    dir,
                    "astm",
                    Python.command(
                            "analyzer-sim/astm_analyzer.py",
                            "--serial",
                            analyzerEnd.toString(),
                            "--patient",
                            "19401231-1234"))) {
                assertThat(analyzer.await(LIMIT)).as(analyzer.output()).isEqualTo(2);
                assertThat(analyzer.output()).contains("frame 6 refused").doesNotContain("frame 6 acknowledged");
            }
            assertThat(hub.observations()).isEmpty();
            assertThat(hub.stored).noneMatch(e -> e instanceof OutboxEntry.AlertEntry);
            assertThat(hub.quarantineProblems())
                    .isNotEmpty()
                    .allSatisfy(problem -> assertThat(problem)
                            .contains("names patient 19401231-****", "not patient patient-1", "tty-1")
                            .doesNotContain("1234"));

            try (Proc analyzer = Proc.start(
                    dir,
                    "astm",
                    Python.command(
                            "analyzer-sim/astm_analyzer.py",
                            "--serial",
                            analyzerEnd.toString(),
                            "--patient",
                            "19121212-1212"))) {
                assertThat(analyzer.await(LIMIT)).as(analyzer.output()).isZero();
            }
            assertPotassiumStoredWithAlert("tty-1");
            assertThat(hub.observations())
                    .allSatisfy(o -> assertThat(o.patientId()).isEqualTo("patient-1"));
        }
    }

    /**
     * POCT1: a result for another patient is refused with ACK AE naming why (the device keeps it); a device that sends
     * no patient id cannot say whose sample it was, and the binding decides, as for a scale.
     */
    @Test
    void poct1ResultForAnotherPatientIsRefusedAndOneWithoutAPatientIdFollowsTheBinding() throws Exception {
        hub.nationalIds(Map.of("patient-1", "19121212-1212"));
        start(tcp(AnalyzerEndpoint.Protocol.POCT1, "poc-1"));
        try (Proc device = Proc.start(
                dir,
                "poct1",
                Python.command(
                        "analyzer-sim/poct1_device.py",
                        "--tcp",
                        "127.0.0.1:" + transport.port("poc-1"),
                        "--patient",
                        "194012311234"))) {
            assertThat(device.await(LIMIT)).as(device.output()).isEqualTo(2);
            assertThat(device.output())
                    .contains("the hub refused OBS", "ACK.type_cd V=\"AE\"", "194012311234".substring(0, 8) + "****");
        }
        assertThat(hub.observations()).isEmpty();
        assertThat(hub.quarantined()).isEqualTo(1);

        try (Proc device = Proc.start(
                dir,
                "poct1",
                Python.command(
                        "analyzer-sim/poct1_device.py",
                        "--tcp",
                        "127.0.0.1:" + transport.port("poc-1"),
                        "--patient",
                        ""))) {
            assertThat(device.await(LIMIT)).as(device.output()).isZero();
        }
        assertThat(hub.observations()).singleElement().satisfies(o -> {
            assertThat(o.code()).isEqualTo("33762-6");
            assertThat(o.patientId()).isEqualTo("patient-1");
        });
    }
}
