package io.nara.gateway.installer;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@link InstallerCommand} against a hub's local API as the installer would, with what it prints. */
record InstallerCli(int exit, String out, String err) {

    /** @param stdin what the installer pipes in (the key of {@code coap-key}) */
    static InstallerCli run(URI hub, Path tokenFile, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InstallerCommand command = new InstallerCommand();
        command.keyInput = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--hub", hub.toString(), "--token-file", tokenFile.toString()));
        all.addAll(List.of(args));
        return new InstallerCli(cmd.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }
}
