package io.nara.systemtest;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;

/**
 * The real servers the system tests run against, started by {@code deploy/dev/stack.sh up} (idempotent: a running
 * stack is reused) and described by the {@code stack.env} it writes. Each test class takes databases of its own, so
 * classes never see each other's data.
 */
public final class DevStack {

    private static DevStack instance;

    private final Path repoRoot;
    private final Map<String, String> env;

    private DevStack(Path repoRoot, Map<String, String> env) {
        this.repoRoot = repoRoot;
        this.env = env;
    }

    /** Starts the stack if it is not running, once per test JVM. */
    public static synchronized DevStack ensureUp() {
        if (instance == null) {
            Path root = findRepoRoot();
            Result up = run(root, List.of("bash", root.resolve("deploy/dev/stack.sh").toString(), "up"), 600);
            if (up.exitCode() != 0) {
                throw new IllegalStateException("the dev stack did not start:\n" + up.output());
            }
            instance = new DevStack(root, readEnv(root.resolve(stateDir(root)).resolve("stack.env")));
        }
        return instance;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    public String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException(key + " is missing from stack.env");
        }
        return value;
    }

    public Path pkiDir() {
        return Path.of(get("NARA_PKI_DIR"));
    }

    /**
     * The client certificate of {@code name} (a hub id or {@code nara-ingest}), made by the dev CA if it does not
     * exist yet. Give each test class hub ids of its own: the broker then keeps their messages apart, and test
     * classes running side by side never see each other's data.
     */
    public synchronized TlsIdentity identity(String name) {
        Path keystore = pkiDir().resolve(name + ".p12");
        if (!Files.exists(keystore)) {
            Result made = run(repoRoot, List.of("bash", repoRoot.resolve("deploy/pki/dev-pki.sh").toString(),
                    pkiDir().toString(), name), 60);
            if (made.exitCode() != 0) {
                throw new IllegalStateException("cannot make a certificate for " + name + ":\n" + made.output());
            }
        }
        return new TlsIdentity(keystore, pkiDir().resolve("truststore.p12"), pkiDir().resolve("keystore.password"));
    }

    /** The paths of a client's PEM certificate and key, for mosquitto_pub and mosquitto_sub. */
    public List<String> mosquittoTlsArgs(String name) {
        identity(name);
        return List.of("--cafile", pkiDir().resolve("ca.crt").toString(),
                "--cert", pkiDir().resolve(name + ".crt").toString(),
                "--key", pkiDir().resolve(name + ".key").toString());
    }

    public BrokerConnection broker(String name) {
        return new BrokerConnection(URI.create(get("NARA_MQTT_URL")), identity(name));
    }

    /** A new, empty PostgreSQL database. */
    public Database.Settings freshPostgres() {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(get("NARA_PG_URL"), get("NARA_PG_USER"), get("NARA_PG_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
        }
        String url = get("NARA_PG_URL").replaceFirst("/[^/]+$", "/" + name);
        return new Database.Settings(url, get("NARA_PG_USER"), get("NARA_PG_PASSWORD"));
    }

    /** A new, empty InfluxDB database. */
    public ObservationStore.Settings freshInflux() {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (InfluxDB influx = influx()) {
            influx.query(new Query("CREATE DATABASE " + name));
        }
        return new ObservationStore.Settings(get("NARA_INFLUX_URL"), get("NARA_INFLUX_USER"),
                get("NARA_INFLUX_PASSWORD"), name);
    }

    public InfluxDB influx() {
        InfluxDB influx = InfluxDBFactory.connect(get("NARA_INFLUX_URL"), get("NARA_INFLUX_USER"),
                get("NARA_INFLUX_PASSWORD"));
        return influx;
    }

    /** Runs a command (such as mosquitto_pub) and returns its exit code and combined output. */
    public static Result run(Path dir, List<String> command, long timeoutSeconds) {
        try {
            // Output goes to a file, not a pipe, so a hanging command cannot block us past the timeout.
            Path output = Files.createTempFile("nara-run", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s:\n"
                            + Files.readString(output));
                }
                return new Result(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String output) {
    }

    private static Path stateDir(Path root) {
        String state = System.getenv("NARA_STATE");
        return state != null ? Path.of(state) : root.resolve(".state");
    }

    private static Path findRepoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/dev/stack.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find deploy/dev/stack.sh above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Map<String, String> readEnv(Path file) {
        try {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return env;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
