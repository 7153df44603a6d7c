package io.nara.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.IngestMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class SettingsTest {

    @TempDir
    Path dir;

    @Command
    static final class Options {
        @Option(names = "--config")
        Path config;

        @Option(names = "--pg-url")
        String pgUrl;

        @Option(names = "--pg-user", defaultValue = "nara")
        String pgUser;

        @Option(names = "--http-port", defaultValue = "8080")
        int httpPort;
    }

    private Options parse(Map<String, String> env, String... args) {
        Options options = new Options();
        CommandLine command = new CommandLine(options);
        Settings settings = Settings.load(List.of(args), env);
        settings.requireKnown(command.getCommandSpec().options());
        command.setDefaultValueProvider(settings);
        command.parseArgs(args);
        return options;
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path file = Files.writeString(
                dir.resolve("ingest.properties"),
                "pg-url = jdbc:postgresql://file/nara\npg-user = from-file\nhttp-port = 9000\n");
        Options fileOnly = parse(Map.of(), "--config", file.toString());
        assertThat(fileOnly.pgUrl).isEqualTo("jdbc:postgresql://file/nara");
        assertThat(fileOnly.pgUser).isEqualTo("from-file");
        assertThat(fileOnly.httpPort).isEqualTo(9000);

        Options envOverFile = parse(Map.of("NARA_INGEST_PG_USER", "from-env", "NARA_INGEST_CONFIG", file.toString()));
        assertThat(envOverFile.pgUser).isEqualTo("from-env");
        assertThat(envOverFile.pgUrl).isEqualTo("jdbc:postgresql://file/nara");

        Options cliOverEnv = parse(Map.of("NARA_INGEST_PG_USER", "from-env"), "--config=" + file, "--pg-user", "cli");
        assertThat(cliOverEnv.pgUser).isEqualTo("cli");

        Options defaults = parse(
                Map.of(),
                "--config",
                Files.writeString(dir.resolve("empty.properties"), "").toString());
        assertThat(defaults.pgUser).isEqualTo("nara");
        assertThat(defaults.httpPort).isEqualTo(8080);
        assertThat(defaults.pgUrl).isNull();
    }

    @Test
    void aTypoInTheFileOrEnvironmentIsRefusedNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("ingest.properties"), "pg-ur = jdbc:postgresql://x/nara\n");
        assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'pg-ur' in " + file);
        assertThatThrownBy(() -> parse(Map.of("NARA_INGEST_PG_PORT", "5432")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("NARA_INGEST_PG_PORT");
    }

    @Test
    void aNamedConfigurationFileThatIsMissingIsAnError() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> Settings.load(List.of("--config", missing.toString()), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("configuration file " + missing + " does not exist");
    }

    @Test
    void secretFilesSayWhatIsWrongWithThem() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.password"), "  \n");
        Path good = Files.writeString(dir.resolve("good.password"), "s3cret\n");
        assertThat(SecretFile.read(good, "--pg-password-file")).isEqualTo("s3cret");
        assertThatThrownBy(() -> SecretFile.read(dir.resolve("missing"), "--pg-password-file"))
                .hasMessage("--pg-password-file: " + dir.resolve("missing") + " does not exist");
        assertThatThrownBy(() -> SecretFile.read(empty, "--influx-password-file"))
                .hasMessage("--influx-password-file: " + empty + " is empty");
        assertThatThrownBy(() -> SecretFile.read(dir, "--api-key-file"))
                .hasMessage("--api-key-file: " + dir + " is a folder, not a file");
    }

    @Test
    void theNodeExitsWithEx_ConfigNamingTheMissingSecretBeforeTouchingAnyServer() throws Exception {
        Path key = Files.writeString(dir.resolve("api.key"), "0123456789abcdef0123\n");
        Path config = Files.writeString(
                dir.resolve("ingest.properties"),
                String.join(
                        "\n",
                        "mqtt-url = ssl://127.0.0.1:1",
                        "keystore = " + dir.resolve("k.p12"),
                        "truststore = " + dir.resolve("t.p12"),
                        "password-file = " + key,
                        "influx-url = http://127.0.0.1:1",
                        "influx-user = nara",
                        "influx-password-file = " + dir.resolve("influx.password"),
                        "pg-url = jdbc:postgresql://127.0.0.1:1/x",
                        "pg-user = nara",
                        "pg-password-file = " + dir.resolve("pg.password"),
                        "api-key-file = " + key,
                        ""));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = IngestMain.run(new String[] {"--config", config.toString()}, Map.of());
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(ConfigurationException.EXIT_CODE);
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("--influx-password-file: " + dir.resolve("influx.password") + " does not exist");
    }

    @Test
    void aMissingRequiredSettingNamesEveryPlaceItCanBeGiven() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.properties"), "");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = IngestMain.run(new String[] {"--config", empty.toString()}, Map.of());
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(ConfigurationException.EXIT_CODE);
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("missing setting: --mqtt-url, NARA_INGEST_MQTT_URL or mqtt-url in " + empty);
    }
}
