package io.nara.rules.cli;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.InvalidCarePlanException;
import io.nara.protocol.careplan.PlanProblem;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.rules.episode.AlertEvent;
import io.nara.rules.replay.ReadingsCsv;
import io.nara.rules.replay.Replay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nara-rules replay}: what a care plan raises over a CSV of readings. A thin I/O wrapper: it reads the two
 * files and prints; {@link Replay} does the work, the same engine the hub runs.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints the alerts and episodes a care plan raises over a CSV of readings "
                    + "(time,code,value,unit[,flags]), in time order, then a count per rule and severity.",
            "Exit 0: replayed; 1: the plan or the readings are invalid (every problem is named); 2: bad usage."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:replayed", "1:invalid plan or readings", "2:usage error"})
public final class ReplayCommand implements Callable<Integer> {

    static final int INVALID_INPUT = 1;

    @Option(names = "--plan", required = true, description = "the care plan, JSON (as the care-plan editor saves it)")
    private Path plan;

    @Option(names = "--readings", required = true, description = "CSV: time,code,value,unit[,flags]")
    private Path readings;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MessageCodec codec = new MessageCodec();
        CarePlan carePlan;
        List<String> lines;
        try {
            carePlan = codec.readCarePlan(codec.tree(Files.readString(plan, StandardCharsets.UTF_8)));
            lines = Files.readAllLines(readings, StandardCharsets.UTF_8);
        } catch (InvalidCarePlanException e) {
            err.println("replay: the care plan " + plan + " is invalid:");
            for (PlanProblem p : e.problems()) {
                err.println("  " + (p.field().isEmpty() ? "" : p.field() + ": ") + p.message());
            }
            return INVALID_INPUT;
        } catch (InvalidMessageException e) {
            err.println("replay: the care plan " + plan + " is not valid JSON: " + e.getMessage());
            return INVALID_INPUT;
        } catch (IOException e) {
            err.println("replay: cannot read " + e.getMessage());
            return INVALID_INPUT;
        }
        ReadingsCsv.Parsed parsed = ReadingsCsv.parse(lines, carePlan.patientId());
        if (!parsed.ok()) {
            err.println("replay: " + readings + " has " + parsed.problems().size()
                    + " invalid line(s); nothing was replayed:");
            parsed.problems().forEach(p -> err.println("  " + p));
            return INVALID_INPUT;
        }
        Replay.Outcome outcome = new Replay().run(carePlan, parsed.readings());
        print(outcome, out);
        out.flush();
        return 0;
    }

    static void print(Replay.Outcome o, PrintWriter out) {
        out.printf(Locale.ROOT, "care plan version %s, %d readings%n%n", o.planVersion(), o.readings());
        out.println("time                  status     severity  rule                        value      episode");
        for (Replay.Raised r : o.events()) {
            AlertEvent e = r.event();
            String value = e.value() == null ? "" : String.format(Locale.ROOT, "%s %s", trim(e.value()), e.unit());
            out.printf(
                    Locale.ROOT,
                    "%-21s %-10s %-9s %-27s %-10s %s%n",
                    r.at(),
                    e.status(),
                    e.severity(),
                    e.ruleId(),
                    value,
                    e.episode());
        }
        if (o.events().isEmpty()) {
            out.println("(no alerts)");
        }
        out.println();
        out.println("rule                        severity  alerts  episodes opened");
        for (Replay.RuleCount c : o.perRule()) {
            out.printf(Locale.ROOT, "%-27s %-9s %6d  %15d%n", c.ruleId(), c.severity(), c.alerts(), c.episodes());
        }
        out.printf(
                Locale.ROOT,
                "total: %d alerts, %d episodes opened, %d still open at the end%n",
                o.alerts(),
                o.episodes(),
                o.stillOpen().size());
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
