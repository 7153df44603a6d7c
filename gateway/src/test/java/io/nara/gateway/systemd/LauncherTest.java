package io.nara.gateway.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's launcher ({@code src/deb/data/usr/share/nara-hub/bin/nara-hub}) with {@code --check}: what the
 * service and the updater do with /etc/nara/hub.conf. A configuration it cannot use ends with 78 (EX_CONFIG, which
 * the unit does not restart) and a message naming the problem.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("src/deb/data/usr/share/nara-hub/bin/nara-hub");
    private static final Path SHIPPED = Path.of("src/deb/data/etc/nara/hub.conf");

    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private Run check(String conf) throws Exception {
        Path file = dir.resolve("hub.conf");
        Files.writeString(file, conf);
        ProcessBuilder builder = new ProcessBuilder("sh", LAUNCHER.toString(), "--check").redirectErrorStream(true);
        builder.environment().put("NARA_HUB_CONF", file.toString());
        Process p = builder.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private String configured() throws IOException {
        Path truststore = Files.writeString(dir.resolve("truststore.p12"), "x");
        return Files.readString(SHIPPED)
                .replaceFirst("(?m)^HUB_ID=.*$", "HUB_ID=hub-0042")
                .replaceFirst("(?m)^MQTT_URL=.*$", "MQTT_URL=ssl://cloud.example:8883")
                .replaceFirst("(?m)^ENROL_URL=.*$", "ENROL_URL=https://cloud.example:8443")
                .replaceFirst("(?m)^TRUSTSTORE=.*$", "TRUSTSTORE=" + truststore);
    }

    @Test
    void theShippedFileIsRefusedUntilTheInstallerGivesTheHubItsId() throws Exception {
        Run run = check(Files.readString(SHIPPED));
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.output()).contains("HUB_ID is not set");
    }

    @Test
    void aConfiguredHubPassesTheCheck() throws Exception {
        Run run = check(configured());
        assertThat(run.exit()).as(run.output()).isZero();
    }

    @Test
    void aLineThatIsNotASettingIsRefusedByItsNumber() throws Exception {
        String conf = configured() + "this is not a setting\n";
        Run run = check(conf);
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.output()).contains("line " + conf.lines().count() + " is not KEY=value");
    }

    @Test
    void anUnknownSettingIsRefused() throws Exception {
        Run run = check(configured() + "HUB_NAME=kitchen\n");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.output()).contains("unknown setting HUB_NAME");
    }

    @Test
    void shellSyntaxInAValueIsRefusedNotRun() throws Exception {
        Path marker = dir.resolve("ran");
        Run run = check(configured() + "EXTRA_ARGS=--simulate; touch " + marker + "\n");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.output()).contains("EXTRA_ARGS holds a character the hub does not accept");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aBrokerAddressThatIsNotTlsIsRefused() throws Exception {
        Run run = check(configured().replaceFirst("(?m)^MQTT_URL=.*$", "MQTT_URL=tcp://cloud.example:1883"));
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.output()).contains("MQTT_URL 'tcp://cloud.example:1883'", "is not ssl://host:port");
    }

    @Test
    void ipDevicesAreOnOrOffAndNothingElse() throws Exception {
        Run on = check(configured().replaceFirst("(?m)^COAP=.*$", "COAP=yes"));
        assertThat(on.exit()).as(on.output()).isZero();
        Run maybe = check(configured().replaceFirst("(?m)^COAP=.*$", "COAP=maybe"));
        assertThat(maybe.exit()).isEqualTo(78);
        assertThat(maybe.output()).contains("COAP 'maybe'", "neither yes nor no");
    }

    @Test
    void theLogLevelIsOneThatTheHubKnows() throws Exception {
        Run debug = check(configured().replaceFirst("(?m)^LOG_LEVEL=.*$", "LOG_LEVEL=debug"));
        assertThat(debug.exit()).as(debug.output()).isZero();
        Run loud = check(configured().replaceFirst("(?m)^LOG_LEVEL=.*$", "LOG_LEVEL=loud"));
        assertThat(loud.exit()).isEqualTo(78);
        assertThat(loud.output()).contains("LOG_LEVEL 'loud'", "is not one of error, warn, info, debug, trace");
    }
}
