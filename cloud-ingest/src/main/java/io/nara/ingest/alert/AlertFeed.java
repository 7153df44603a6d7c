package io.nara.ingest.alert;

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
 * (as JSON) on this node's event bus at {@link #ADDRESS} for the live streams.
 */
public final class AlertFeed {

    public static final String ADDRESS = "nara.alert.created";

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);

    private final Vertx vertx;
    private final MessageCodec codec;
    private final PgListener listener;

    public AlertFeed(Vertx vertx, Database db, MessageCodec codec) {
        this.vertx = vertx;
        this.codec = codec;
        this.listener = new PgListener(db, AlertStore.CHANNEL, "nara-alert-feed",
                (connection, payload) -> publish(connection, Long.parseLong(payload)));
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

    private void publish(Connection connection, long id) throws SQLException {
        Optional<AlertView> alert = AlertStore.byId(connection, id);
        if (alert.isEmpty()) {
            LOG.error("notified of alert {} but it is not in the database", id);
            return;
        }
        vertx.eventBus().publish(ADDRESS, codec.toJson(alert.get()));
    }
}
