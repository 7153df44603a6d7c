package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest's Debian package as an operator installs it: in an amd64 Debian booted with systemd
 * ({@code systemd-nspawn -b}, a copy of a root file system cached under /var/cache/nara), {@code dpkg -i} creates the
 * service user, the operator writes /etc/nara/ingest.properties and the secret files, enables the unit, and the node
 * answers {@code /health} on the host's network as that user; a stop leaves the unit inactive, not failed.
 */
class CloudPackageIT {

    @Test
    void thePackageInstallsAndItsUnitStartsANode(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        Path deb = stack.repoRoot().resolve("cloud-node/target/nara-cloud-ingest.deb");
        assertThat(deb).as("built by the cloud-node module's package phase").exists();
        Database.Settings postgres = stack.freshPostgres();
        ObservationStore.Settings influx = stack.freshInflux();
        Path secrets = Services.nodeSecrets(stack, dir);
        int port = freePort();
        String etc = "/etc/nara/ingest/";
        Path settings = Files.write(
                dir.resolve("ingest.properties"),
                List.of(
                        "node-id = it-package",
                        "share-group = " + Services.newShareGroup(),
                        "mqtt-url = " + stack.get("NARA_MQTT_URL"),
                        "keystore = " + etc + "nara-ingest.p12",
                        "truststore = " + etc + "truststore.p12",
                        "password-file = " + etc + "keystore.password",
                        "influx-url = " + influx.url(),
                        "influx-user = " + influx.user(),
                        "influx-password-file = " + etc + "influx.password",
                        "influx-db = " + influx.database(),
                        "pg-url = " + postgres.jdbcUrl(),
                        "pg-user = " + postgres.user(),
                        "pg-password-file = " + etc + "postgres.password",
                        "api-key-file = " + etc + "api.key",
                        "http-port = " + port,
                        "metrics-port = " + freePort()));

        DevStack.Result run = DevStack.run(
                stack.repoRoot(),
                List.of(
                        "bash",
                        stack.repoRoot()
                                .resolve("deploy/cloud-ingest/boot-test.sh")
                                .toString(),
                        deb.toString(),
                        settings.toString(),
                        secrets.toString(),
                        "http://127.0.0.1:" + port + "/health"),
                1200);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("unit: active", "user: nara-ingest", "after stop: inactive", "result: success");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
