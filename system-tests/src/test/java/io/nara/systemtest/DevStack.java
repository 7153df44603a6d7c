package io.nara.systemtest;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;

/**
 * The real servers the system tests run against, started by {@code deploy/dev/stack.sh up} (idempotent: a running
 * stack is reused) and described by the {@code stack.env} it writes. Each test class takes databases of its own, so
 * classes never see each other's data.
 *
 * <p>Tests that stop and start servers use {@link #faultStack()}, a second stack with its own state folder and ports,
 * so a fault they inject never reaches another test.
 */
public final class DevStack {

    private static final int FAULT_PORT_OFFSET = 1000;
    private static DevStack main;
    private static DevStack faults;
    private static DevStack restore;
    private static DevStack appliance;
    /** The restore drill's empty stack: beyond every checkout's fault stack (offset + 1000). */
    private static final int RESTORE_PORT_OFFSET = 2000;
    /**
     * The arm64 appliance test's stack: it runs beside the other classes (it is minutes of emulated CPU, mostly
     * waiting for qemu) and stops its broker, so it must share no server with them. 6000 clears every checkout's
     * main, fault and restore offsets (checkouts use 0, 100..900 and 3000).
     */
    private static final int APPLIANCE_PORT_OFFSET = 6000;

    private final Path repoRoot;
    private final Map<String, String> stackEnvironment;
    private final Map<String, String> env;
    /** Ingest nodes handed out in this JVM; each has a certificate of its own (the broker binds id to certificate). */
    private final AtomicInteger ingestNodes = new AtomicInteger();

    private DevStack(Path repoRoot, Map<String, String> stackEnvironment, Map<String, String> env) {
        this.repoRoot = repoRoot;
        this.stackEnvironment = stackEnvironment;
        this.env = env;
    }

    /** Starts the shared stack if it is not running, once per test JVM. */
    public static synchronized DevStack ensureUp() {
        if (main == null) {
            main = up(Map.of());
        }
        return main;
    }

    /**
     * Starts the fault-injection stack (state folder {@code <state>/faults}, ports moved 1000 beyond the main stack's
     * {@code NARA_PORT_OFFSET}) if needed, so two checkouts with different offsets can each run their fault tests.
     */
    public static synchronized DevStack faultStack() {
        if (faults == null) {
            Path root = findRepoRoot();
            faults = up(Map.of(
                    "NARA_STATE",
                    stateDir(root).resolve("faults").toString(),
                    "NARA_PORT_OFFSET",
                    Integer.toString(FAULT_PORT_OFFSET + mainPortOffset())));
        }
        return faults;
    }

    /**
     * A stack of its own for restore drills (state folder {@code <state>/restore}, ports moved 2000 beyond the main
     * stack's): backups are restored into it as into a new machine.
     */
    public static synchronized DevStack restoreStack() {
        if (restore == null) {
            Path root = findRepoRoot();
            restore = up(Map.of(
                    "NARA_STATE",
                    stateDir(root).resolve("restore").toString(),
                    "NARA_PORT_OFFSET",
                    Integer.toString(RESTORE_PORT_OFFSET + mainPortOffset())));
        }
        return restore;
    }

    /** A stack of its own for the arm64 appliance test (state folder {@code <state>/appliance}). */
    public static synchronized DevStack applianceStack() {
        if (appliance == null) {
            Path root = findRepoRoot();
            appliance = up(Map.of(
                    "NARA_STATE",
                    stateDir(root).resolve("appliance").toString(),
                    "NARA_PORT_OFFSET",
                    Integer.toString(APPLIANCE_PORT_OFFSET + mainPortOffset())));
        }
        return appliance;
    }

    private static DevStack up(Map<String, String> stackEnvironment) {
        Path root = findRepoRoot();
        DevStack stack = new DevStack(root, stackEnvironment, Map.of());
        Result up = stack.stackCommand("up");
        if (up.exitCode() != 0) {
            throw new IllegalStateException("the dev stack did not start:\n" + up.output());
        }
        Path state = stackEnvironment.containsKey("NARA_STATE")
                ? Path.of(stackEnvironment.get("NARA_STATE"))
                : stateDir(root);
        return new DevStack(root, stackEnvironment, readEnv(state.resolve("stack.env")));
    }

    /** Stops one server ({@code broker}, {@code influx} or {@code postgres}) and waits until it is gone. */
    public void stop(String service) {
        requireFaultStack();
        Result result = stackCommand("stop", service);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot stop " + service + ":\n" + result.output());
        }
    }

    /** Kills one server with SIGKILL (a crash: no clean shutdown) and waits until it is gone. */
    public void kill(String service) {
        requireFaultStack();
        Result result = stackCommand("kill", service);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot kill " + service + ":\n" + result.output());
        }
    }

    /**
     * Freezes one server with SIGSTOP: its sockets stay open, so connections are accepted and requests go unanswered
     * (a hung server, unlike a crash's refused connections). {@link #thaw} or {@link #start} lets it run again.
     */
    public void freeze(String service) {
        signal("freeze", service);
    }

    /** Lets a frozen server run again (SIGCONT). */
    public void thaw(String service) {
        signal("thaw", service);
    }

    private void signal(String command, String service) {
        requireFaultStack();
        Result result = stackCommand(command, service);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot " + command + " " + service + ":\n" + result.output());
        }
    }

    /** Starts one server again and waits until it is ready. */
    public void start(String service) {
        requireFaultStack();
        Result result = stackCommand("start", service);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot start " + service + ":\n" + result.output());
        }
    }

    private void requireFaultStack() {
        if (!stackEnvironment.containsKey("NARA_PORT_OFFSET")) {
            throw new IllegalStateException("only the fault stack's servers may be stopped: others' tests use these");
        }
    }

    private Result stackCommand(String... args) {
        List<String> command = new ArrayList<>(
                List.of("bash", repoRoot.resolve("deploy/dev/stack.sh").toString()));
        command.addAll(List.of(args));
        return run(repoRoot, command, stackEnvironment, 600);
    }

    /**
     * {@code deploy/dev/stack.sh ARGS} as a command line for this stack (its state folder and, for the fault stack,
     * its ports), for a server the test starts that runs it itself (the ingest's broker commands).
     */
    public List<String> stackScript(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "NARA_STATE=" + get("NARA_STATE")));
        if (stackEnvironment.containsKey("NARA_PORT_OFFSET")) {
            command.add("NARA_PORT_OFFSET=" + stackEnvironment.get("NARA_PORT_OFFSET"));
        }
        command.addAll(List.of("bash", repoRoot.resolve("deploy/dev/stack.sh").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A secret file of the stack ({@code influx.password}, {@code postgres.password}). */
    public Path secret(String name) {
        return Path.of(get("NARA_STATE")).resolve("secrets").resolve(name);
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
     * The client certificate of {@code name} (a hub id or {@code nara-ingest...}), made by the dev CA and granted
     * its rights at the broker ({@code stack.sh client}) if it does not exist yet. Give each test class hub ids of its
     * own: the broker then keeps their messages apart, and test classes running side by side never see each other's
     * data. The broker makes the certificate's name the client id, so two connections with one identity at once
     * take each other's session over.
     */
    public synchronized TlsIdentity identity(String name) {
        Path keystore = pkiDir().resolve(name + ".p12");
        if (!Files.exists(keystore)) {
            Result made = run(
                    repoRoot,
                    List.of("bash", repoRoot.resolve("deploy/dev/stack.sh").toString(), "client", name),
                    stackEnvironment,
                    60);
            if (made.exitCode() != 0) {
                throw new IllegalStateException("cannot make a certificate for " + name + ":\n" + made.output());
            }
        }
        return new TlsIdentity(keystore, pkiDir().resolve("truststore.p12"), pkiDir().resolve("keystore.password"));
    }

    /** The paths of a client's PEM certificate and key, for mosquitto_pub and mosquitto_sub. */
    public List<String> mosquittoTlsArgs(String name) {
        identity(name);
        return List.of(
                "--cafile",
                pkiDir().resolve("ca.crt").toString(),
                "--cert",
                pkiDir().resolve(name + ".crt").toString(),
                "--key",
                pkiDir().resolve(name + ".key").toString());
    }

    /**
     * The certificate name of a new ingest node: one per node, as in production (the broker makes it the client id).
     * Numbered per JVM, so the certificates are made once and reused by later runs.
     */
    public String newIngestNode() {
        return "nara-ingest-it-" + ingestNodes.incrementAndGet();
    }

    public BrokerConnection broker(String name) {
        return new BrokerConnection(URI.create(get("NARA_MQTT_URL")), identity(name));
    }

    /** A new, empty PostgreSQL database. */
    public Database.Settings freshPostgres() {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c =
                        DriverManager.getConnection(get("NARA_PG_URL"), get("NARA_PG_USER"), get("NARA_PG_PASSWORD"));
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
        return new ObservationStore.Settings(
                get("NARA_INFLUX_URL"), get("NARA_INFLUX_USER"), get("NARA_INFLUX_PASSWORD"), name);
    }

    public InfluxDB influx() {
        InfluxDB influx =
                InfluxDBFactory.connect(get("NARA_INFLUX_URL"), get("NARA_INFLUX_USER"), get("NARA_INFLUX_PASSWORD"));
        return influx;
    }

    /** Runs a command (such as mosquitto_pub) and returns its exit code and combined output. */
    public static Result run(Path dir, List<String> command, long timeoutSeconds) {
        return run(dir, command, Map.of(), timeoutSeconds);
    }

    private static Result run(Path dir, List<String> command, Map<String, String> environment, long timeoutSeconds) {
        try {
            // Output goes to a file, not a pipe, so a hanging command cannot block us past the timeout.
            Path output = Files.createTempFile("nara-run", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(
                            command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(output));
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
    public record Result(int exitCode, String output) {}

    private static int mainPortOffset() {
        String offset = System.getenv("NARA_PORT_OFFSET");
        return offset == null || offset.isBlank() ? 0 : Integer.parseInt(offset.trim());
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
            throw new IllegalStateException(
                    "cannot find deploy/dev/stack.sh above " + Path.of("").toAbsolutePath());
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
