package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.TlsIdentity;
import io.nara.protocol.codec.MessageCodec;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The hub as a Raspberry Pi appliance, on an arm64 Debian with its own systemd (qemu + systemd-nspawn, see
 * {@link Arm64Container}): the Debian package the build made is installed with dpkg, the installer configures it,
 * the hardened unit runs it, a reading reaches the cloud, an upgrade to a newer build keeps the readings that were
 * waiting in the outbox, and remove and purge leave nothing behind. The steps run in order on one container.
 *
 * <p>Until enrolment by code is merged, the hub gets a dev-PKI identity (KEYSTORE in /etc/nara/hub.conf).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PiApplianceIT {

    private static final String HUB = "hub-it-pi";
    private static final String UNIT = "nara-hub.service";
    /** qemu: a JVM start and a reading's round trip take minutes, not seconds. No timing is asserted. */
    private static final Duration DEADLINE = Duration.ofMinutes(6);

    private static DevStack stack;
    private static Path workDir;
    private static Arm64Container pi;
    private static String shareGroup;
    private static Database.Settings postgres;
    private static ObservationStore.Settings influx;
    private static Services.Ingest ingest;
    private static CloudQueries cloud;
    private static String statusUrl;
    private static Path deb;
    private static String builtVersion;

    @BeforeAll
    static void boot() throws Exception {
        Optional<String> unavailable = Arm64Container.unavailable();
        if (unavailable.isPresent() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the arm64 appliance test cannot run: " + unavailable.get());
        }
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
        stack = DevStack.ensureUp();
        deb = stack.repoRoot().resolve("gateway/target/nara-hub.deb");
        assertThat(deb).as("the hub's package (mvn -pl gateway package)").exists();
        builtVersion = debField(deb, "Version");

        shareGroup = Services.newShareGroup();
        postgres = stack.freshPostgres();
        influx = stack.freshInflux();
        startIngest();

        Path pristine = Arm64Container.pristineRootfs(stack.repoRoot());
        workDir = Files.createTempDirectory(Path.of("/var/tmp"), "nara-pi-it");
        pi = Arm64Container.boot(pristine, workDir, "nara-pi-it-" + ProcessHandle.current().pid());
    }

    @AfterAll
    static void shutDown() throws Exception {
        Services.closeAll(pi, ingest);
        if (workDir != null) {
            DevStack.run(Path.of("/"), List.of("rm", "-rf", "--one-file-system", workDir.toString()), 600);
        }
    }

    @Test
    @Order(1)
    void theInstalledHubRunsAsAHardenedServiceAndAReadingReachesTheCloud() throws Exception {
        Files.copy(deb, pi.path("/root/nara-hub.deb"));
        // Installing a hub that knows nothing yet: the package goes in, the service refuses to run without a hub id.
        pi.execOk(600, "dpkg", "-i", "/root/nara-hub.deb");
        assertThat(pi.execOk(30, "id", "-nG", "nara-hub")).contains("nara-hub").contains("bluetooth");
        assertThat(pi.journal(UNIT)).contains("HUB_ID is not set in /etc/nara/hub.conf");

        configure();
        // Type=notify: the restart returns once the hub has told systemd it is ready.
        pi.execOk(900, "systemctl", "restart", UNIT);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        String properties = pi.execOk(30, "systemctl", "show", UNIT, "-p", "User", "-p", "NoNewPrivileges",
                "-p", "ProtectSystem", "-p", "Type");
        assertThat(properties).contains("User=nara-hub", "NoNewPrivileges=yes", "ProtectSystem=strict", "Type=notify");
        // The hub's state is where Debian expects it, owned by the service's user.
        assertThat(pi.execOk(30, "stat", "-c", "%U %a", "/var/lib/nara-hub/outbox.db")).startsWith("nara-hub");

        JsonNode stored = simulateCuff(121);
        long seq = stored.get("stored").get(0).get("seq").asLong();
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).contains(seq));
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(software()).isEqualTo(builtVersion));
    }

    @Test
    @Order(2)
    void anUpgradeKeepsTheReadingsWaitingInTheOutbox() throws Exception {
        // The cloud stops acknowledging: what the hub measures now stays in its outbox.
        Services.closeAll(ingest);
        ingest = null;
        List<Long> waiting = new ArrayList<>();
        for (int systolic = 130; systolic < 133; systolic++) {
            JsonNode stored = simulateCuff(systolic);
            stored.get("stored").forEach(entry -> waiting.add(entry.get("seq").asLong()));
        }
        assertThat(Services.hubStatus(statusUrl).get("outboxPending").asLong()).isGreaterThanOrEqualTo(waiting.size());

        String newer = builtVersion + "+it2";
        Path newerDeb = repack(deb, newer);
        Files.copy(newerDeb, pi.path("/root/nara-hub-newer.deb"));
        pi.execOk(900, "dpkg", "-i", "/root/nara-hub-newer.deb");
        assertThat(pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub")).isEqualTo(newer);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        // The installer's edits to the conffile survive the upgrade.
        assertThat(pi.execOk(30, "grep", "^HUB_ID=", "/etc/nara/hub.conf").strip()).isEqualTo("HUB_ID=" + HUB);

        startIngest();
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).containsAll(waiting));
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(software()).isEqualTo(newer));
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2))
                .until(() -> Services.outboxEmpty(statusUrl));
    }

    @Test
    @Order(3)
    void removeStopsTheHubAndKeepsItsDataPurgeLeavesNothing() {
        pi.execOk(600, "dpkg", "-r", "nara-hub");
        assertThat(pi.exec(List.of("systemctl", "is-active", UNIT), 30).output().strip()).isNotEqualTo("active");
        assertThat(pi.path("/usr/share/nara-hub/nara-hub.jar")).doesNotExist();
        assertThat(pi.path("/var/lib/nara-hub/outbox.db")).as("remove keeps the outbox").exists();
        assertThat(pi.path("/etc/nara/hub.conf")).as("remove keeps the configuration").exists();

        pi.execOk(600, "dpkg", "-P", "nara-hub");
        assertThat(pi.path("/var/lib/nara-hub")).doesNotExist();
        assertThat(pi.path("/etc/nara")).doesNotExist();
        assertThat(pi.path("/lib/systemd/system/nara-hub.service")).doesNotExist();
        assertThat(pi.exec(List.of("getent", "passwd", "nara-hub"), 30).exitCode()).isNotZero();
        assertThat(pi.exec(List.of("getent", "group", "nara-hub"), 30).exitCode()).isNotZero();
        assertThat(pi.execOk(30, "dpkg-query", "-W", "-f=${db:Status-Abbrev}", "nara-hub").strip())
                .isNotEqualTo("ii");
    }

    /** What the installer does on a new hub (here with a dev-PKI identity instead of an enrolment code). */
    private static void configure() throws Exception {
        TlsIdentity identity = stack.identity(HUB);
        Files.copy(identity.keystore(), pi.path("/etc/nara/hub.p12"));
        Files.copy(identity.truststore(), pi.path("/etc/nara/truststore.p12"));
        Files.copy(identity.passwordFile(), pi.path("/etc/nara/keystore.password"));
        Files.write(pi.path("/etc/nara/hub-config.json"), new MessageCodec().encode(Services.homeConfig(1)));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        statusUrl = "http://127.0.0.1:" + port;
        // The conffile as the installer edits it: the package's own file with the hub's values.
        String conf = Files.readString(pi.path("/etc/nara/hub.conf"))
                .replaceFirst("(?m)^HUB_ID=.*$", "HUB_ID=" + HUB)
                .replaceFirst("(?m)^MQTT_URL=.*$", "MQTT_URL=" + stack.get("NARA_MQTT_URL"))
                .replaceFirst("(?m)^KEYSTORE=.*$", "KEYSTORE=/etc/nara/hub.p12")
                .replaceFirst("(?m)^PASSWORD_FILE=.*$", "PASSWORD_FILE=/etc/nara/keystore.password")
                // No time daemon in the container; the host's clock is right.
                .replaceFirst("(?m)^CLOCK=.*$", "CLOCK=assume")
                .replaceFirst("(?m)^HTTP_PORT=.*$", "HTTP_PORT=" + port)
                // No Bluetooth adapter or GPIO chip in the container: the simulated home stands in for devices.
                .replaceFirst("(?m)^BLE=.*$", "BLE=no")
                .replaceFirst("(?m)^GPIO=.*$", "GPIO=off")
                .replaceFirst("(?m)^EXTRA_ARGS=.*$", "EXTRA_ARGS=--simulate --ack-timeout 10");
        Files.writeString(pi.path("/etc/nara/hub.conf"), conf);
        pi.execOk(30, "chgrp", "nara-hub", "/etc/nara/hub.conf", "/etc/nara/hub.p12", "/etc/nara/truststore.p12",
                "/etc/nara/keystore.password", "/etc/nara/hub-config.json");
        pi.execOk(30, "chmod", "0640", "/etc/nara/hub.conf", "/etc/nara/hub.p12", "/etc/nara/truststore.p12",
                "/etc/nara/keystore.password", "/etc/nara/hub-config.json");
    }

    private static JsonNode simulateCuff(int systolic) throws Exception {
        try {
            return Services.simulate(statusUrl, "/api/simulate/cuff?systolic=" + systolic + "&diastolic=78&pulse=66");
        } catch (Exception | AssertionError e) {
            throw new AssertionError("the hub in the container did not store a reading; its journal:\n"
                    + pi.journal(UNIT), e);
        }
    }

    private static void startIngest() throws Exception {
        ingest = Services.startIngest(stack, shareGroup, postgres, influx);
        Services.awaitHealthy(ingest);
        cloud = new CloudQueries(stack, ingest);
    }

    /** The software version the hub last reported in its status message, as the cloud stored it. */
    private static String software() throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
             PreparedStatement q = c.prepareStatement("SELECT software FROM hub WHERE hub_id = ?")) {
            q.setString(1, HUB);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String debField(Path deb, String field) {
        DevStack.Result result = DevStack.run(Path.of("/"), List.of("dpkg-deb", "-f", deb.toString(), field), 60);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }

    /** The same build as a newer version (what the next release looks like to dpkg). */
    private static Path repack(Path deb, String version) throws Exception {
        Path tree = workDir.resolve("repack");
        Path out = workDir.resolve("nara-hub-" + version + ".deb");
        for (List<String> command : List.of(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()),
                List.of("sed", "-i", "s/^Version: .*/Version: " + version + "/", tree.resolve("DEBIAN/control").toString()),
                List.of("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString()),
                List.of("rm", "-rf", tree.toString()))) {
            DevStack.Result result = DevStack.run(workDir, command, 300);
            assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
        }
        return out;
    }
}
