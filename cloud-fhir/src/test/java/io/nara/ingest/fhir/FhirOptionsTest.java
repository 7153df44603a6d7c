package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.IngestMain;
import io.nara.ingest.NodeFeature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FhirOptionsTest {

    @TempDir
    Path dir;

    private static FhirPush.Settings parse(String... args) {
        FhirOptions options = new FhirOptions();
        new CommandLine(options).parseArgs(args);
        return options.settings();
    }

    @Test
    void theFhirPushIsOffUnlessAServerIsGivenAndRefusesAnythingButHttp() throws Exception {
        assertThat(parse().enabled()).isFalse();
        Path token = Files.writeString(dir.resolve("fhir.token"), "journal-token\n");
        var push = parse(
                "--fhir-push-url",
                "https://journal.region.test/fhir",
                "--fhir-push-token-file",
                token.toString(),
                "--fhir-push-max-attempts",
                "5");
        assertThat(push.baseUrl()).isEqualTo(URI.create("https://journal.region.test/fhir"));
        assertThat(push.bearerToken()).isEqualTo("journal-token");
        assertThat(push.maxAttempts()).isEqualTo(5);
        assertThat(push.toString()).doesNotContain("journal-token");
        assertThatThrownBy(() -> parse("--fhir-push-url", "ftp://journal.region.test/fhir"))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> parse("--fhir-push-token-file", token.toString()))
                .hasMessageContaining("--fhir-push-url");
    }

    @Test
    void theNodeFindsTheFeatureAndTakesItsOptionsAsItsOwn() {
        assertThat(NodeFeature.installed()).hasAtLeastOneElementOfType(FhirFeature.class);
        PrintStream out = System.out;
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        System.setOut(new PrintStream(help, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = IngestMain.run(new String[] {"--help"}, Map.of());
        } finally {
            System.setOut(out);
        }
        assertThat(code).isZero();
        assertThat(help.toString(StandardCharsets.UTF_8))
                .contains("--fhir-push-url", "--fhir-push-token-file", "--fhir-push-max-attempts", "--mqtt-url");
    }

    @Test
    void aFeatureMadeWithoutSettingsPushesNothingButAMisfitOptionStopsTheNode() {
        FhirFeature found = new FhirFeature();
        found.configure();
        assertThat(found.settings().enabled()).isFalse();
        FhirFeature misfit = new FhirFeature();
        new CommandLine(misfit.options()).parseArgs("--fhir-push-url", "ftp://journal.region.test/fhir");
        assertThatThrownBy(misfit::configure).hasMessageContaining("http(s)");
    }
}
