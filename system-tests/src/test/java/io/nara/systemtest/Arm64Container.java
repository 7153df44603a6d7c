package io.nara.systemtest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An arm64 Debian bookworm with its own systemd, booted with systemd-nspawn under qemu-user-static: the stand-in for
 * a Raspberry Pi (64-bit Raspberry Pi OS) in the appliance test. The pristine root file system is built once and
 * cached outside the clone by {@code deploy/pi/arm64-rootfs.sh}; each container boots a copy of it, which
 * {@link #close()} powers off and deletes. The container shares the host's network, so what runs inside reaches the
 * dev stack on 127.0.0.1.
 */
final class Arm64Container implements AutoCloseable {

    /** Generous: qemu runs the JVM 3-4 times slower than native, far slower while the JIT warms up. */
    static final Duration BOOT_DEADLINE = Duration.ofMinutes(5);

    private static final String NICENESS = "10";

    private final Path root;
    private final Process nspawn;
    private final long pid1;

    private Arm64Container(Path root, Process nspawn, long pid1) {
        this.root = root;
        this.nspawn = nspawn;
        this.pid1 = pid1;
    }

    /** Why this machine cannot run the container (not root, a tool missing), or empty if it can. */
    static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("systemd-nspawn needs root");
        }
        for (String[] tool : new String[][] {
            {"systemd-nspawn", "systemd-container"},
            {"nsenter", "util-linux"},
            {"mmdebstrap", "mmdebstrap"},
            {"qemu-aarch64-static", "qemu-user-static"},
            {"update-binfmts", "binfmt-support"},
            {"dpkg-deb", "dpkg"}
        }) {
            if (DevStack.run(Path.of("/"), List.of("sh", "-c", "command -v " + tool[0]), 10)
                            .exitCode()
                    != 0) {
                return Optional.of(tool[0] + " is missing (apt-get install " + tool[1] + ")");
            }
        }
        return Optional.empty();
    }

    /** The cached pristine root file system, built first if the cache does not have it (several minutes). */
    static Path pristineRootfs(Path repoRoot) {
        DevStack.Result built = DevStack.run(repoRoot, List.of("bash", "deploy/pi/arm64-rootfs.sh"), 3_600);
        if (built.exitCode() != 0) {
            throw new IllegalStateException("cannot build the arm64 root file system:\n" + built.output());
        }
        String[] lines = built.output().strip().split("\n");
        return Path.of(lines[lines.length - 1].strip());
    }

    /** Boots a copy of {@code pristine} in {@code workDir} and waits until its systemd has finished starting up. */
    static Arm64Container boot(Path pristine, Path workDir, String name) throws Exception {
        Path root = workDir.resolve("rootfs");
        run(List.of("cp", "-a", "--reflink=auto", pristine.toString(), root.toString()), 900);
        Path log = workDir.resolve("nspawn.log");
        // Niced, like everything run inside (exec): the container runs beside the other test classes and should take
        // the CPU they leave idle, not theirs. nice and setsid exec in place, so the pid stays nspawn's.
        Process nspawn = new ProcessBuilder(
                        "nice",
                        "-n",
                        NICENESS,
                        "setsid",
                        "systemd-nspawn",
                        "--register=no",
                        "--keep-unit",
                        "--console=passive",
                        "-D",
                        root.toString(),
                        "-M",
                        name,
                        "-b")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        // setsid execs nspawn in place (same pid); the container's PID 1 is nspawn's child.
        Instant deadline = Instant.now().plus(BOOT_DEADLINE);
        Long pid1 = null;
        while (pid1 == null) {
            if (!nspawn.isAlive()) {
                throw new IllegalStateException("systemd-nspawn ended:\n" + Files.readString(log));
            }
            pid1 = nspawn.toHandle()
                    .children()
                    .map(ProcessHandle::pid)
                    .findFirst()
                    .orElse(null);
            if (pid1 == null) {
                pause(deadline, "the container's init to start", log);
            }
        }
        Arm64Container container = new Arm64Container(root, nspawn, pid1);
        // "degraded" is expected under qemu (systemd-sysusers and tmpfiles-setup fail there); booted is what counts.
        while (true) {
            DevStack.Result state = container.exec(List.of("systemctl", "is-system-running"), 60);
            String s = state.output().strip();
            if (s.endsWith("running") || s.endsWith("degraded")) {
                break;
            }
            pause(deadline, "the container to finish booting (now: " + s + ")", log);
        }
        return container;
    }

    /** Runs a command inside the container (all its namespaces) and returns its exit code and output. */
    DevStack.Result exec(List<String> command, long timeoutSeconds) {
        List<String> full =
                new ArrayList<>(List.of("nice", "-n", NICENESS, "nsenter", "-t", Long.toString(pid1), "-a"));
        full.addAll(command);
        return DevStack.run(Path.of("/"), full, timeoutSeconds);
    }

    /** Runs a command inside and fails with its output unless it succeeds. */
    String execOk(long timeoutSeconds, String... command) {
        DevStack.Result result = exec(List.of(command), timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /** A path of the container's file system as seen from the host (its /tmp is a tmpfs: use /root or /etc). */
    Path path(String inside) {
        return root.resolve(inside.replaceFirst("^/", ""));
    }

    /** The unit's recent journal, for failure messages. */
    String journal(String unit) {
        return exec(List.of("journalctl", "--no-pager", "-n", "200", "-u", unit), 60)
                .output();
    }

    @Override
    public void close() throws Exception {
        try {
            if (nspawn.isAlive()) {
                exec(List.of("systemctl", "poweroff"), 60);
                if (!nspawn.waitFor(120, TimeUnit.SECONDS)) {
                    nspawn.destroy();
                    if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
                        nspawn.destroyForcibly();
                    }
                }
            }
        } finally {
            run(List.of("rm", "-rf", "--one-file-system", root.toString()), 600);
        }
    }

    private static void run(List<String> command, long timeoutSeconds) {
        DevStack.Result result = DevStack.run(Path.of("/"), command, timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(command + " failed:\n" + result.output());
        }
    }

    private static void pause(Instant deadline, String what, Path log) throws IOException, InterruptedException {
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("timed out waiting for " + what + ":\n" + Files.readString(log));
        }
        Thread.sleep(1_000);
    }
}
