package io.nara.ingest.notify;

import io.nara.ingest.db.Database;
import io.nara.ingest.workqueue.WorkQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification outbox. Every node runs it: a batch of due rows is claimed with {@code FOR UPDATE SKIP
 * LOCKED} and a lease, so two nodes never send the same row at once; a node that dies mid-delivery leaves a lease that
 * runs out, and the row is sent again (at least once: the {@code X-Nara-Delivery} id lets a receiver drop the repeat).
 * A failure retries with doubling delays; after {@code maxAttempts} the row is DEAD, on the operator's list and in
 * the alert's trail. Escalation does not wait for any of this. A relative's message whose NOTIFY consent was withdrawn
 * since it was written is cancelled when claimed, never sent.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 20;
    private static final Duration LEASE = Duration.ofSeconds(120);

    private record Claimed(
            long id, long alertId, String channel, String target, String body, int attempts, Long relativeId) {}

    private final Vertx vertx;
    private final Database db;
    private final Clock clock;
    private final ChannelSettings settings;
    private final HttpClient http;
    /** The claim, lease and settle of the {@code notification} table. */
    private final WorkQueue queue;

    private final OnDead onDead;
    private boolean running;

    /** Told, in the dead-lettering transaction, that a notification of an alert will not be tried again. */
    @FunctionalInterface
    public interface OnDead {
        void dead(Connection c, long alertId, Instant at, String what) throws SQLException;
    }

    public Dispatcher(Vertx vertx, Database db, Clock clock, ChannelSettings settings, OnDead onDead) {
        this.vertx = vertx;
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.onDead = onDead;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.webhookTimeout())
                .build();
        this.queue = new WorkQueue(
                "notification",
                new WorkQueue.Policy(settings.maxAttempts(), settings.retryBase(), settings.retryCap()));
    }

    /** One round: claims what is due and delivers it; completes when all of it is settled. */
    public Future<Integer> deliverDue() {
        if (running) {
            return Future.succeededFuture(0);
        }
        running = true;
        Instant now = clock.instant();
        return db.transaction(c -> {
                    List<Claimed> claimed = queue.claim(
                            c,
                            now,
                            LEASE,
                            BATCH,
                            "alert_id, channel, target, body, relative_id",
                            r -> new Claimed(
                                    r.getLong("id"),
                                    r.getLong("alert_id"),
                                    r.getString("channel"),
                                    r.getString("target"),
                                    r.getString("body"),
                                    r.getInt("attempts"),
                                    r.getObject("relative_id", Long.class)));
                    // A relative's message is sent only while their consent holds: a withdrawal stops what is queued.
                    List<Claimed> send = new ArrayList<>();
                    for (Claimed n : claimed) {
                        if (n.relativeId() == null
                                || !NotificationOutbox.cancelWithdrawn(c, n.id(), n.relativeId(), now)) {
                            send.add(n);
                        } else {
                            LOG.info(
                                    "notification {} to relative {} cancelled: consent withdrawn",
                                    n.id(),
                                    n.relativeId());
                        }
                    }
                    return send;
                })
                .compose(claimed -> {
                    List<Future<Void>> done = claimed.stream()
                            .map(n -> deliver(n).transform(r -> settle(n, r.cause())))
                            .collect(Collectors.toList());
                    return Future.join(done).transform(r -> Future.succeededFuture(claimed.size()));
                })
                .andThen(r -> running = false);
    }

    private Future<Void> deliver(Claimed n) {
        return switch (n.channel()) {
            case "WEBHOOK" -> webhook(n);
            case "EMAIL" -> email(n);
            default -> Future.failedFuture("unknown channel " + n.channel());
        };
    }

    private Future<Void> webhook(Claimed n) {
        byte[] body =
                new JsonObject(n.body()).put("deliveryId", n.id()).encode().getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create(n.target()))
                .timeout(settings.webhookTimeout())
                .header("content-type", "application/json; charset=utf-8")
                .header(WebhookSigner.DELIVERY, Long.toString(n.id()))
                .header(WebhookSigner.TIMESTAMP, timestamp)
                .header(WebhookSigner.SIGNATURE, WebhookSigner.sign(settings.webhookSecret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Promise<Void> promise = Promise.promise();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                promise.fail(error.getClass().getSimpleName() + ": " + error.getMessage());
            } else if (response.statusCode() / 100 != 2) {
                promise.fail("HTTP " + response.statusCode());
            } else {
                promise.complete();
            }
        });
        return promise.future();
    }

    private Future<Void> email(Claimed n) {
        ChannelSettings.Smtp smtp = settings.smtp();
        if (smtp == null) {
            return Future.failedFuture("no SMTP server configured");
        }
        JsonObject mail = new JsonObject(n.body());
        return vertx.executeBlocking(
                () -> {
                    Properties props = new Properties();
                    props.put("mail.smtp.host", smtp.host());
                    props.put("mail.smtp.port", Integer.toString(smtp.port()));
                    props.put(
                            "mail.smtp.connectiontimeout",
                            Long.toString(settings.webhookTimeout().toMillis()));
                    props.put(
                            "mail.smtp.timeout",
                            Long.toString(settings.webhookTimeout().toMillis()));
                    props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
                    props.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
                    props.put("mail.smtp.auth", Boolean.toString(smtp.user() != null));
                    Session session = Session.getInstance(props);
                    MimeMessage message = new MimeMessage(session);
                    message.setFrom(new InternetAddress(smtp.from()));
                    message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.getString("to")));
                    message.setSubject(mail.getString("subject"), "UTF-8");
                    message.setText(mail.getString("text"), "UTF-8");
                    message.setHeader("X-Nara-Delivery", Long.toString(n.id()));
                    if (smtp.user() != null) {
                        Transport.send(message, smtp.user(), smtp.password());
                    } else {
                        Transport.send(message);
                    }
                    return null;
                },
                false);
    }

    /** Records how a delivery ended. */
    private Future<Void> settle(Claimed n, Throwable failure) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            if (failure == null) {
                queue.done(c, n.id(), now);
                return null;
            }
            String error = String.valueOf(failure.getMessage());
            boolean dead = queue.failed(c, n.id(), n.attempts(), error, now).dead();
            if (dead) {
                LOG.error(
                        "notification {} ({} to {}) for alert {} failed {} times, last: {}; dead-lettered",
                        n.id(),
                        n.channel(),
                        n.target(),
                        n.alertId(),
                        n.attempts(),
                        error);
                onDead.dead(c, n.alertId(), now, n.channel() + " " + n.target() + ": " + error);
            } else {
                LOG.warn(
                        "notification {} ({}) attempt {} failed: {}; retrying",
                        n.id(),
                        n.channel(),
                        n.attempts(),
                        error);
            }
            return null;
        });
    }

    /** Doubling delays from the base up to the cap. */
    public Duration backoff(int attempts) {
        return queue.policy().backoff(attempts);
    }
}
