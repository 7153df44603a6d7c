package io.nara.gateway.enrol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the hub its identity and keeps it fresh, with no person involved after the code is on the hub: while
 * {@code <data-dir>/identity/} holds no valid certificate the hub enrols with the one-time code (EST
 * {@code simpleenroll}), trying again every {@code retryEvery} and re-reading the code file each time, so an installer
 * can fix a wrong code without a restart; once enrolled it renews ({@code simplereenroll}) when less than
 * {@code renewBefore} of the certificate's validity is left. What it is waiting for, and why, is in {@link #status()}
 * for the status page and the LED.
 */
public final class Enrolment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);

    /**
     * @param url         the cloud's EST base, {@code https://host:port}
     * @param codeFile    file whose first line is the one-time enrolment code
     * @param truststore  the cloud's CA: PEM, or PKCS12 with {@code passwordFile}
     * @param passwordFile password of a PKCS12 truststore, or null
     * @param retryEvery  pause between enrolment attempts while not enrolled, and between failed renewals
     * @param renewBefore renew when less than this is left of the certificate
     * @param checkEvery  how often the certificate's age is looked at
     */
    public record Settings(
            URI url,
            Path codeFile,
            Path truststore,
            Path passwordFile,
            Duration retryEvery,
            Duration renewBefore,
            Duration checkEvery) {

        public static Settings of(URI url, Path codeFile, Path truststore, Path passwordFile) {
            return new Settings(
                    url,
                    codeFile,
                    truststore,
                    passwordFile,
                    Duration.ofSeconds(30),
                    Duration.ofDays(30),
                    Duration.ofHours(1));
        }
    }

    /**
     * @param enrolled   the hub holds a valid certificate
     * @param waiting    what it waits for, in Swedish / English, or null when enrolled and well
     * @param validUntil the certificate's end, or null
     * @param serial     the certificate's serial (hex), or null
     */
    public record Status(boolean enrolled, String waiting, Instant validUntil, String serial) {}

    private final Vertx vertx;
    private final String hubId;
    private final HubIdentity identity;
    private final Settings settings;
    private final Clock clock;
    private volatile Status status;
    private volatile boolean stopped;
    /** A renewal is under way (confined to the context the enrolment started on). */
    private boolean renewing;

    public Enrolment(Vertx vertx, String hubId, Path dataDir, Settings settings, Clock clock) {
        this.vertx = vertx;
        this.hubId = hubId;
        this.identity = new HubIdentity(dataDir, hubId);
        this.settings = settings;
        this.clock = clock;
        this.status = new Status(false, "väntar på registrering / waiting for enrolment: starting", null, null);
    }

    public HubIdentity identity() {
        return identity;
    }

    public Status status() {
        return status;
    }

    /** Completes once the hub holds a valid certificate (at once when it already does); then renews by itself. */
    public Future<Void> start() {
        Promise<Void> enrolled = Promise.promise();
        attempt(enrolled);
        return enrolled.future()
                .onSuccess(v -> vertx.setPeriodic(settings.checkEvery().toMillis(), id -> {
                    if (stopped) {
                        vertx.cancelTimer(id);
                    } else {
                        renewIfDue();
                    }
                }));
    }

    public void stop() {
        stopped = true;
    }

    private void attempt(Promise<Void> enrolled) {
        if (stopped) {
            return;
        }
        vertx.<Status>executeBlocking(this::enrolIfNeeded, false).onComplete(r -> {
            if (r.succeeded() && r.result().enrolled()) {
                status = r.result();
                enrolled.complete();
                return;
            }
            String problem = r.succeeded() ? r.result().waiting() : r.cause().getMessage();
            if (!problem.equals(status.waiting())) {
                LOG.warn(
                        "hub {} is not enrolled: {}; trying again every {} s",
                        hubId,
                        problem,
                        settings.retryEvery().toSeconds());
            }
            status = new Status(false, problem, null, null);
            vertx.setTimer(settings.retryEvery().toMillis(), id -> attempt(enrolled));
        });
    }

    /** Runs on a worker: the installed certificate if valid, else one enrolment attempt. */
    private Status enrolIfNeeded() throws IOException, InterruptedException {
        Instant now = clock.instant();
        Optional<X509Certificate> installed = identity.certificate();
        String why;
        if (installed.isPresent() && installed.get().getNotAfter().toInstant().isAfter(now)) {
            return enrolled(installed.get());
        } else if (installed.isPresent()) {
            why = "certifikatet gick ut / the certificate expired at "
                    + installed.get().getNotAfter().toInstant();
        } else {
            why = "ingen identitet än / no identity yet";
        }
        String code;
        try {
            code = Files.readAllLines(settings.codeFile(), StandardCharsets.UTF_8).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .findFirst()
                    .orElse(null);
        } catch (NoSuchFileException e) {
            code = null;
        }
        if (code == null) {
            return new Status(
                    false,
                    "väntar på registrering / waiting for enrolment: " + why + "; no enrolment code in "
                            + settings.codeFile(),
                    null,
                    null);
        }
        List<X509Certificate> trusted = HubIdentity.trustAnchors(settings.truststore(), settings.passwordFile());
        KeyPair key = identity.pendingKey();
        X509Certificate cert;
        try {
            cert = new EstClient(settings.url(), trusted).simpleEnroll(hubId, code, identity.request(key));
        } catch (EstClient.Refused e) {
            return new Status(false, "väntar på registrering / waiting for enrolment: " + e.getMessage(), null, null);
        } catch (IOException e) {
            return new Status(
                    false,
                    "väntar på registrering / waiting for enrolment: cannot reach " + settings.url() + " ("
                            + e.getMessage() + ")",
                    null,
                    null);
        }
        if (!cert.getPublicKey().equals(key.getPublic())) {
            throw new IOException("the cloud signed another key than the hub's own");
        }
        identity.install(key.getPrivate(), cert, trusted);
        LOG.info(
                "hub {} enrolled: certificate {} valid until {}",
                hubId,
                cert.getSerialNumber().toString(16),
                cert.getNotAfter().toInstant());
        return enrolled(cert);
    }

    private void renewIfDue() {
        Status current = status;
        if (renewing
                || current.validUntil() == null
                || clock.instant().isBefore(current.validUntil().minus(settings.renewBefore()))) {
            return;
        }
        renewing = true;
        vertx.<Status>executeBlocking(
                        () -> {
                            List<X509Certificate> trusted =
                                    HubIdentity.trustAnchors(settings.truststore(), settings.passwordFile());
                            KeyPair key = HubIdentity.newKeyPair(); // a new key with every certificate
                            X509Certificate cert = new EstClient(settings.url(), trusted)
                                    .simpleReenroll(identity.request(key), identity.keyStore(), identity.password());
                            identity.install(key.getPrivate(), cert, trusted);
                            LOG.info(
                                    "hub {} renewed its certificate: {} valid until {}",
                                    hubId,
                                    cert.getSerialNumber().toString(16),
                                    cert.getNotAfter().toInstant());
                            return enrolled(cert);
                        },
                        false)
                .onComplete(r -> renewing = false)
                .onSuccess(s -> status = s)
                .onFailure(e -> {
                    // The current certificate still works; the next check tries again. Past its end, enrolment starts
                    // over.
                    LOG.warn(
                            "hub {} could not renew its certificate (valid until {}): {}",
                            hubId,
                            current.validUntil(),
                            e.getMessage());
                    status = new Status(
                            true,
                            "förnyelse misslyckades / renewal failed: " + e.getMessage(),
                            current.validUntil(),
                            current.serial());
                });
    }

    private static Status enrolled(X509Certificate cert) {
        return new Status(
                true,
                null,
                cert.getNotAfter().toInstant(),
                cert.getSerialNumber().toString(16));
    }
}
