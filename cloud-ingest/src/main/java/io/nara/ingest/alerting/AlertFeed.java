package io.nara.ingest.alerting;

import io.nara.ingest.db.Database;
import io.nara.ingest.db.PgListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears, from whichever ingest node made it, every new alert and every change of one (acknowledged, handed over,
 * escalated, resolved ...) on one PostgreSQL channel, and publishes it on this node's event bus at {@link #ADDRESS} as
 * {@code {"kind": "alert.created" | "alert.changed", "id": 42}}, so every open inbox and live stream updates; readers
 * re-read the alert themselves (and log that read). When it starts listening again after PostgreSQL was away, it
 * publishes the alerts stored meanwhile (their notifications went to nobody), so an alert stored in the second before
 * the feed reconnected still reaches the nurse's stream.
 */
public final class AlertFeed {

    /** The PostgreSQL channel; the payload is {@code kind:id}, e.g. {@code alert.created:42}. */
    public static final String CHANNEL = "alert_feed";

    public static final String ADDRESS = "nara.alert";
    public static final String CREATED = "alert.created";
    public static final String CHANGED = "alert.changed";

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);

    private final Vertx vertx;
    private final PgListener listener;
    /** The newest alert id published (or present at start); only the listener's thread touches it. */
    private long newest = -1;
    /** Recently published ids: a notification that arrives after a catch-up published its alert is not sent twice. */
    private final LinkedHashSet<Long> recent = new LinkedHashSet<>();

    public AlertFeed(Vertx vertx, Database db) {
        this.vertx = vertx;
        this.listener = new PgListener(db, CHANNEL, "nara-alert-feed", this::catchUp, this::notified);
    }

    /** Tells every node, on commit of the caller's transaction, that {@code kind} happened to the alert. */
    static void tell(Connection c, String kind, long alertId) throws SQLException {
        try (var notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, kind + ":" + alertId);
            notify.execute();
        }
    }

    public void start() {
        listener.start();
    }

    /** Whether the feed is connected and listening; false while PostgreSQL is unreachable. */
    public boolean listening() {
        return listener.listening();
    }

    public void stop() throws InterruptedException {
        listener.stop();
    }

    private void catchUp(Connection connection) throws SQLException {
        if (newest < 0) {
            newest = AlertStore.newestId(connection);
            return;
        }
        for (long id : AlertStore.idsAfter(connection, newest)) {
            created(id);
        }
    }

    /** One notification: what happened ({@link #CREATED} or {@link #CHANGED}) to which alert. */
    public record Change(String kind, long alertId) {}

    /** A payload {@code kind:id}; empty, and logged naming it, when it is not one this feed sends. */
    static Optional<Change> parse(String payload) {
        int colon = payload == null ? -1 : payload.lastIndexOf(':');
        String kind = colon < 0 ? "" : payload.substring(0, colon);
        if (!kind.equals(CREATED) && !kind.equals(CHANGED)) {
            LOG.error("alert feed: payload '{}' is not alert.created:id or alert.changed:id; ignored", payload);
            return Optional.empty();
        }
        try {
            return Optional.of(new Change(kind, Long.parseLong(payload.substring(colon + 1))));
        } catch (NumberFormatException e) {
            LOG.error("alert feed: payload '{}' names no alert id; ignored", payload);
            return Optional.empty();
        }
    }

    private void notified(Connection connection, String payload) {
        parse(payload).ifPresent(change -> {
            if (change.kind().equals(CREATED)) {
                created(change.alertId());
            } else {
                publish(CHANGED, change.alertId());
            }
        });
    }

    private void created(long id) {
        if (!recent.add(id)) {
            return;
        }
        if (recent.size() > 1_000) {
            recent.remove(recent.iterator().next());
        }
        newest = Math.max(newest, id);
        publish(CREATED, id);
    }

    private void publish(String kind, long id) {
        vertx.eventBus().publish(ADDRESS, new JsonObject().put("kind", kind).put("id", id));
    }
}
