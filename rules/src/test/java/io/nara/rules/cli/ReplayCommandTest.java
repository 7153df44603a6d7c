package io.nara.rules.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command as a clinician runs it: the template and the example readings of rules/examples. */
class ReplayCommandTest {

    static final Path TEMPLATE = Path.of("../protocol/src/main/resources/careplan/heart-failure-template.json");
    static final Path EXAMPLE = Path.of("examples/readings.csv");

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RulesCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theExampleWeekRaisesTheWeightGainTheLowPressureWithFastPulseAndTheNtProBnpRise() {
        Run r = run("replay", "--plan", TEMPLATE.toString(), "--readings", EXAMPLE.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("care plan version 1, 15 readings")
                .containsPattern("2026-11-26T06:30:00Z\\s+RAISED\\s+WARNING\\s+weight-gain-3d\\s+82.3 kg")
                .containsPattern("2026-11-26T06:35:00Z\\s+RAISED\\s+URGENT\\s+hypotension-tachycardia")
                .containsPattern("2026-11-26T08:05:00Z\\s+RESOLVED\\s+INFO\\s+systolic-low")
                .containsPattern("2026-11-27T07:00:00Z\\s+RAISED\\s+WARNING\\s+ntprobnp-rise\\s+1900 pg/mL")
                .containsPattern("hypotension-tachycardia\\s+URGENT\\s+1\\s+1")
                .doesNotContain("spo2-low");
    }

    @Test
    void invalidReadingsAreListedAndNothingIsReplayed(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(
                dir.resolve("r.csv"), "2026-11-23T07:30:00Z,29463-7,80,stone\n" + "2026-11-23 07:30,29463-7,80,kg\n");
        Run r = run("replay", "--plan", TEMPLATE.toString(), "--readings", csv.toString());
        assertThat(r.exit()).isEqualTo(ReplayCommand.INVALID_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("has 2 invalid line(s); nothing was replayed")
                .contains("line 1: unit 'stone' is not a unit of Body weight")
                .contains("line 2: time '2026-11-23 07:30' is not an ISO 8601 time");
    }

    @Test
    void anInvalidPlanNamesEachProblem(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.json"), """
                {"patientId": "p1", "version": "2", "rules": [
                  {"kind": "threshold", "id": "sys", "code": "8480-6", "severity": "WARNING", "message": "m"}]}
                """);
        Run r = run("replay", "--plan", plan.toString(), "--readings", EXAMPLE.toString());
        assertThat(r.exit()).isEqualTo(ReplayCommand.INVALID_INPUT);
        assertThat(r.err()).contains("the care plan " + plan + " is invalid:").contains("rules[0]");
    }

    @Test
    void aPlanThatIsNotJsonOrAMissingFileIsAClearError(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.json"), "{not json");
        Run notJson = run("replay", "--plan", plan.toString(), "--readings", EXAMPLE.toString());
        assertThat(notJson.exit()).isEqualTo(ReplayCommand.INVALID_INPUT);
        assertThat(notJson.err()).contains("is not valid JSON");
        Run missing = run("replay", "--plan", dir.resolve("none.json").toString(), "--readings", EXAMPLE.toString());
        assertThat(missing.exit()).isEqualTo(ReplayCommand.INVALID_INPUT);
        assertThat(missing.err()).contains("cannot read").contains("none.json");
    }

    @Test
    void withoutTheFilesItIsAUsageError() {
        assertThat(run("replay").exit()).isEqualTo(2);
        assertThat(run().exit()).isEqualTo(2);
    }
}
