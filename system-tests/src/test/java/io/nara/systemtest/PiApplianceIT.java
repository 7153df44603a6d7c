package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The hub as a Raspberry Pi appliance, on an arm64 Debian with its own systemd (qemu + systemd-nspawn, see
 * {@link Arm64Container}): the Debian package the build made is installed with dpkg, the installer configures it,
 * the hub enrols by itself with the one-time code the operator got from the fleet register, the hardened unit runs
 * it, a reading reaches the cloud, an upgrade to a newer build keeps the readings that were waiting in the outbox, a
 * broken release is rolled back and reported on the fleet register, a bad update (a configuration the hub cannot use,
 * a repository signed with another key, a downgrade the cloud did not ask for, too little free space) is refused and
 * reported, an update waits while an alert is unsent, a disk that fills while unpacking leaves the hub on its version,
 * and remove and purge leave nothing behind. The steps run in order on one container.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Beside the other classes (junit-platform.properties), but its steps one after another on one container.
@Execution(ExecutionMode.CONCURRENT)
class PiApplianceIT {

    private static final String HUB = "hub-it-pi";
    private static final String UNIT = "nara-hub.service";
    /** qemu: a JVM start and a reading's round trip take minutes, not seconds. No timing is asserted. */
    private static final Duration DEADLINE = Duration.ofMinutes(6);

    private static final ObjectMapper JSON = new ObjectMapper();

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
    private static int ingestPort;
    private static Path releaseDir;
    private static int coapPort;

    @BeforeAll
    static void boot() throws Exception {
        Optional<String> unavailable = Arm64Container.unavailable();
        if (unavailable.isPresent() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the arm64 appliance test cannot run: " + unavailable.get());
        }
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
        // A stack of its own: the upgrade step stops its broker, and this class runs beside the others.
        stack = DevStack.applianceStack();
        deb = stack.repoRoot().resolve("gateway/target/nara-hub.deb");
        assertThat(deb).as("the hub's package (mvn -pl gateway package)").exists();
        builtVersion = debField(deb, "Version");

        workDir = Files.createTempDirectory(Path.of("/var/tmp"), "nara-pi-it");
        releaseDir = workDir.resolve("release");
        ingestPort = freePort();
        shareGroup = Services.newShareGroup();
        postgres = stack.freshPostgres();
        influx = stack.freshInflux();
        // A run stopped midway leaves the hub's retained status on this stack's broker: the fresh database must not
        // learn of the hub from it before the operator registers it.
        try (TestMqttClient leftover = new TestMqttClient(stack, HUB, HUB)) {
            leftover.publishRetained(HubTopic.of(HUB, HubTopic.Kind.STATUS).name(), new byte[0]);
        }
        startIngest();
        HomeEnrolment.enrol(ingest, HUB, Services.homeConfig(1));

        Path pristine = Arm64Container.pristineRootfs(stack.repoRoot());
        pi = Arm64Container.boot(
                pristine, workDir, "nara-pi-it-" + ProcessHandle.current().pid());
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
    @Execution(ExecutionMode.SAME_THREAD)
    void theInstalledHubRunsAsAHardenedServiceAndAReadingReachesTheCloud() throws Exception {
        Files.copy(deb, pi.path("/root/nara-hub.deb"));
        // Installing a hub that knows nothing yet: the package goes in, the service refuses to run without a hub id.
        pi.execOk(600, "dpkg", "-i", "/root/nara-hub.deb");
        assertThat(pi.execOk(30, "id", "-nG", "nara-hub")).contains("nara-hub").contains("bluetooth");
        assertThat(pi.journal(UNIT)).contains("HUB_ID is not set in /etc/nara/hub.conf");

        // The operator registers the hub in stock on the fleet register and gets its one-time code for the label.
        String code = register();
        assertThat(fleetRow().get("lifecycle").asText()).isEqualTo("IN_STOCK");
        // The installer sets the hub up with it; nara-hub-setup restarts the hub, which returns (Type=notify) once
        // the hub has told systemd it is ready.
        configure(code);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        // It made its own key, enrolled over EST with the code and connected with the certificate it got.
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(Services.hubStatus(statusUrl)
                                .get("enrolment")
                                .get("enrolled")
                                .asBoolean())
                        .as(pi.journal(UNIT))
                        .isTrue());
        assertThat(pi.path("/var/lib/nara-hub/identity/hub.p12")).exists();
        assertThat(pi.path("/etc/nara/hub.p12")).as("no identity but its own").doesNotExist();
        JsonNode row = fleetRow();
        assertThat(row.get("lifecycle").asText()).isEqualTo("ENROLLED");
        assertThat(row.get("codeValidUntil").isNull()).as("the code is used up").isTrue();
        String properties = pi.execOk(
                30,
                "systemctl",
                "show",
                UNIT,
                "-p",
                "User",
                "-p",
                "NoNewPrivileges",
                "-p",
                "ProtectSystem",
                "-p",
                "Type");
        assertThat(properties).contains("User=nara-hub", "NoNewPrivileges=yes", "ProtectSystem=strict", "Type=notify");
        // The hub's state is where Debian expects it, owned by the service's user.
        assertThat(pi.execOk(30, "stat", "-c", "%U %a", "/var/lib/nara-hub/outbox.db"))
                .startsWith("nara-hub");

        JsonNode stored = simulateCuff(121);
        long seq = stored.get("stored").get(0).get("seq").asLong();
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).contains(seq));
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(software()).isEqualTo(builtVersion));

        // An IP scale the hub has no key for: the installer lets it in with the package's command line, in pairing
        // mode only; the hub keeps the key where the hardened unit lets it write, readable by the hub alone.
        String giveKey = "printf 'scale-key-0123456789\\n' | nara-installer coap-key ip-scale-pi";
        assertThat(pi.exec(List.of("sh", "-c", giveKey), 600).output()).contains("turn on pairing mode first");
        assertThat(pi.execOk(600, "nara-installer", "pairing", "on")).contains("pairing mode on");
        assertThat(pi.execOk(600, "sh", "-c", giveKey)).contains("key of ip-scale-pi added");
        assertThat(pi.execOk(30, "stat", "-c", "%U %a", "/var/lib/nara-hub/coap-psk")
                        .strip())
                .isEqualTo("nara-hub 600");
        // Its handshake now succeeds: bound to nobody, its weight is held and answered 4.01 "not bound".
        DevStack.Result scale = DevStack.run(
                workDir,
                List.of(
                        "coap-client-openssl",
                        "-m",
                        "post",
                        "-t",
                        "110",
                        "-B",
                        "60",
                        "-e",
                        "[{\"bn\":\"urn:dev:ip-scale-pi:\",\"n\":\"weight\",\"u\":\"kg\",\"v\":80.2}]",
                        "-u",
                        "ip-scale-pi",
                        "-k",
                        "scale-key-0123456789",
                        "coaps://127.0.0.1:" + coapPort + "/senml"),
                120);
        assertThat(scale.output()).as(pi.journal(UNIT)).contains("4.01").contains("not bound");
    }

    @Test
    @Order(2)
    @Execution(ExecutionMode.SAME_THREAD)
    void anUpgradeKeepsTheReadingsWaitingInTheOutbox() throws Exception {
        // The broker goes away: what the hub measures now stays in its outbox.
        stack.stop("broker");
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
        assertThat(pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub"))
                .isEqualTo(newer);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        // The installer's edits to the conffile survive the upgrade.
        assertThat(pi.execOk(30, "grep", "^HUB_ID=", "/etc/nara/hub.conf").strip())
                .isEqualTo("HUB_ID=" + HUB);

        stack.start("broker");
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).containsAll(waiting));
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(software()).isEqualTo(newer));
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).until(() -> Services.outboxEmpty(statusUrl));
    }

    @Test
    @Order(3)
    @Execution(ExecutionMode.SAME_THREAD)
    void aBrokenReleaseIsRolledBackByTheHubItself() throws Exception {
        String running = pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub");
        release("publish", workDir.resolve("nara-hub-" + running + ".deb").toString());
        // A release the repository does not hold is refused: no hub is pinned to what it cannot install.
        assertThat(rollout(running + "+never", 100).statusCode()).isEqualTo(422);
        assertThat(rollout(running, 100).statusCode()).isEqualTo(200);
        // The pinned version runs already: nothing to do, but the hub keeps its package for going back.
        pi.execOk(1800, "systemctl", "start", "nara-hub-update.service");
        assertThat(pi.journal("nara-hub-update.service")).contains(running + " is the pinned version; nothing to do");
        assertThat(pi.path("/var/lib/nara-hub-update/nara-hub_" + running + ".deb"))
                .exists();

        // The next release does not start: the update installs it, sees it fail, and goes back by itself.
        String broken = running + "+broken";
        release("publish", brokenRelease(broken).toString());
        assertThat(rollout(broken, 100).statusCode()).isEqualTo(200);
        pi.exec(List.of("systemctl", "start", "nara-hub-update.service"), 3600);
        String journal = pi.journal("nara-hub-update.service");
        assertThat(pi.execOk(30, "cat", "/var/lib/nara-hub-update/last-result"))
                .as(journal)
                .contains("ROLLED_BACK " + broken);
        assertThat(journal)
                .contains("updating from " + running + " to " + broken)
                .contains("going back to " + running);
        assertThat(pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub"))
                .isEqualTo(running);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        // The outbox and the configuration came through the update and the rollback.
        assertThat(pi.execOk(30, "grep", "^HUB_ID=", "/etc/nara/hub.conf").strip())
                .isEqualTo("HUB_ID=" + HUB);
        JsonNode stored = simulateCuff(125);
        long seq = stored.get("stored").get(0).get("seq").asLong();
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).contains(seq));
        assertThat(software()).isEqualTo(running);
        // The hub reports the failed update in its status; the fleet register shows which version failed and why.
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode hub = fleetRow();
            assertThat(hub.get("failedUpdateVersion").asText()).isEqualTo(broken);
            assertThat(hub.get("failedUpdateOutcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(hub.get("failedUpdateReason").asText())
                    .contains(broken + " did not start")
                    .contains("running " + running);
        });
        // The failed version is not tried again until the cloud pins another.
        pi.execOk(600, "systemctl", "start", "nara-hub-update.service");
        assertThat(pi.journal("nara-hub-update.service")).contains(broken + " failed here before");
    }

    @Test
    @Order(4)
    @Execution(ExecutionMode.SAME_THREAD)
    void aBadUpdateIsRefusedReportedAndTheHubKeepsRunningItsVersion() throws Exception {
        String running = pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub");

        // A configuration the hub cannot use: no update over it (the launcher's own check says what is wrong).
        String conf = Files.readString(pi.path("/etc/nara/hub.conf"));
        Files.writeString(pi.path("/etc/nara/hub.conf"), conf + "GARBAGE LINE\n");
        try {
            assertRefused("the configuration is not usable: nara-hub: /etc/nara/hub.conf line", "-");
            assertThat(fleetRow().get("failedUpdateReason").asText()).contains("is not KEY=value: GARBAGE LINE");
        } finally {
            Files.writeString(pi.path("/etc/nara/hub.conf"), conf);
        }

        // The cloud pins an older version without saying "downgrade" (a register written by hand, a mistaken or
        // forged pin: the rollout API itself refuses what the repository does not hold, and the repository holds
        // only the newest build).
        String older = builtVersion;
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                PreparedStatement q =
                        c.prepareStatement("INSERT INTO hub_release (version, percentage, hubs, downgrade, "
                                + "released_at, released_by) VALUES (?, 100, '{}', false, now(), 'it')")) {
            q.setString(1, older);
            q.executeUpdate();
        }
        // ... first with a repository that does not pass the hub's release key: another key signed it.
        Path key = pi.path("/etc/nara/release-key.gpg");
        byte[] releaseKey = Files.readAllBytes(key);
        Files.copy(
                Path.of(release(workDir.resolve("other-release"), "key").strip()),
                key,
                StandardCopyOption.REPLACE_EXISTING);
        try {
            assertRefused("failed apt's check (signature)", older);
        } finally {
            Files.write(key, releaseKey);
        }
        assertRefused(
                older + " is older than the running " + running + " and the cloud did not ask for a downgrade", older);

        // A newer release while the disk is nearly full: refused before anything is downloaded.
        String newer = running + "+it3";
        release("publish", repack(deb, newer).toString());
        assertThat(rollout(newer, 100).statusCode()).isEqualTo(200);
        pi.execOk(60, "mount", "-t", "tmpfs", "-o", "size=64m", "nara-full", "/var/cache/apt/archives");
        try {
            assertRefused("MiB free on /var/cache/apt/archives; 200 MiB needed", newer);
        } finally {
            pi.execOk(60, "umount", "/var/cache/apt/archives");
        }

        // An urgent alert still waiting for the cloud goes first: the update waits for the next run.
        stack.stop("broker");
        try {
            // Below the plan's 90 mmHg: an urgent alert, held in the outbox while the broker is away.
            Services.storedAlert(simulateCuff(85));
            pi.execOk(1800, "systemctl", "start", "nara-hub-update.service");
            assertThat(pi.journal("nara-hub-update.service"))
                    .contains("postponed update to " + newer + ": 1 alert(s) still waiting to be sent");
            assertThat(pi.execOk(30, "cat", "/var/lib/nara-hub-update/last-result"))
                    .contains(" POSTPONED " + newer + " alerts waiting to be sent");
        } finally {
            stack.start("broker");
        }
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).until(() -> Services.outboxEmpty(statusUrl));

        // The disk fills while the new version unpacks (the check before found room): dpkg backs out, the hub
        // keeps the version it had, and the next run may try again.
        String room = pi.execOk(60, "sh", "-c", "du -sm /usr/share/nara-hub | cut -f1")
                .strip();
        pi.execOk(
                120,
                "sh",
                "-c",
                "cp -a /usr/share/nara-hub /root/program && mount -t tmpfs -o size=" + (Integer.parseInt(room) + 8)
                        + "m nara-filling /usr/share/nara-hub && cp -a /root/program/. /usr/share/nara-hub/");
        try {
            pi.exec(List.of("systemctl", "start", "nara-hub-update.service"), 3600);
        } finally {
            pi.execOk(60, "umount", "-l", "/usr/share/nara-hub");
        }
        String journal = pi.journal("nara-hub-update.service");
        assertThat(journal).contains(running + " is still installed; " + newer + " is tried again on the next run");
        assertThat(pi.execOk(30, "cat", "/var/lib/nara-hub-update/last-result"))
                .as(journal)
                .contains(" ROLLED_BACK " + newer + " the installation of " + newer + " failed")
                .contains("No space left on device");
        assertThat(pi.path("/var/lib/nara-hub-update/failed-" + newer)).doesNotExist();
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode hub = fleetRow();
            assertThat(hub.get("failedUpdateOutcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(hub.get("failedUpdateVersion").asText()).isEqualTo(newer);
            assertThat(hub.get("failedUpdateReason").asText()).contains("No space left on device");
        });

        // Through all of it the hub ran the version it had, and still delivers.
        assertThat(pi.execOk(30, "dpkg-query", "-W", "-f=${Version}", "nara-hub"))
                .isEqualTo(running);
        assertThat(pi.execOk(30, "systemctl", "is-active", UNIT).strip()).isEqualTo("active");
        long seq = simulateCuff(126).get("stored").get(0).get("seq").asLong();
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(cloud.observationSeqs(HUB)).contains(seq));
    }

    /**
     * Runs the updater and sees it refuse {@code version} ("-" before it knows one) with {@code reason}: in its
     * journal and last result, and (through the hub's status) on the fleet register.
     */
    private static void assertRefused(String reason, String version) {
        pi.execOk(1800, "systemctl", "start", "nara-hub-update.service");
        String journal = pi.journal("nara-hub-update.service");
        assertThat(journal).contains("refused update to ").contains(reason);
        String result = pi.execOk(30, "cat", "/var/lib/nara-hub-update/last-result");
        assertThat(result).as(journal).contains(" REFUSED " + version + " ").contains(reason);
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode hub = fleetRow();
            assertThat(hub.get("failedUpdateOutcome").asText()).isEqualTo("REFUSED");
            assertThat(hub.get("failedUpdateVersion").asText()).isEqualTo(version);
            assertThat(hub.get("failedUpdateReason").asText()).contains(reason);
        });
    }

    @Test
    @Order(5)
    @Execution(ExecutionMode.SAME_THREAD)
    void removeStopsTheHubAndKeepsItsDataPurgeLeavesNothing() {
        pi.execOk(600, "dpkg", "-r", "nara-hub");
        assertThat(pi.exec(List.of("systemctl", "is-active", UNIT), 30).output().strip())
                .isNotEqualTo("active");
        assertThat(pi.path("/usr/share/nara-hub/nara-hub.jar")).doesNotExist();
        assertThat(pi.path("/var/lib/nara-hub/outbox.db"))
                .as("remove keeps the outbox")
                .exists();
        assertThat(pi.path("/etc/nara/hub.conf"))
                .as("remove keeps the configuration")
                .exists();

        pi.execOk(600, "dpkg", "-P", "nara-hub");
        assertThat(pi.path("/var/lib/nara-hub")).doesNotExist();
        assertThat(pi.path("/etc/nara")).doesNotExist();
        assertThat(pi.path("/var/lib/nara-hub-update")).doesNotExist();
        assertThat(pi.path("/etc/apt/sources.list.d/nara-hub.sources")).doesNotExist();
        assertThat(pi.path("/lib/systemd/system/nara-hub.service")).doesNotExist();
        assertThat(pi.exec(List.of("getent", "passwd", "nara-hub"), 30).exitCode())
                .isNotZero();
        assertThat(pi.exec(List.of("getent", "group", "nara-hub"), 30).exitCode())
                .isNotZero();
        // dpkg no longer knows the package at all (dpkg-query fails), or at most as not installed.
        assertThat(pi.exec(List.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "nara-hub"), 30)
                        .output())
                .doesNotStartWith("ii");
    }

    /**
     * What the installer does on a new hub: the settings of this test's container in the package's conffile, then
     * {@code nara-hub-setup} with the hub's id, the cloud's addresses and CA, the release key and the one-time code
     * (on standard input, as the guide says).
     */
    private static void configure(String code) throws Exception {
        Files.write(pi.path("/etc/nara/hub-config.json"), new MessageCodec().encode(Services.homeConfig(1)));
        int port = freePort();
        statusUrl = "http://127.0.0.1:" + port;
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            coapPort = free.getLocalPort();
        }
        String conf = Files.readString(pi.path("/etc/nara/hub.conf"))
                // No time daemon in the container; the host's clock is right.
                .replaceFirst("(?m)^CLOCK=.*$", "CLOCK=assume")
                .replaceFirst("(?m)^HTTP_PORT=.*$", "HTTP_PORT=" + port)
                // No Bluetooth adapter or GPIO chip in the container: the simulated home stands in for devices.
                .replaceFirst("(?m)^BLE=.*$", "BLE=no")
                .replaceFirst("(?m)^GPIO=.*$", "GPIO=off")
                // IP devices on, on loopback and a free port (the container shares the host's network).
                .replaceFirst("(?m)^COAP=.*$", "COAP=yes")
                .replaceFirst(
                        "(?m)^EXTRA_ARGS=.*$",
                        "EXTRA_ARGS=--simulate --ack-timeout 10 --coap-host 127.0.0.1" + " --coap-port " + coapPort)
                .replaceFirst("(?m)^UPDATE_DEADLINE=.*$", "UPDATE_DEADLINE=1200");
        Files.writeString(pi.path("/etc/nara/hub.conf"), conf);
        pi.execOk(30, "chgrp", "nara-hub", "/etc/nara/hub-config.json");
        pi.execOk(30, "chmod", "0640", "/etc/nara/hub-config.json");
        // The cloud's CA (PEM) and the release key (the development key of this test's repository), as handed over.
        Files.copy(stack.pkiDir().resolve("ca.crt"), pi.path("/root/cloud-ca.pem"));
        Files.copy(Path.of(release("key").strip()), pi.path("/root/nara-release.gpg"));
        pi.execOk(
                900,
                "sh",
                "-c",
                "printf '%s\\n' '" + code + "' | nara-hub-setup --hub-id " + HUB
                        + " --mqtt-url " + stack.get("NARA_MQTT_URL")
                        + " --enrol-url https://127.0.0.1:" + ingest.service().estPort()
                        + " --ca /root/cloud-ca.pem --update-url http://127.0.0.1:" + ingestPort + "/apt"
                        + " --release-key /root/nara-release.gpg --code -");
        assertThat(pi.execOk(30, "stat", "-c", "%U:%G %a", "/etc/nara/enrolment-code")
                        .strip())
                .isEqualTo("root:nara-hub 640");
    }

    /** The operator registers the hub in stock (fleet API, as the fleet page does) and gets its one-time code. */
    private static String register() throws Exception {
        var r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"hubId\":\"" + HUB + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("code").asText();
    }

    /** This hub's row of the fleet register ({@code GET /api/fleet/hubs}, what the fleet page shows). */
    private static JsonNode fleetRow() throws Exception {
        var r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode row : JSON.readTree(r.body())) {
            if (row.get("hubId").asText().equals(HUB)) {
                return row;
            }
        }
        throw new AssertionError(HUB + " is not in the fleet register: " + r.body());
    }

    private static JsonNode simulateCuff(int systolic) throws Exception {
        try {
            return Services.simulate(
                    statusUrl,
                    pi.path("/var/lib/nara-hub"),
                    "/api/simulate/cuff?systolic=" + systolic + "&diastolic=78&pulse=66");
        } catch (Exception | AssertionError e) {
            throw new AssertionError(
                    "the hub in the container did not store a reading; its journal:\n" + pi.journal(UNIT), e);
        }
    }

    private static void startIngest() throws Exception {
        // The cloud as a Pi hub meets it: EST enrolment and the release repository on one node.
        ingest = Services.startEnrollingIngest(
                stack, shareGroup, postgres, influx, ingestPort, releaseDir.resolve("repo"));
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

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** deploy/pi/release-repo.sh with this test's release folder (its own development key and repository). */
    private static String release(String... args) {
        return release(releaseDir, args);
    }

    /** ... with another release folder (another key). */
    private static String release(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "env",
                "NARA_RELEASE_DIR=" + dir,
                "bash",
                stack.repoRoot().resolve("deploy/pi/release-repo.sh").toString()));
        command.addAll(List.of(args));
        DevStack.Result result = DevStack.run(stack.repoRoot(), command, 300);
        assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
        return result.output();
    }

    /** The operator releases a version to a share of the hubs (REST, as the fleet page does). */
    private static HttpResponse<String> rollout(String version, int percentage) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/releases"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"version\":\"" + version + "\",\"percentage\":" + percentage + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** A release that installs but never starts: its launcher fails at once. */
    private static Path brokenRelease(String version) throws Exception {
        return repack(deb, version, "sed -i '2i exit 1' usr/share/nara-hub/bin/nara-hub");
    }

    private static String debField(Path deb, String field) {
        DevStack.Result result = DevStack.run(Path.of("/"), List.of("dpkg-deb", "-f", deb.toString(), field), 60);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }

    /** The same build as a newer version (what the next release looks like to dpkg). */
    private static Path repack(Path deb, String version) throws Exception {
        return repack(deb, version, "true");
    }

    /** ... with {@code change} (a shell command) run in the unpacked package first. */
    private static Path repack(Path deb, String version, String change) throws Exception {
        Path tree = workDir.resolve("repack");
        Path out = workDir.resolve("nara-hub-" + version + ".deb");
        for (List<String> command : List.of(
                List.of("dpkg-deb", "-R", deb.toString(), tree.toString()),
                List.of(
                        "sed",
                        "-i",
                        "s/^Version: .*/Version: " + version + "/",
                        tree.resolve("DEBIAN/control").toString()),
                List.of("sh", "-c", "cd '" + tree + "' && " + change),
                List.of("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString()),
                List.of("rm", "-rf", tree.toString()))) {
            DevStack.Result result = DevStack.run(workDir, command, 300);
            assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
        }
        return out;
    }
}
