package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image as a Kubernetes or Podman user runs it: Jib built {@code cloud-node/target/nara-cloud-ingest-image.tar}
 * in the package phase (profile {@code oci-image}, on with {@code -Dnara.oci.base}, which deploy/dev/test.sh sets);
 * {@code podman load} takes it, and {@code podman run --runtime runc} on the host's network, configured only by the
 * environment with the secrets mounted read-only, serves {@code /health} 200 against the dev stack's broker,
 * InfluxDB and PostgreSQL, as the image's non-root user. Skipped, saying why, only where this machine cannot run
 * rootful Podman; a missing image fails.
 */
class OciImageIT {

    private static final List<String> RUN =
            List.of("--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096");

    @Test
    void theImageLoadsIntoPodmanAndItsNodeServesHealthConfiguredByTheEnvironment(@TempDir Path dir) throws Exception {
        DevStack stack = DevStack.ensureUp();
        DevStack.Result info = DevStack.run(
                stack.repoRoot(), List.of("podman", "info", "--format", "{{.Host.Security.Rootless}}"), 120);
        Assumptions.assumeTrue(
                info.exitCode() == 0 && info.output().strip().endsWith("false"),
                "this machine cannot run rootful Podman (podman info: "
                        + info.output().strip() + "); install podman "
                        + "and runc (deploy/dev/test.sh does) and run the tests as root");
        Path image = stack.repoRoot().resolve("cloud-node/target/nara-cloud-ingest-image.tar");
        assertThat(image)
                .as("built by Jib in cloud-node's package phase: mvn ... -Dnara.oci.base=$(deploy/"
                        + "cloud-ingest/oci-base.sh), as deploy/dev/test.sh runs it")
                .exists();

        DevStack.Result loaded = DevStack.run(stack.repoRoot(), List.of("podman", "load", "-i", image.toString()), 600);
        assertThat(loaded.exitCode()).as(loaded.output()).isZero();
        String name = loaded.output()
                .lines()
                .filter(l -> l.startsWith("Loaded image"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError(loaded.output()));

        // The secrets, mounted read-only and readable by the image's user (65532), as a Kubernetes Secret would be.
        Database.Settings postgres = stack.freshPostgres();
        ObservationStore.Settings influx = stack.freshInflux();
        Path secrets = Services.nodeSecrets(stack, dir);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(secrets)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        String container = "nara-oci-it-" + UUID.randomUUID().toString().substring(0, 8);
        String s = "/run/secrets/nara/";
        List<String> run = new ArrayList<>(List.of("podman", "run", "-d", "--name", container));
        run.addAll(RUN);
        run.addAll(List.of(
                "--network",
                "host",
                "-v",
                secrets + ":/run/secrets/nara:ro",
                "-e",
                "NARA_INGEST_NODE_ID=it-oci",
                "-e",
                "NARA_INGEST_SHARE_GROUP=" + Services.newShareGroup(),
                "-e",
                "NARA_INGEST_MQTT_URL=" + stack.get("NARA_MQTT_URL"),
                "-e",
                "NARA_INGEST_KEYSTORE=" + s + "nara-ingest.p12",
                "-e",
                "NARA_INGEST_TRUSTSTORE=" + s + "truststore.p12",
                "-e",
                "NARA_INGEST_PASSWORD_FILE=" + s + "keystore.password",
                "-e",
                "NARA_INGEST_INFLUX_URL=" + influx.url(),
                "-e",
                "NARA_INGEST_INFLUX_USER=" + influx.user(),
                "-e",
                "NARA_INGEST_INFLUX_PASSWORD_FILE=" + s + "influx.password",
                "-e",
                "NARA_INGEST_INFLUX_DB=" + influx.database(),
                "-e",
                "NARA_INGEST_PG_URL=" + postgres.jdbcUrl(),
                "-e",
                "NARA_INGEST_PG_USER=" + postgres.user(),
                "-e",
                "NARA_INGEST_PG_PASSWORD_FILE=" + s + "postgres.password",
                "-e",
                "NARA_INGEST_API_KEY_FILE=" + s + "api.key",
                "-e",
                "NARA_INGEST_HTTP_HOST=127.0.0.1",
                "-e",
                "NARA_INGEST_HTTP_PORT=" + port,
                name));
        DevStack.Result started = DevStack.run(stack.repoRoot(), run, 300);
        assertThat(started.exitCode()).as(started.output()).isZero();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .until(() -> {
                        DevStack.Result state = DevStack.run(
                                stack.repoRoot(),
                                List.of("podman", "inspect", "-f", "{{.State.Running}}", container),
                                60);
                        assertThat(state.output()).as(logs(stack, container)).contains("true");
                        return http.send(
                                                HttpRequest.newBuilder(
                                                                URI.create("http://127.0.0.1:" + port + "/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200;
                    });
            DevStack.Result user = DevStack.run(stack.repoRoot(), List.of("podman", "exec", container, "id", "-u"), 60);
            assertThat(user.output().strip()).isEqualTo("65532");
        } finally {
            DevStack.run(stack.repoRoot(), List.of("podman", "rm", "-f", "-t", "5", container), 120);
            // The loaded image (~500 MB in Podman's storage) is not kept: the next run loads the next build.
            DevStack.run(stack.repoRoot(), List.of("podman", "rmi", "-f", name), 120);
        }
    }

    private static String logs(DevStack stack, String container) {
        return DevStack.run(stack.repoRoot(), List.of("podman", "logs", "--tail", "40", container), 60)
                .output();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
