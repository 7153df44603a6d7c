package io.nara.ingest.enrol;

import io.nara.ingest.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the hub CA's CRL for the broker and tells the broker to read it. The list comes whole from the database, so
 * every node writes the same content and a missed run is repaired by the next. The CRL is re-issued at start and every
 * {@link #REISSUE_EVERY} so it never passes its next-update time: OpenSSL (and so Mosquitto) refuses every client when
 * the CRL has expired.
 */
public final class CrlPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CrlPublisher.class);
    public static final Duration VALID_FOR = Duration.ofDays(30);
    public static final Duration REISSUE_EVERY = Duration.ofHours(6);

    private final Vertx vertx;
    private final Database db;
    private final HubCa ca;
    private final Clock clock;
    private final Path file;
    private final BrokerCommand reloadCommand;

    public CrlPublisher(Vertx vertx, Database db, HubCa ca, Clock clock, Path file, BrokerCommand reloadCommand) {
        this.vertx = vertx;
        this.db = db;
        this.ca = ca;
        this.clock = clock;
        this.file = file;
        this.reloadCommand = reloadCommand;
    }

    /** Writes now and every {@link #REISSUE_EVERY}. */
    public Future<Void> start() {
        vertx.setPeriodic(
                REISSUE_EVERY.toMillis(),
                id -> publish().onFailure(e -> LOG.error("could not re-issue the CRL: {}", e.getMessage(), e)));
        return publish();
    }

    /** Writes the CRL of every revoked, unexpired hub certificate, then runs the reload command. */
    public Future<Void> publish() {
        if (file == null) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        return db.transaction(c -> HubEnrolment.revokedCertificates(c, now))
                .compose(revoked -> vertx.executeBlocking(
                        () -> {
                            X509CRL crl = ca.crl(revoked, now, now.plus(VALID_FOR));
                            HubCa.writeAtomically(file, HubCa.pem(crl));
                            LOG.info("CRL written to {} with {} revoked hub certificates", file, revoked.size());
                            reloadCommand.run();
                            return null;
                        },
                        true)); // ordered: two publishes never write the file at once
    }
}
