package io.nara.ingest.alert;

import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.AlertView;
import io.nara.ingest.db.Database;
import io.nara.ingest.db.PgListener;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears PostgreSQL's notification of every new alert, from whichever ingest node stored it, and publishes the alert
 * (as JSON) on this node's event bus at {@link #ADDRESS} for the live streams. When it starts listening again after
 * PostgreSQL was away, it publishes the alerts stored meanwhile (their notifications went to nobody), so an alert
 * stored in the second before the feed reconnected still reaches the nurse's stream.
 */
public final class AlertFeed {

    public static final String ADDRESS = "nara.alert.created";

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);

    private final Vertx vertx;
    private final MessageCodec codec;
    private final PgListener listener;
    /** The newest alert id published (or present at start); only the listener's thread touches it. */
    private long newest = -1;
    /** Recently published ids: a notification that arrives after a catch-up published its alert is not sent twice. */
    private final java.util.LinkedHashSet<Long> recent = new java.util.LinkedHashSet<>();

    public AlertFeed(Vertx vertx, Database db, MessageCodec codec) {
        this.vertx = vertx;
        this.codec = codec;
        this.listener = new PgListener(db, AlertStore.CHANNEL, "nara-alert-feed",
                this::catchUp, (connection, payload) -> publish(connection, Long.parseLong(payload)));
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
            publish(connection, id);
        }
    }

    private void publish(Connection connection, long id) throws SQLException {
        if (!recent.add(id)) {
            return;
        }
        if (recent.size() > 1_000) {
            recent.remove(recent.iterator().next());
        }
        newest = Math.max(newest, id);
        Optional<AlertView> alert = AlertStore.byId(connection, id);
        if (alert.isEmpty()) {
            LOG.error("notified of alert {} but it is not in the database", id);
            return;
        }
        vertx.eventBus().publish(ADDRESS, codec.toJson(alert.get()));
    }
}
