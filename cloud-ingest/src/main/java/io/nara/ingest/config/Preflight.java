package io.nara.ingest.config;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.mqtt.TlsIdentity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.InfluxDBIOException;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node checks before it starts, so it never runs half-configured: its MQTT certificate loads and is valid,
 * PostgreSQL and InfluxDB accept its credentials and have its database. A store that does not answer yet is waited
 * for, with a log line per attempt, until {@code wait} has passed (the stores may be starting with the machine); a
 * store that answers "no" (wrong password, no such database) is a {@link ConfigurationException} at once.
 */
public final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
    /** PostgreSQL's answers that no retry can change: bad password or role, no such database. */
    private static final Set<String> REFUSALS = Set.of("28P01", "28000", "3D000");

    /** A store did not answer within the wait: exit 1, and systemd starts the node again later. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message);
        }
    }

    private final Clock clock;
    private final Duration wait;
    private final Duration pause;

    public Preflight(Clock clock, Duration wait, Duration pause) {
        this.clock = clock;
        this.wait = wait;
        this.pause = pause;
    }

    /** Checks the certificate, then waits for both stores; throws naming the first problem. */
    public void check(TlsIdentity identity, Database.Settings postgres, ObservationStore.Settings influx)
            throws InterruptedException {
        certificate(identity, clock.instant());
        Instant deadline = clock.instant().plus(wait);
        until(deadline, "PostgreSQL at " + postgres.jdbcUrl(), () -> postgres(postgres));
        until(deadline, "InfluxDB at " + influx.url(), () -> influx(influx));
    }

    /** The keystore and truststore load with the password, and the client certificate is valid now. */
    static void certificate(TlsIdentity identity, Instant now) {
        certificate(identity, now, "--keystore");
    }

    /** The same, for the store given by {@code option}. */
    public static void certificate(TlsIdentity identity, Instant now, String option) {
        try {
            identity.sslContext();
        } catch (IllegalStateException e) {
            throw new ConfigurationException(
                    "the MQTT certificate (" + option + ", --truststore, --password-file): " + e.getMessage());
        }
        try {
            char[] password = Files.readAllLines(identity.passwordFile(), StandardCharsets.UTF_8)
                    .get(0)
                    .trim()
                    .toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(identity.keystore())) {
                store.load(in, password);
            }
            for (String alias : Collections.list(store.aliases())) {
                Certificate c = store.getCertificate(alias);
                if (store.isKeyEntry(alias) && c instanceof X509Certificate x509) {
                    if (x509.getNotAfter().toInstant().isBefore(now)) {
                        throw new ConfigurationException(
                                "the MQTT client certificate '" + alias + "' in " + identity.keystore() + " expired at "
                                        + x509.getNotAfter().toInstant());
                    }
                    if (x509.getNotBefore().toInstant().isAfter(now)) {
                        throw new ConfigurationException("the MQTT client certificate '" + alias + "' in "
                                + identity.keystore() + " is not valid before "
                                + x509.getNotBefore().toInstant());
                    }
                }
            }
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("the MQTT keystore " + identity.keystore() + ": " + e);
        }
    }

    @FunctionalInterface
    private interface Attempt {
        /** Null when fine, else why the store cannot be used yet. */
        String run();
    }

    private void until(Instant deadline, String store, Attempt attempt) throws InterruptedException {
        for (int n = 1; ; n++) {
            String problem = attempt.run();
            if (problem == null) {
                return;
            }
            if (!clock.instant().plus(pause).isBefore(deadline)) {
                throw new Unreachable(
                        store + " did not answer within " + wait.toSeconds() + " s (--start-wait): " + problem);
            }
            LOG.warn(
                    "{} does not answer yet (attempt {}): {}; trying again in {} s",
                    store,
                    n,
                    problem,
                    pause.toSeconds());
            Thread.sleep(pause.toMillis());
        }
    }

    private static String postgres(Database.Settings settings) {
        DriverManager.setLoginTimeout(5);
        try (Connection ignored =
                DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            return null;
        } catch (SQLException e) {
            if (REFUSALS.contains(e.getSQLState())) {
                throw new ConfigurationException("PostgreSQL at " + settings.jdbcUrl() + " refuses user "
                        + settings.user() + ": " + e.getMessage() + " (check --pg-user and --pg-password-file)");
            }
            return e.getMessage();
        }
    }

    private static String influx(ObservationStore.Settings settings) {
        try (InfluxDB client = InfluxDBFactory.connect(settings.url(), settings.user(), settings.password())) {
            QueryResult result;
            try {
                result = client.query(new Query("SHOW DATABASES"));
            } catch (InfluxDBIOException e) {
                return e.getMessage();
            } catch (InfluxDBException e) {
                String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (!message.contains("auth")) {
                    return e.getMessage();
                }
                throw new ConfigurationException("InfluxDB at " + settings.url() + " refuses user " + settings.user()
                        + ": " + e.getMessage() + " (check --influx-user and --influx-password-file)");
            }
            if (result.hasError()) {
                throw new ConfigurationException("InfluxDB at " + settings.url() + " refuses SHOW DATABASES for user "
                        + settings.user() + ": " + result.getError());
            }
            List<List<Object>> rows = result.getResults().get(0).getSeries() == null
                    ? List.of()
                    : result.getResults().get(0).getSeries().get(0).getValues();
            boolean found = rows != null
                    && rows.stream().anyMatch(r -> settings.database().equals(r.get(0)));
            if (!found) {
                throw new ConfigurationException("InfluxDB at " + settings.url() + " has no database '"
                        + settings.database() + "' (--influx-db; create it with CREATE DATABASE "
                        + settings.database() + ")");
            }
            return null;
        } catch (RuntimeException e) {
            if (e instanceof ConfigurationException) {
                throw e;
            }
            return e.getMessage();
        }
    }
}
