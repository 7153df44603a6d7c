package io.nara.ingest;

import io.nara.ingest.db.Database;
import io.nara.ingest.escalation.ReminderSchedule;
import io.nara.ingest.fhir.FhirPush;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.routing.AlertingSettings;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one cloud ingest node. Secrets come from files, never from the command line. */
@Command(name = "nara-ingest", mixinStandardHelpOptions = true, description = "A Nära cloud ingest node.")
public final class IngestMain implements Callable<Integer> {

    @Option(names = "--node-id", description = "MQTT client id of this node (default: random).")
    String nodeId;

    @Option(names = "--share-group", defaultValue = "ingest", description = "Shared-subscription group (default ${DEFAULT-VALUE}).")
    String shareGroup;

    @Option(names = "--mqtt-url", required = true, description = "Broker, ssl://host:port.")
    URI mqttUrl;

    @Option(names = "--keystore", required = true, description = "PKCS12 with the ingest's key and certificate.")
    Path keystore;

    @Option(names = "--truststore", required = true, description = "PKCS12 with the CA certificate.")
    Path truststore;

    @Option(names = "--password-file", required = true, description = "File holding the stores' password.")
    Path passwordFile;

    @Option(names = "--influx-url", required = true)
    String influxUrl;

    @Option(names = "--influx-user", required = true)
    String influxUser;

    @Option(names = "--influx-password-file", required = true)
    Path influxPasswordFile;

    @Option(names = "--influx-db", defaultValue = "nara")
    String influxDb;

    @Option(names = "--pg-url", required = true, description = "JDBC URL of PostgreSQL.")
    String pgUrl;

    @Option(names = "--pg-user", required = true)
    String pgUser;

    @Option(names = "--pg-password-file", required = true)
    Path pgPasswordFile;

    @Option(names = "--http-host", defaultValue = "127.0.0.1")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080")
    int httpPort;

    @Option(names = "--api-key-file", required = true, description = "File holding the operator key for the web app.")
    Path apiKeyFile;

    @Option(names = "--webhook-url", description = "SMS or paging gateway that receives signed alert notifications (default: none).")
    URI webhookUrl;

    @Option(names = "--webhook-secret-file", description = "File holding the webhook's HMAC-SHA256 key (at least 16 characters).")
    Path webhookSecretFile;

    @Option(names = "--smtp-host", description = "Mail server for e-mail to the people on duty (default: no e-mail).")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "25", description = "Mail server port (default ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(names = "--smtp-from", defaultValue = "nara@localhost", description = "Sender address (default ${DEFAULT-VALUE}).")
    String smtpFrom;

    @Option(names = "--smtp-user", description = "Mail server user (default: none).")
    String smtpUser;

    @Option(names = "--smtp-password-file", description = "File holding the mail server user's password.")
    Path smtpPasswordFile;

    @Option(names = "--smtp-starttls", description = "Require STARTTLS to the mail server.")
    boolean smtpStartTls;

    @Option(names = "--inbox-url", description = "The inbox's public address, for links in messages "
            + "(default: http://<http-host>:<http-port>/).")
    String inboxUrl;

    @Option(names = "--insecure-cookies", description = "Send the session cookie without the Secure flag: only for "
            + "plain-HTTP development on a loopback address.")
    boolean insecureCookies;

    @Option(names = "--release-repo", description = "Serve hub releases from this signed apt repository (deploy/pi/release-repo.sh) under /apt/ (default: none).")
    Path releaseRepo;

    @Option(names = "--fhir-push-url", description = "FHIR R4 base of a server that receives every new reading as an "
            + "Observation (conditional create; default: no push).")
    URI fhirPushUrl;

    @Option(names = "--fhir-push-token-file", description = "File holding the bearer token for --fhir-push-url (default: none).")
    Path fhirPushTokenFile;

    @Option(names = "--fhir-push-max-attempts", defaultValue = "20", description = "Attempts per reading before it is "
            + "dead-lettered for the operator (default ${DEFAULT-VALUE}; with the backoff capped at 30 min, about 8 h).")
    int fhirPushMaxAttempts;

    @Option(names = "--remind-after", description = "After how long an acknowledged, unresolved alert reminds its owner, "
            + "per severity (default URGENT=1h,WARNING=4h,INFO=24h; units m, h, d).")
    String remindAfter;

    @Option(names = "--return-after", description = "After how long past the reminder a still unresolved alert goes "
            + "back to the people on duty unowned, per severity (default as --remind-after).")
    String returnAfter;

    @Override
    public Integer call() throws Exception {
        IngestSettings settings = new IngestSettings(
                nodeId != null ? nodeId : "nara-ingest-" + UUID.randomUUID().toString().substring(0, 8), shareGroup,
                new BrokerConnection(mqttUrl, new TlsIdentity(keystore, truststore, passwordFile)),
                new ObservationStore.Settings(influxUrl, influxUser, secret(influxPasswordFile), influxDb),
                new Database.Settings(pgUrl, pgUser, secret(pgPasswordFile)), httpHost, httpPort, secret(apiKeyFile));
        AlertingSettings alerting = alerting();
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().onComplete(r -> stopped.countDown());
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        IngestService service = new IngestService(settings, Clock.systemUTC(), alerting, fhirPush(), releaseRepo);
        vertx.deployVerticle(service)
                .onSuccess(id -> System.out.println("ingest " + settings.nodeId() + " running; web app http://"
                        + httpHost + ":" + service.httpPort() + "/"))
                .onFailure(e -> {
                    System.err.println("ingest failed to start: " + e.getMessage());
                    vertx.close();
                    stopped.countDown();
                    System.exit(1);
                });
        stopped.await();
        return 0;
    }

    /** The alerting settings from the defaults and the options. */
    AlertingSettings alerting() throws java.io.IOException {
        AlertingSettings alerting = AlertingSettings.defaults();
        if (webhookUrl != null) {
            if (webhookSecretFile == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--webhook-url needs --webhook-secret-file");
            }
            alerting = alerting.withWebhook(webhookUrl, secret(webhookSecretFile), alerting.webhookTimeout(),
                    alerting.maxAttempts(), alerting.retryBase(), alerting.retryCap());
        }
        if (smtpHost != null) {
            alerting = alerting.withSmtp(new AlertingSettings.Smtp(smtpHost, smtpPort, smtpFrom, smtpUser,
                    smtpPasswordFile == null ? null : secret(smtpPasswordFile), smtpStartTls));
        }
        if (insecureCookies && !isLoopback(httpHost)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--insecure-cookies is only for a loopback --http-host, not " + httpHost);
        }
        ReminderSchedule reminders = alerting.reminders();
        try {
            if (remindAfter != null) {
                reminders = reminders.withRemindAfter(ReminderSchedule.parse(remindAfter));
            }
            if (returnAfter != null) {
                reminders = reminders.withReturnAfter(ReminderSchedule.parse(returnAfter));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--remind-after/--return-after: " + e.getMessage());
        }
        alerting = alerting.withReminders(reminders);
        String inbox = inboxUrl != null ? inboxUrl : "http://" + httpHost + ":" + httpPort + "/";
        return alerting.withWeb(inbox, !insecureCookies);
    }

    /** The FHIR push settings from the defaults and the options. */
    FhirPush.Settings fhirPush() throws java.io.IOException {
        FhirPush.Settings push = FhirPush.Settings.none();
        if (fhirPushUrl == null) {
            if (fhirPushTokenFile != null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--fhir-push-token-file needs --fhir-push-url");
            }
            return push;
        }
        try {
            return push.withServer(fhirPushUrl, fhirPushTokenFile == null ? null : secret(fhirPushTokenFile))
                    .withRetries(fhirPushMaxAttempts, push.retryBase(), push.retryCap(), push.every());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    private static String secret(Path file) throws java.io.IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestMain()).execute(args));
    }
}
