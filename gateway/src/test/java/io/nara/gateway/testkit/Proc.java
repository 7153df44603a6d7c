package io.nara.gateway.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An external peer process (coap-client, socat, a simulated analyzer, dbus-daemon): output to a file, bounded in time,
 * destroyed with its children when the test ends.
 */
public final class Proc implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final List<String> command;

    private Proc(Process process, Path output, List<String> command) {
        this.process = process;
        this.output = output;
        this.command = command;
    }

    public static Proc start(Path dir, String name, List<String> command) throws IOException {
        return start(dir, name, command, null);
    }

    public static Proc start(Path dir, String name, List<String> command, Map<String, String> env) throws IOException {
        Path out = dir.resolve(name + "-" + System.nanoTime() + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (env != null) {
            pb.environment().putAll(env);
        }
        return new Proc(pb.start(), out, command);
    }

    /** Runs to completion within {@code limit}; returns the exit code (the process is killed past the limit). */
    public int await(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError(command + " did not finish within " + limit + "; output: " + output());
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
