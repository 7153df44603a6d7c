package io.nara.ingest;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.alerting.ReminderSchedule;
import io.nara.ingest.config.ConfigurationException;
import io.nara.ingest.config.Preflight;
import io.nara.ingest.config.SecretFile;
import io.nara.ingest.config.Settings;
import io.nara.ingest.db.Database;
import io.nara.ingest.enrol.BrokerCommand;
import io.nara.ingest.enrol.EnrolmentSettings;
import io.nara.ingest.enrol.HubEnrolment;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.notify.ChannelSettings;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.retention.Retention;
import io.nara.ingest.web.WebTls;
import io.nara.mqtt.BrokerConnection;
import io.nara.mqtt.TlsIdentity;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one cloud ingest node. Secrets come from files, never from the command line. */
@Command(name = "nara-ingest", mixinStandardHelpOptions = true, description = "A Nära cloud ingest node.")
public final class IngestMain implements Callable<Integer> {

    @Option(
            names = "--config",
            description = "Configuration file (Java properties, keys are these options without "
                    + "--; default: $NARA_INGEST_CONFIG, else /etc/nara/ingest.properties if it exists). Precedence: command "
                    + "line, then environment NARA_INGEST_<OPTION>, then this file, then the built-in default.")
    Path config;

    @Option(
            names = "--metrics-host",
            defaultValue = "127.0.0.1",
            description =
                    "Address of GET /metrics " + "(Prometheus; no sign-in, no patient data; default ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(
            names = "--metrics-port",
            defaultValue = "-1",
            description = "Port of GET /metrics; 0 picks a free one, "
                    + "-1 serves none (default ${DEFAULT-VALUE}; the packaged configuration uses 9464).")
    int metricsPort;

    @Option(
            names = "--start-wait",
            defaultValue = "60",
            description = "Seconds to wait at start for PostgreSQL and "
                    + "InfluxDB to answer before exiting with 1 (default ${DEFAULT-VALUE}). A store that answers but refuses "
                    + "the credentials or lacks the database exits with 78 at once.")
    int startWait;

    @Option(
            names = "--retain-sessions",
            defaultValue = "30d",
            description = "How long expired sign-in sessions are "
                    + "kept (default ${DEFAULT-VALUE}; units m, h, d or ISO-8601).")
    String retainSessions;

    @Option(
            names = "--retain-rejected",
            defaultValue = "180d",
            description =
                    "How long a refused hub payload is kept " + "after it was last seen (default ${DEFAULT-VALUE}).")
    String retainRejected;

    @Option(
            names = "--retain-notifications",
            defaultValue = "90d",
            description = "How long a delivered notification "
                    + "is kept (default ${DEFAULT-VALUE}; dead ones stay for the operator).")
    String retainNotifications;

    @Option(
            names = "--retain-access-log",
            defaultValue = "3650d",
            description = "How long the access log is kept " + "(default ${DEFAULT-VALUE}; at least 1825d).")
    String retainAccessLog;

    @Option(
            names = "--retain-journal",
            defaultValue = "3650d",
            description =
                    "How long a patient's record is kept "
                            + "after its last entry before it may be erased on request (default ${DEFAULT-VALUE}; at least 3650d).")
    String retainJournal;

    @Option(
            names = "--retain-raw-samples",
            defaultValue = "30d",
            description = "How long raw continuous samples "
                    + "(1 Hz pulse oximetry) are kept in InfluxDB; their one-minute rollup and spot readings are kept with the "
                    + "journal (default ${DEFAULT-VALUE}; at least 1h).")
    String retainRawSamples;

    @Option(names = "--node-id", description = "MQTT client id of this node (default: random).")
    String nodeId;

    @Option(
            names = "--share-group",
            defaultValue = "ingest",
            description = "Shared-subscription group (default ${DEFAULT-VALUE}).")
    String shareGroup;

    @Option(names = "--mqtt-url", description = "Broker, ssl://host:port.")
    URI mqttUrl;

    @Option(names = "--keystore", description = "PKCS12 with the ingest's key and certificate.")
    Path keystore;

    @Option(
            names = "--alert-keystore",
            description = "PKCS12 with a second key and certificate (e.g. CN nara-ingest-1-alerts) for a connection "
                    + "that carries only alerts, so an alert never waits behind observation batches; same truststore "
                    + "and password. Without it alerts share the one connection (logged at start).")
    Path alertKeystore;

    @Option(names = "--truststore", description = "PKCS12 with the CA certificate.")
    Path truststore;

    @Option(names = "--password-file", description = "File holding the stores' password.")
    Path passwordFile;

    @Option(names = "--influx-url")
    String influxUrl;

    @Option(names = "--influx-user")
    String influxUser;

    @Option(names = "--influx-password-file")
    Path influxPasswordFile;

    @Option(names = "--influx-db", defaultValue = "nara")
    String influxDb;

    @Option(names = "--pg-url", description = "JDBC URL of PostgreSQL.")
    String pgUrl;

    @Option(names = "--pg-user")
    String pgUser;

    @Option(names = "--pg-password-file")
    Path pgPasswordFile;

    @Option(names = "--http-host", defaultValue = "127.0.0.1")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080")
    int httpPort;

    @Option(
            names = "--api-key-file",
            description = "File holding the operator key for programs (Authorization: "
                    + "Bearer; people sign in with personal operator accounts, see OperatorCommand).")
    Path apiKeyFile;

    @Option(
            names = "--webhook-url",
            description = "SMS or paging gateway that receives signed alert notifications (default: none).")
    URI webhookUrl;

    @Option(
            names = "--webhook-secret-file",
            description = "File holding the webhook's HMAC-SHA256 key (at least 16 characters).")
    Path webhookSecretFile;

    @Option(names = "--smtp-host", description = "Mail server for e-mail to the people on duty (default: no e-mail).")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "25", description = "Mail server port (default ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(
            names = "--smtp-from",
            defaultValue = "nara@localhost",
            description = "Sender address (default ${DEFAULT-VALUE}).")
    String smtpFrom;

    @Option(names = "--smtp-user", description = "Mail server user (default: none).")
    String smtpUser;

    @Option(names = "--smtp-password-file", description = "File holding the mail server user's password.")
    Path smtpPasswordFile;

    @Option(names = "--smtp-starttls", description = "Require STARTTLS to the mail server.")
    boolean smtpStartTls;

    @Option(
            names = "--inbox-url",
            description = "The inbox's public address, for links in messages "
                    + "(default: http://<http-host>:<http-port>/).")
    String inboxUrl;

    @Option(
            names = "--https-keystore",
            description =
                    "PKCS12 with the organisation's web server certificate and key: "
                            + "the web app and FHIR then speak HTTPS only on --http-port (default: plain HTTP, development only).")
    Path httpsKeystore;

    @Option(names = "--https-password-file", description = "File holding --https-keystore's password.")
    Path httpsPasswordFile;

    @Option(
            names = "--http-redirect-port",
            defaultValue = "-1",
            description = "With --https-keystore: a plain-HTTP "
                    + "port that only redirects to the HTTPS address (--inbox-url); -1 for none (default).")
    int httpRedirectPort;

    @Option(
            names = "--insecure-cookies",
            description = "Send the session cookie without the Secure flag: only for "
                    + "plain-HTTP development on a loopback address.")
    boolean insecureCookies;

    @Option(
            names = "--release-repo",
            description =
                    "Serve hub releases from this signed apt repository (deploy/pi/release-repo.sh) under /apt/ (default: none).")
    Path releaseRepo;

    @Option(
            names = "--remind-after",
            description = "After how long an acknowledged, unresolved alert reminds its owner, "
                    + "per severity (default URGENT=1h,WARNING=4h,INFO=24h; units m, h, d).")
    String remindAfter;

    @Option(
            names = "--return-after",
            description = "After how long past the reminder a still unresolved alert goes "
                    + "back to the people on duty unowned, per severity (default as --remind-after).")
    String returnAfter;

    /** Where settings come from; set by {@link #run}. */
    private Settings sources;
    /** The feature modules on the class path; their options are mixins of this command (see {@link #run}). */
    private final List<NodeFeature> features = NodeFeature.installed();

    @Option(
            names = "--hub-ca-cert",
            description = "PEM certificate of the hub CA: turns on hub enrolment (EST) and the CRL.")
    Path hubCaCert;

    @Option(
            names = "--hub-ca-key",
            description = "PEM private key of the hub CA (development; production: see README).")
    Path hubCaKey;

    @Option(
            names = "--est-host",
            defaultValue = "127.0.0.1",
            description = "EST listener address (default ${DEFAULT-VALUE}).")
    String estHost;

    @Option(
            names = "--est-port",
            defaultValue = "8443",
            description = "EST listener port, HTTPS (default ${DEFAULT-VALUE}).")
    int estPort;

    @Option(names = "--est-cert", description = "PEM certificate (chain) the EST listener presents.")
    Path estCert;

    @Option(names = "--est-key", description = "PEM private key of --est-cert.")
    Path estKey;

    @Option(names = "--crl-file", description = "Where the hub CA's CRL is written for the broker (Mosquitto crlfile).")
    Path crlFile;

    @Option(
            names = "--crl-reload-command",
            description =
                    "Command run after the CRL changed so the broker reads it, "
                            + "words separated by spaces (e.g. 'systemctl reload mosquitto'; Mosquitto re-reads crlfile on SIGHUP).")
    String crlReloadCommand;

    @Option(
            names = "--broker-account-command",
            description = "Command that grants an enrolled hub its account at the "
                    + "broker ('COMMAND grant HUB') and removes it when the hub is revoked or returned ('COMMAND remove HUB'), "
                    + "words separated by spaces (e.g. deploy/dev/stack.sh account; default: none, for a broker that needs no "
                    + "account per hub).")
    String brokerAccountCommand;

    @Option(
            names = "--enrolment-code-days",
            defaultValue = "30",
            description = "How long a hub's one-time enrolment code is valid (default ${DEFAULT-VALUE}).")
    int enrolmentCodeDays;

    @Option(
            names = "--hub-certificate-days",
            defaultValue = "90",
            description =
                    "How long a hub certificate is valid; the hub renews it after two thirds (default ${DEFAULT-VALUE}).")
    int hubCertificateDays;

    /** The hub CA's settings, or null when no --hub-ca-cert is given. */
    EnrolmentSettings enrolment() {
        if (hubCaCert == null) {
            if (hubCaKey != null || crlFile != null || estCert != null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--hub-ca-key, --est-cert and --crl-file need --hub-ca-cert");
            }
            return null;
        }
        if (hubCaKey == null || estCert == null || estKey == null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--hub-ca-cert needs --hub-ca-key, --est-cert and --est-key");
        }
        if (enrolmentCodeDays < 1 || hubCertificateDays < 2) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--enrolment-code-days must be at least 1 and --hub-certificate-days at least 2");
        }
        return new EnrolmentSettings(
                estHost,
                estPort,
                estCert,
                estKey,
                hubCaCert,
                hubCaKey,
                crlFile,
                BrokerCommand.parse(crlReloadCommand),
                BrokerCommand.parse(brokerAccountCommand),
                new HubEnrolment.Settings(Duration.ofDays(enrolmentCodeDays), Duration.ofDays(hubCertificateDays)));
    }

    @Override
    public Integer call() throws Exception {
        require(mqttUrl, "--mqtt-url");
        require(keystore, "--keystore");
        require(truststore, "--truststore");
        require(passwordFile, "--password-file");
        require(influxUrl, "--influx-url");
        require(influxUser, "--influx-user");
        require(influxPasswordFile, "--influx-password-file");
        require(pgUrl, "--pg-url");
        require(pgUser, "--pg-user");
        require(pgPasswordFile, "--pg-password-file");
        require(apiKeyFile, "--api-key-file");
        SecretFile.read(passwordFile, "--password-file");
        String apiKey = secret(apiKeyFile, "--api-key-file");
        if (apiKey.length() < 16) {
            throw new ConfigurationException("--api-key-file: " + apiKeyFile + " holds fewer than 16 characters");
        }
        IngestSettings settings = new IngestSettings(
                nodeId != null
                        ? nodeId
                        : "nara-ingest-" + UUID.randomUUID().toString().substring(0, 8),
                shareGroup,
                new BrokerConnection(mqttUrl, new TlsIdentity(keystore, truststore, passwordFile)),
                new ObservationStore.Settings(
                        influxUrl, influxUser, secret(influxPasswordFile, "--influx-password-file"), influxDb),
                new Database.Settings(pgUrl, pgUser, secret(pgPasswordFile, "--pg-password-file")),
                httpHost,
                httpPort,
                apiKey,
                webTls(),
                alertKeystore == null
                        ? null
                        : new BrokerConnection(mqttUrl, new TlsIdentity(alertKeystore, truststore, passwordFile)));
        AlertingSettings alerting = alerting();
        features.forEach(NodeFeature::configure);
        Retention.Settings retention = retention();
        new Preflight(Clock.systemUTC(), Duration.ofSeconds(Math.max(0, startWait)), Duration.ofSeconds(2))
                .check(settings.broker().identity(), settings.postgres(), settings.influx());
        if (settings.alertBroker() != null) {
            Preflight.certificate(settings.alertBroker().identity(), Instant.now(), "--alert-keystore");
        }
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
        IngestService service = new IngestService(
                settings,
                Clock.systemUTC(),
                alerting,
                features,
                new NodeOptions(
                        new NodeMetrics.Settings(metricsHost, metricsPort), retention, enrolment(), releaseRepo));
        vertx.deployVerticle(service)
                .onSuccess(id -> System.out.println("ingest " + settings.nodeId() + " running; web app "
                        + (httpsKeystore != null ? "https://" : "http://") + httpHost + ":" + service.httpPort() + "/"
                        + (service.metricsPort() >= 0
                                ? "; metrics http://" + metricsHost + ":" + service.metricsPort() + "/metrics"
                                : "")
                        + (service.estPort() < 0
                                ? ""
                                : "; hub enrolment https://" + estHost + ":" + service.estPort()
                                        + "/.well-known/est/")))
                .onFailure(e -> {
                    System.err.println("ingest failed to start: " + e.getMessage());
                    vertx.close();
                    stopped.countDown();
                    System.exit(1);
                });
        stopped.await();
        return 0;
    }

    /** HTTPS from the options, or null for plain HTTP. */
    WebTls webTls() throws IOException {
        if (httpsKeystore == null) {
            if (httpsPasswordFile != null || httpRedirectPort >= 0) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--https-password-file and --http-redirect-port need --https-keystore");
            }
            return null;
        }
        if (httpsPasswordFile == null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--https-keystore needs --https-password-file");
        }
        return new WebTls(httpsKeystore, secret(httpsPasswordFile, "--https-password-file"), httpRedirectPort);
    }

    /** The alerting settings from the defaults and the options. */
    AlertingSettings alerting() throws IOException {
        AlertingSettings alerting = AlertingSettings.defaults();
        if (webhookUrl != null) {
            if (webhookSecretFile == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--webhook-url needs --webhook-secret-file");
            }
            alerting = alerting.withWebhook(
                    webhookUrl,
                    secret(webhookSecretFile, "--webhook-secret-file"),
                    alerting.channels().webhookTimeout(),
                    alerting.channels().maxAttempts(),
                    alerting.channels().retryBase(),
                    alerting.channels().retryCap());
        }
        if (smtpHost != null) {
            alerting = alerting.withSmtp(new ChannelSettings.Smtp(
                    smtpHost,
                    smtpPort,
                    smtpFrom,
                    smtpUser,
                    smtpPasswordFile == null ? null : secret(smtpPasswordFile, "--smtp-password-file"),
                    smtpStartTls));
        }
        if (insecureCookies && !isLoopback(httpHost)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--insecure-cookies is only for a loopback --http-host, not " + httpHost);
        }
        ReminderSchedule reminders = alerting.escalation().reminders();
        try {
            if (remindAfter != null) {
                reminders = reminders.withRemindAfter(ReminderSchedule.parse(remindAfter));
            }
            if (returnAfter != null) {
                reminders = reminders.withReturnAfter(ReminderSchedule.parse(returnAfter));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--remind-after/--return-after: " + e.getMessage());
        }
        alerting = alerting.withReminders(reminders);
        if (insecureCookies && httpsKeystore != null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--insecure-cookies is for plain HTTP only; with --https-keystore cookies are always Secure");
        }
        String inbox = inboxUrl != null
                ? inboxUrl
                : (httpsKeystore != null ? "https://" : "http://") + httpHost + ":" + httpPort + "/";
        return alerting.withWeb(inbox, !insecureCookies);
    }

    /** The retention periods from the options; a bad one is a configuration error naming it. */
    Retention.Settings retention() {
        try {
            return new Retention.Settings(
                    period(retainSessions, "--retain-sessions"),
                    period(retainRejected, "--retain-rejected"),
                    period(retainNotifications, "--retain-notifications"),
                    period(retainAccessLog, "--retain-access-log"),
                    period(retainJournal, "--retain-journal"),
                    period(retainRawSamples, "--retain-raw-samples"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private static Duration period(String text, String option) {
        try {
            return Retention.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(option + ": " + e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    private static String secret(Path file, String option) {
        return SecretFile.read(file, option);
    }

    private void require(Object value, String option) {
        if (value == null) {
            throw new ConfigurationException("missing setting: " + (sources == null ? option : sources.where(option)));
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /**
     * Runs the node with these arguments and environment; returns the exit code: 0 after a clean stop, 2 for a
     * malformed command line, {@value ConfigurationException#EXIT_CODE} for a configuration error (the message says
     * what and where), 1 when a store did not answer within {@code --start-wait} or the node failed to start.
     */
    public static int run(String[] args, Map<String, String> env) {
        IngestMain main = new IngestMain();
        CommandLine command = new CommandLine(main);
        for (NodeFeature feature : main.features) {
            if (feature.options() != null) {
                command.addMixin(feature.name(), feature.options());
            }
        }
        try {
            Settings sources = Settings.load(List.of(args), env);
            sources.requireKnown(command.getCommandSpec().options());
            command.setDefaultValueProvider(sources);
            main.sources = sources;
        } catch (ConfigurationException e) {
            System.err.println("nara-ingest: configuration error: " + e.getMessage());
            return ConfigurationException.EXIT_CODE;
        }
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigurationException) {
                System.err.println("nara-ingest: configuration error: " + e.getMessage());
                return ConfigurationException.EXIT_CODE;
            }
            if (e instanceof Preflight.Unreachable) {
                System.err.println("nara-ingest: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return command.execute(args);
    }
}
