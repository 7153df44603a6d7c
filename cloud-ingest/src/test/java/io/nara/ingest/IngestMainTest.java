package io.nara.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.message.Severity;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestMainTest {

    @TempDir
    Path dir;

    private IngestMain parse(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--mqtt-url",
                "ssl://127.0.0.1:18883",
                "--keystore",
                "k.p12",
                "--truststore",
                "t.p12",
                "--password-file",
                "p",
                "--influx-url",
                "http://127.0.0.1:18086",
                "--influx-user",
                "nara",
                "--influx-password-file",
                "i",
                "--pg-url",
                "jdbc:postgresql://x/nara",
                "--pg-user",
                "nara",
                "--pg-password-file",
                "g",
                "--api-key-file",
                "a"));
        args.addAll(List.of(extra));
        IngestMain main = new IngestMain();
        new CommandLine(main).parseArgs(args.toArray(String[]::new));
        return main;
    }

    @Test
    void withoutAlertingOptionsTheDefaultsHoldAndCookiesAreSecure() throws Exception {
        AlertingSettings s = parse("--http-port", "9090").alerting();
        assertThat(s.channels().webhookUrl()).isNull();
        assertThat(s.channels().smtp()).isNull();
        assertThat(s.signIn().secureCookies()).isTrue();
        assertThat(s.channels().inboxUrl()).isEqualTo("http://127.0.0.1:9090/");
    }

    @Test
    void webhookSmtpInboxAndInsecureCookiesFromOptions() throws Exception {
        Path secret = Files.writeString(dir.resolve("webhook.secret"), "0123456789abcdef0123\n");
        AlertingSettings s = parse(
                        "--webhook-url",
                        "http://127.0.0.1:9999/hook",
                        "--webhook-secret-file",
                        secret.toString(),
                        "--smtp-host",
                        "127.0.0.1",
                        "--smtp-port",
                        "2525",
                        "--smtp-from",
                        "larm@kommun.test",
                        "--inbox-url",
                        "https://nara.kommun.test/",
                        "--insecure-cookies")
                .alerting();
        assertThat(s.channels().webhookUrl()).isEqualTo(URI.create("http://127.0.0.1:9999/hook"));
        assertThat(s.channels().webhookSecret()).isEqualTo("0123456789abcdef0123");
        assertThat(s.channels().smtp().host()).isEqualTo("127.0.0.1");
        assertThat(s.channels().smtp().port()).isEqualTo(2525);
        assertThat(s.channels().smtp().from()).isEqualTo("larm@kommun.test");
        assertThat(s.channels().inboxUrl()).isEqualTo("https://nara.kommun.test/");
        assertThat(s.signIn().secureCookies()).isFalse();
    }

    @Test
    void reminderTimesFromOptionsAndAClearErrorForABadOne() throws Exception {
        AlertingSettings s = parse("--remind-after", "URGENT=30m", "--return-after", "URGENT=2h,INFO=2d")
                .alerting();
        assertThat(s.escalation().reminders().remindAfter().get(Severity.URGENT))
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(s.escalation().reminders().remindAfter().get(Severity.WARNING))
                .isEqualTo(Duration.ofHours(4));
        assertThat(s.escalation().reminders().returnAfter().get(Severity.URGENT))
                .isEqualTo(Duration.ofHours(2));
        assertThat(s.escalation().reminders().returnAfter().get(Severity.INFO)).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> parse("--remind-after", "URGENT=quickly").alerting())
                .hasMessageContaining("--remind-after")
                .hasMessageContaining("'quickly' is not a duration");
    }

    @Test
    void refusesAWebhookWithoutSecretAndInsecureCookiesOffLoopback() {
        assertThatThrownBy(() ->
                        parse("--webhook-url", "http://127.0.0.1:9999/hook").alerting())
                .hasMessageContaining("--webhook-secret-file");
        assertThatThrownBy(() ->
                        parse("--http-host", "0.0.0.0", "--insecure-cookies").alerting())
                .hasMessageContaining("loopback");
    }
}
