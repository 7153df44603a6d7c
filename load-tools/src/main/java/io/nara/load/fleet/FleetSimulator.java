package io.nara.load.fleet;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fleet simulator: N simulated hubs, each with its own client certificate, speaking the real protocol to the
 * real broker, living a compressed day. Bounded: it stops by itself after {@code --duration} and refuses any broker
 * that is not on this machine's loopback. Prints a line every {@code --report-every} and a summary at the end.
 */
@Command(
        name = "nara-fleet-sim",
        mixinStandardHelpOptions = true,
        description = "Simulates a fleet of Nära hubs against a local broker and reports throughput and latency.")
public final class FleetSimulator implements Callable<Integer> {

    @Option(names = "--broker", description = "ssl://127.0.0.1:PORT (default: NARA_MQTT_URL)")
    URI broker;

    @Option(names = "--pki-dir", description = "the development PKI (default: NARA_PKI_DIR)")
    Path pkiDir;

    @Option(names = "--hubs", defaultValue = "100", description = "simulated hubs (default ${DEFAULT-VALUE})")
    int hubs;

    @Option(names = "--duration", defaultValue = "PT2M", description = "real running time (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(
            names = "--speed",
            defaultValue = "60",
            description = "simulated seconds per real second (default ${DEFAULT-VALUE})")
    double speed;

    @Option(
            names = "--from",
            defaultValue = "06:50",
            description = "local time of day the simulated day starts (default ${DEFAULT-VALUE}); the day is the"
                    + " latest one that ends before now, so no reading lies in the future")
    LocalTime from;

    @Option(
            names = "--oximetry-share",
            defaultValue = "0.1",
            description = "share of homes with a 1 Hz pulse oximeter at night (default ${DEFAULT-VALUE})")
    double oximetryShare;

    @Option(
            names = "--alert-share",
            defaultValue = "0.02",
            description = "share of home-mornings with a low systolic (default ${DEFAULT-VALUE})")
    double alertShare;

    @Option(
            names = "--offline-share",
            defaultValue = "0.05",
            description = "share of homes offline for 1-7 hours a day (default ${DEFAULT-VALUE})")
    double offlineShare;

    @Option(
            names = "--misbehaving-share",
            defaultValue = "0",
            description = "share of hubs that also send a malformed, oversized or foreign message every tick")
    double misbehavingShare;

    @Option(
            names = "--backlog",
            defaultValue = "PT0S",
            description = "simulated time each hub has already queued when it first connects (a replay), e.g. P7D")
    Duration backlog;

    @Option(names = "--window", defaultValue = "8", description = "observation batches in flight per hub")
    int window;

    @Option(
            names = "--replay-rate",
            defaultValue = "0",
            description = "observations a hub sends a second at most, as the real hub's --replay-rate (500 there);"
                    + " 0: as fast as its window allows (default ${DEFAULT-VALUE})")
    int replayRate;

    @Option(
            names = "--broker-acks",
            description = "count the broker's PUBACK as the ack: no ingest needed; with a plain subscriber (fleet.sh"
                    + " --plain) this measures the broker's own ceiling")
    boolean brokerAcks;

    @Option(names = "--ack-timeout", defaultValue = "PT30S", description = "resend a message not acked after this")
    Duration ackTimeout;

    @Option(names = "--connect-parallel", defaultValue = "200", description = "TLS handshakes at once")
    int connectParallel;

    @Option(names = "--report-every", defaultValue = "PT10S")
    Duration reportEvery;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(
            names = "--cloud",
            description = "the ingest's web address on loopback, e.g. http://127.0.0.1:8701: the"
                    + " homes are enrolled there (patients, hub, devices) before they connect; without it they are not")
    URI cloud;

    @Option(names = "--api-key-file", description = "the ingest's operator API key (with --cloud)")
    Path apiKeyFile;

    @Option(
            names = "--enrolled-file",
            description = "hubs already enrolled, one a line; skipped and appended to"
                    + " (default: enrolled-hubs next to the api key)")
    Path enrolledFile;

    @Option(
            names = "--enrol",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "enrol the homes at --cloud (default); --no-enrol for a run that only connects hubs")
    boolean enrol;

    @Option(names = "--enrol-parallel", defaultValue = "16", description = "enrolment requests at once")
    int enrolParallel;

    @Option(names = "--summary", description = "append a one-line Markdown table row of the run to this file")
    Path summary;

    private final FleetCounters counters = new FleetCounters();

    public static void main(String[] args) {
        // The hubs' keys live only in this process's memory: no point in 10 000 PBKDF2 rounds to wrap each one.
        System.setProperty("keystore.pkcs12.keyPbeIterationCount", "1");
        System.setProperty("keystore.pkcs12.macIterationCount", "1");
        System.exit(new CommandLine(new FleetSimulator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        broker = broker != null ? broker : URI.create(requiredEnv("NARA_MQTT_URL"));
        pkiDir = pkiDir != null ? pkiDir : Path.of(requiredEnv("NARA_PKI_DIR"));
        requireLoopback(broker);
        ZoneId zone = ZoneId.of("Europe/Stockholm");
        Instant simEnd = Instant.now();
        Duration simLength = Duration.ofMillis((long) (duration.toMillis() * speed));
        Instant simStart = dayStart(simEnd.minus(simLength), zone);

        HubIdentities identities = HubIdentities.fromDevPki(pkiDir);
        List<SimulatedHub> fleet = new ArrayList<>(hubs);
        int misbehaving = (int) Math.round(hubs * misbehavingShare);
        SimulatedHub.Behaviour[] bad = {
            SimulatedHub.Behaviour.MALFORMED, SimulatedHub.Behaviour.OVERSIZED, SimulatedHub.Behaviour.FOREIGN_PATIENT
        };
        long mintStart = System.nanoTime();
        for (int i = 0; i < hubs; i++) {
            Home home = new Home(i, Home.Profile.draw(seed, i, oximetryShare, alertShare, offlineShare), zone);
            SimulatedHub.Behaviour behaviour = i < misbehaving ? bad[i % bad.length] : SimulatedHub.Behaviour.NORMAL;
            fleet.add(new SimulatedHub(
                    home,
                    behaviour,
                    counters,
                    broker.getHost(),
                    broker.getPort(),
                    identities.mint(home.hubId()),
                    identities.trust(),
                    new SimulatedHub.Uplink(window, ackTimeout, replayRate, brokerAcks)));
        }
        say(
                "%d hubs (%d misbehaving), certificates minted in %d ms; simulated %s .. %s at %.0fx",
                hubs,
                misbehaving,
                (System.nanoTime() - mintStart) / 1_000_000,
                simStart,
                simStart.plus(simLength),
                speed);

        // Enrolled first: the backlog's tick connects the hubs, and what they send must be theirs to send.
        if (cloud != null && enrol) {
            requireLoopback(cloud);
            if (apiKeyFile == null) {
                throw new IllegalArgumentException("--cloud needs --api-key-file (the operator key of the ingest)");
            }
            long enrolStart = System.nanoTime();
            int enrolled = new FleetEnrolment(
                            cloud, Files.readString(apiKeyFile).trim(), enrolParallel)
                    .enrol(
                            fleet.stream().map(SimulatedHub::home).toList(),
                            enrolledFile != null ? enrolledFile : apiKeyFile.resolveSibling("enrolled-hubs"));
            say(
                    "%d homes enrolled in the cloud in %d ms (the others were already)",
                    enrolled, (System.nanoTime() - enrolStart) / 1_000_000);
        }

        // Accounts first: a hub that connects without one may not subscribe to its acks.
        long grantStart = System.nanoTime();
        BrokerGrants.grant(
                broker.getHost(),
                broker.getPort(),
                HubIdentities.client(pkiDir, "nara-broker-admin"),
                identities.trust(),
                fleet.stream().map(SimulatedHub::hubId).toList());
        say("broker accounts granted in %d ms", (System.nanoTime() - grantStart) / 1_000_000);

        // The backlog is taken before the first connection, as an outbox that filled while the home was offline.
        Instant backlogFrom = simStart.minus(backlog);
        if (!backlog.isZero()) {
            for (SimulatedHub hub : fleet) {
                hub.tick(backlogFrom, simStart, System.nanoTime());
            }
            say("backlog of %s queued: %d observations", backlog, counters.observationsTaken.sum());
        }

        long connectStart = System.nanoTime();
        Semaphore handshakes = new Semaphore(connectParallel);
        List<CompletableFuture<Void>> connections = new ArrayList<>();
        for (SimulatedHub hub : fleet) {
            handshakes.acquire();
            connections.add(hub.connect().whenComplete((ok, failure) -> handshakes.release()));
        }
        CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new))
                .exceptionally(failure -> null)
                .get(Math.max(60, hubs / 50), TimeUnit.SECONDS);
        say(
                "connected %d of %d hubs in %d ms (%d failed)",
                counters.connected.sum(),
                hubs,
                (System.nanoTime() - connectStart) / 1_000_000,
                counters.connectFailures.sum());

        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        // A broker restarted by the dev stack writes its access control anew from the certificates and accounts it
        // knows, without the simulated hubs' (granted here, not through stack.sh): when connections start failing,
        // grant them again, at most every 10 s, on a thread of its own so ticks go on.
        ScheduledExecutorService regrants = Executors.newSingleThreadScheduledExecutor();
        long[] failuresSeen = {counters.connectFailures.sum()};
        regrants.scheduleWithFixedDelay(
                () -> {
                    long failures = counters.connectFailures.sum();
                    if (failures > failuresSeen[0]) {
                        failuresSeen[0] = failures;
                        try {
                            BrokerGrants.grant(
                                    broker.getHost(),
                                    broker.getPort(),
                                    HubIdentities.client(pkiDir, "nara-broker-admin"),
                                    identities.trust(),
                                    fleet.stream().map(SimulatedHub::hubId).toList());
                            say("connections failing (a broker restart?): broker accounts granted again");
                        } catch (Exception e) {
                            say("granting the broker accounts again failed (%s); retrying", e.getMessage());
                        }
                    }
                },
                10,
                10,
                TimeUnit.SECONDS);
        long realStart = System.nanoTime();
        Instant[] simulatedUpTo = {simStart};
        Latencies.Summary[] allBatches = {Latencies.Summary.empty()};
        Latencies.Summary[] allAlerts = {Latencies.Summary.empty()};
        long[] lastAcked = {counters.observationsAcked.sum()};
        long[] lastReport = {realStart};
        long ackedAtStart = lastAcked[0];
        ticks.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    // Connecting may have taken a while: the simulated clock never runs past the real one.
                    Instant to =
                            min(simStart.plusMillis((long) ((now - realStart) / 1_000_000 * speed)), Instant.now());
                    Instant tickFrom = simulatedUpTo[0];
                    simulatedUpTo[0] = to;
                    for (SimulatedHub hub : fleet) {
                        hub.tick(tickFrom, to, now);
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        ticks.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    long acked = counters.observationsAcked.sum();
                    double seconds = (now - lastReport[0]) / 1e9;
                    Latencies.Summary batches = counters.batchAck.drain();
                    Latencies.Summary alerts = counters.alertAck.drain();
                    allBatches[0] = allBatches[0].merge(batches);
                    allAlerts[0] = allAlerts[0].merge(alerts);
                    say(
                            "sim %s | online %d | acked %.0f obs/s | pending %d | batch ack p50 %.1f p99 %.1f ms"
                                    + " | alerts %d acked, p50 %.1f p99 %.1f ms | resends %d | publish failures %d",
                            simulatedUpTo[0].atZone(zone).toLocalTime().withNano(0),
                            counters.connected.sum(),
                            (acked - lastAcked[0]) / seconds,
                            counters.pending(),
                            batches.percentileMillis(50),
                            batches.percentileMillis(99),
                            counters.alertsAcked.sum(),
                            alerts.percentileMillis(50),
                            alerts.percentileMillis(99),
                            counters.resends.sum(),
                            counters.publishFailures.sum());
                    lastAcked[0] = acked;
                    lastReport[0] = now;
                },
                reportEvery.toMillis(),
                reportEvery.toMillis(),
                TimeUnit.MILLISECONDS);

        ticks.awaitTermination(duration.toMillis(), TimeUnit.MILLISECONDS);
        ticks.shutdownNow();
        regrants.shutdownNow();
        ticks.awaitTermination(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - realStart) / 1e9;
        Latencies.Summary batches = allBatches[0].merge(counters.batchAck.drain());
        Latencies.Summary alerts = allAlerts[0].merge(counters.alertAck.drain());
        long acked = counters.observationsAcked.sum() - ackedAtStart;
        say(
                "done: %d hubs, %.0f s, %d observations taken, %d acked (%.0f obs/s), %d pending; batch ack p50 %.1f"
                        + " p99 %.1f ms; %d of %d alerts acked, p50 %.1f p99 %.1f ms; %d resends; %d refused sent",
                hubs,
                seconds,
                counters.observationsTaken.sum(),
                acked,
                acked / seconds,
                counters.pending(),
                batches.percentileMillis(50),
                batches.percentileMillis(99),
                counters.alertsAcked.sum(),
                counters.alertsRaised.sum(),
                alerts.percentileMillis(50),
                alerts.percentileMillis(99),
                counters.resends.sum(),
                counters.refusedSent.sum());
        // The simulator shares the machine with what it measures: its own CPU is part of the picture.
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            say("simulator: %.0f s CPU since it started", os.getProcessCpuTime() / 1e9);
        }
        if (summary != null) {
            String row = String.format(
                    Locale.ROOT,
                    "| %d | %d | %.0f | %.0f | %d | %.1f | %.1f | %d/%d | %.1f | %.1f |%n",
                    hubs,
                    misbehaving,
                    seconds,
                    acked / seconds,
                    counters.pending(),
                    batches.percentileMillis(50),
                    batches.percentileMillis(99),
                    counters.alertsAcked.sum(),
                    counters.alertsRaised.sum(),
                    alerts.percentileMillis(50),
                    alerts.percentileMillis(99));
            Files.writeString(
                    summary, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        for (SimulatedHub hub : fleet) {
            hub.disconnect();
        }
        return 0;
    }

    /** The latest moment at the configured time of day that is not after {@code latest}. */
    Instant dayStart(Instant latest, ZoneId zone) {
        ZonedDateTime local = latest.atZone(zone);
        LocalDate day = local.toLocalTime().isBefore(from) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
        return ZonedDateTime.of(day, from, zone).toInstant();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void requireLoopback(URI server) throws IOException {
        if (!InetAddress.getByName(server.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "the simulator only loads servers on this machine's loopback, not " + server.getHost());
        }
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    name + " is not set: source the dev stack's stack.env or pass the" + " option");
        }
        return value;
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "fleet-sim: " + format + "%n", args);
    }
}
