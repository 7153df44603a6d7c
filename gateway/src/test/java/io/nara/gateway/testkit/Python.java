package io.nara.gateway.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the simulated peers (test resources) with Debian's python3, which needs no packages beyond the standard library. */
public final class Python {

    private Python() {}

    public static String interpreter() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** The script from test resources, as a file path. */
    public static String script(String resource) {
        try {
            return Path.of(Python.class.getClassLoader().getResource(resource).toURI())
                    .toString();
        } catch (Exception e) {
            throw new IllegalStateException("test resource " + resource + " is missing", e);
        }
    }

    public static List<String> command(String resource, String... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter(), "-u", script(resource)));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
