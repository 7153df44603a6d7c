package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.memory.HeapGiveBack;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.sim.SimulatedOximeter;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's memory budget on a Pi: the packaged hub (the runnable jar with the JVM flags of the package's launcher,
 * {@code gateway/src/deb/data/usr/share/nara-hub/bin/nara-hub}) in a JVM of its own, natively, after an
 * hour-equivalent of work with four devices (a BLE cuff and scale and a 1 Hz pulse oximeter as raw GATT bytes through
 * the simulated home, a CoAP/DTLS scale through coap-client) and a 7-day replay to the real broker and ingest. Prints
 * the resident set size and the JVM's native memory tracking summary. Runs only with {@code -Dnara.benchmark=true};
 * {@code -Dnara.hub.jvm="..."} measures other flags, {@code -Dnara.hub.jar=...} another jar. Asserts nothing about size; results go to docs/benchmarks.md.
 */
class HubMemoryBenchmarkIT {

    private static final String HUB = "hub-it-memory";
    private static final String COAP_SCALE = "ip-scale-1";
    private static final String COAP_KEY = "memory-bench-key-0123";

    @Test
    @EnabledIfSystemProperty(named = "nara.benchmark", matches = "true")
    void residentMemoryAfterAnHourOfFourDevicesAndAWeekReplay(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        // -Dnara.hub.jar: a copy that the build does not rewrite, for a class-data archive made from it.
        Path jar = Path.of(System.getProperty(
                "nara.hub.jar",
                stack.repoRoot().resolve("gateway/target/nara-gateway.jar").toString()));
        assertThat(jar).as("mvn -pl gateway package").exists();
        String flags = System.getProperty("nara.hub.jvm", launcherFlags(stack.repoRoot()));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        HubConfig base = Services.homeConfig(1);
        List<DeviceBinding> devices = new ArrayList<>(base.devices());
        devices.add(new DeviceBinding(COAP_SCALE, "generic-weight-scale", Services.PATIENT));
        HubConfig config = new HubConfig(base.v(), base.version(), base.carePlans(), devices);
        Path configFile = dir.resolve("hub-config.json");
        Files.write(configFile, new MessageCodec().encode(config));
        Path psk = dir.resolve("coap-psk");
        Files.writeString(psk, COAP_SCALE + "=" + COAP_KEY + "\n");

        try (Services.Ingest ignored = HomeEnrolment.enrolled(Services.startIngest(stack), HUB, config)) {
            // A week offline: the outbox the hub replays (about 50 000 records).
            BrokerConnection nowhere =
                    new BrokerConnection(URI.create("ssl://127.0.0.1:" + freePort()), stack.identity(HUB));
            long backlog;
            try (Services.Hub offline = Services.startHub(
                    stack, HUB, data, config, Uplink.Settings.defaults(), StorageLimits.defaults(), nowhere)) {
                backlog = offline.service()
                        .simulatedHome()
                        .backfill(7, 8, Services.OXIMETER)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(300, TimeUnit.SECONDS);
            }

            int http = freePort();
            int coap = freePort();
            TlsIdentity id = stack.identity(HUB);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(flags.trim().split("\\s+")));
            command.addAll(List.of(
                    "-XX:NativeMemoryTracking=summary",
                    "-jar",
                    jar.toString(),
                    "--hub-id",
                    HUB,
                    "--mqtt-url",
                    stack.get("NARA_MQTT_URL"),
                    "--keystore",
                    id.keystore().toString(),
                    "--truststore",
                    id.truststore().toString(),
                    "--password-file",
                    id.passwordFile().toString(),
                    "--data-dir",
                    data.toString(),
                    "--config",
                    configFile.toString(),
                    "--http-port",
                    Integer.toString(http),
                    "--clock",
                    "assume",
                    "--simulate",
                    "--coap-psk-file",
                    psk.toString(),
                    "--coap-host",
                    "127.0.0.1",
                    "--coap-port",
                    Integer.toString(coap)));
            Path log = dir.resolve("hub.log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("MALLOC_ARENA_MAX", "2"); // as nara-hub.service sets it
            Process hub = builder.start();
            try {
                String status = "http://127.0.0.1:" + http;
                await().atMost(Duration.ofMinutes(3))
                        .ignoreExceptions()
                        .until(() -> Services.hubStatus(status)
                                .get("connectedToCloud")
                                .asBoolean());
                // An hour of the home: the oximeter at 1 Hz, a cuff and a scale reading each quarter, the CoAP scale.
                String hex = HexFormat.of().formatHex(SimulatedOximeter.measurement(97, 72));
                String oximeterSample = "/api/simulate/raw?device=" + Services.OXIMETER + "&characteristic="
                        + Integer.toHexString(SimulatedOximeter.characteristic())
                                .toUpperCase() + "&hex=" + hex;
                for (int second = 0; second < 3600; second++) {
                    Services.simulate(status, data, oximeterSample);
                    if (second % 900 == 0) {
                        Services.simulate(status, data, "/api/simulate/cuff?systolic=124&diastolic=80&pulse=70");
                        Services.simulate(status, data, "/api/simulate/scale?kg=81.2");
                        coapWeight(dir, coap);
                    }
                }
                await().atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> Services.outboxEmpty(status));
                // The steady hub: a night with the oximeter at 1 Hz, in real time, over one period of the hub's heap
                // give-back and a little more, so the figures hold a heap both just before and just after it.
                long window = HeapGiveBack.EVERY.plusSeconds(30).toSeconds();
                long[] rss = new long[(int) (window / 10)];
                for (int second = 0; second < window; second++) {
                    Thread.sleep(1_000); // the oximeter's pace, not a wait for a condition
                    Services.simulate(status, data, oximeterSample);
                    if (second % 10 == 9) {
                        rss[second / 10] = residentKb(hub.pid());
                    }
                }
                long[] sorted = rss.clone();
                Arrays.sort(sorted);
                String nmt = run(List.of("jcmd", Long.toString(hub.pid()), "VM.native_memory", "summary"));
                System.out.printf(
                        "BENCHMARK hub memory: flags [%s]; backlog %d records replayed, 3600 oximeter "
                                + "samples + 4 cuff + 4 scale + 4 CoAP readings, then %d s of the oximeter at 1 Hz; "
                                + "RSS min %d, median %d, max %d kB (every 10 s: %s); NMT committed:%n%s%n",
                        flags,
                        backlog,
                        window,
                        sorted[0],
                        sorted[sorted.length / 2],
                        sorted[sorted.length - 1],
                        Arrays.toString(rss),
                        committed(nmt));
                System.out.println(nmt);
                System.out.printf("BENCHMARK hub RSS by mapping (kB):%n%s%n", residentByMapping(hub.pid()));
                String pid = Long.toString(hub.pid());
                System.out.printf(
                        "BENCHMARK hub threads by name:%n%s%n",
                        threadsByName(run(List.of("jcmd", pid, "Thread.print"))));
                System.out.printf(
                        "BENCHMARK hub heap before a full collection:%n%s%n",
                        run(List.of("jcmd", pid, "GC.heap_info")));
                System.out.printf(
                        "BENCHMARK hub heap's largest classes after it:%n%s%n",
                        run(List.of("jcmd", pid, "GC.class_histogram"))
                                .lines()
                                .limit(40)
                                .collect(Collectors.joining("\n")));
                // What the heap would give back: the serial collector returns committed heap only after a full
                // collection, which a steady hub rarely has.
                run(List.of("jcmd", pid, "GC.run"));
                Thread.sleep(2_000); // a settled sample, not a wait for a condition
                System.out.printf(
                        "BENCHMARK hub after one full collection: RSS %d kB; heap:%n%s%n",
                        residentKb(hub.pid()), run(List.of("jcmd", pid, "GC.heap_info")));
            } finally {
                hub.destroy();
                if (!hub.waitFor(30, TimeUnit.SECONDS)) {
                    hub.destroyForcibly();
                }
            }
        }
    }

    /** The JVM flags of the package's launcher (DEFAULT_JAVA_OPTS), so the benchmark measures what a Pi runs. */
    static String launcherFlags(Path repoRoot) throws Exception {
        String launcher = Files.readString(repoRoot.resolve("gateway/src/deb/data/usr/share/nara-hub/bin/nara-hub"));
        Matcher m = Pattern.compile("DEFAULT_JAVA_OPTS=\"([^\"]*)\"").matcher(launcher);
        assertThat(m.find()).as("DEFAULT_JAVA_OPTS in the launcher").isTrue();
        return m.group(1).replace("\\\n", " ");
    }

    private static void coapWeight(Path dir, int port) {
        String senml = "[{\"bn\":\"urn:dev:" + COAP_SCALE + ":\",\"n\":\"weight\",\"u\":\"kg\",\"v\":81.3}]";
        DevStack.Result r = DevStack.run(
                dir,
                List.of(
                        "coap-client-openssl",
                        "-m",
                        "post",
                        "-t",
                        "110",
                        "-B",
                        "10",
                        "-e",
                        senml,
                        "-u",
                        COAP_SCALE,
                        "-k",
                        COAP_KEY,
                        "coaps://127.0.0.1:" + port + "/senml"),
                30);
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private static long residentKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /**
     * Resident kilobytes by what is mapped (a file's name, or "[anon]" for the heap, metaspace, stacks and malloc), the
     * largest first: what NMT's committed figures cannot say (how much of a mapped archive or library is resident).
     */
    static String residentByMapping(long pid) throws Exception {
        Map<String, Long> kb = new TreeMap<>();
        String mapping = "[anon]";
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].contains("-") && f[0].indexOf(':') < 0) {
                mapping = f.length >= 6 ? f[5] : "[anon]";
            } else if (f[0].equals("Rss:")) {
                kb.merge(mapping, Long.parseLong(f[1]), Long::sum);
            }
        }
        return kb.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15)
                .map(e -> String.format("  %8d %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n"));
    }

    /** The JVM's threads counted by name, numbers stripped ("vert.x-eventloop-thread-#: 2"). */
    static String threadsByName(String threadDump) {
        Map<String, Integer> counts = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\"([^\"]*)\"").matcher(threadDump);
        while (m.find()) {
            counts.merge(m.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((name, n) -> out.append(String.format("  %3d %s%n", n, name)));
        return out.toString();
    }

    /** "Category committed=NKB" for each line of the summary that has one. */
    private static String committed(String nmt) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("(?m)^-?\\s*([A-Za-z][A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)")
                .matcher(nmt);
        while (m.find()) {
            out.append(String.format("  %-28s %6d KB%n", m.group(1).trim(), Long.parseLong(m.group(2))));
        }
        Matcher total =
                Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(nmt);
        if (total.find()) {
            out.append(String.format("  %-28s %6d KB%n", "Total", Long.parseLong(total.group(1))));
        }
        return out.toString();
    }

    private static String run(List<String> command) {
        DevStack.Result r = DevStack.run(Path.of("."), command, 120);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
