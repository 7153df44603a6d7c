package io.nara.rules.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nara-rules}: the rules engine on the command line, for clinicians who tune care-plan templates. */
@Command(
        name = "nara-rules",
        mixinStandardHelpOptions = true,
        subcommands = ReplayCommand.class,
        description = "The Nära rules engine on the command line.")
public final class RulesCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, for example: replay");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RulesCommand()).execute(args));
    }
}
