package io.nara.ingest.enrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command the operator configures to tell the broker of a change in the hub register: read the CRL again
 * (Mosquitto: SIGHUP), or grant or remove a hub's account (Mosquitto's dynamic-security plugin). A command, not a
 * client library, because the broker's administration differs between deployments (a local Mosquitto, a cluster's
 * REST API) while the ingest's part is the same. Blocking: run it on a worker.
 *
 * @param words the program and its first arguments; empty for none (nothing is run)
 */
public record BrokerCommand(List<String> words) {

    static final long TIMEOUT_SECONDS = 30;

    public BrokerCommand {
        words = List.copyOf(words);
    }

    public static BrokerCommand none() {
        return new BrokerCommand(List.of());
    }

    /** Words separated by spaces, as an option gives them; null or blank for none. */
    public static BrokerCommand parse(String line) {
        return line == null || line.isBlank()
                ? none()
                : new BrokerCommand(List.of(line.trim().split("\\s+")));
    }

    public boolean isNone() {
        return words.isEmpty();
    }

    /** Runs the command with {@code args} appended; fails naming the command, its exit status and its output. */
    void run(String... args) throws IOException, InterruptedException {
        if (words.isEmpty()) {
            return;
        }
        List<String> line = new ArrayList<>(words);
        line.addAll(List.of(args));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the broker command " + line + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException("the broker command " + line + " failed (exit " + p.exitValue() + "): " + output);
        }
    }
}
