package io.nara.ingest.alert;

import io.nara.ingest.db.Database;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears PostgreSQL's notification of every new alert, from whichever ingest node stored it, and publishes the alert
 * (as JSON) on this node's event bus at {@link #ADDRESS} for the live streams. One dedicated thread: LISTEN needs a
 * connection of its own that waits, which a pool or the event loop must not do.
 */
public final class AlertFeed {

    public static final String ADDRESS = "nara.alert.created";

    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);
    private static final int WAIT_MILLIS = 500;

    private final Vertx vertx;
    private final Database db;
    private final MessageCodec codec;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean listening;

    public AlertFeed(Vertx vertx, Database db, MessageCodec codec) {
        this.vertx = vertx;
        this.db = db;
        this.codec = codec;
        this.thread = new Thread(this::run, "nara-alert-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the feed is connected and listening; false while PostgreSQL is unreachable. */
    public boolean listening() {
        return listening;
    }

    public void stop() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    private void run() {
        long backoff = 500;
        while (running) {
            try (Connection connection = db.dedicatedConnection()) {
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + AlertStore.CHANNEL);
                }
                listening = true;
                backoff = 500;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        publish(connection, Long.parseLong(n.getParameter()));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (running) {
                    LOG.warn("alert feed lost PostgreSQL: {}; retrying in {} ms", e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(10_000, backoff * 2);
                }
            }
        }
        listening = false;
    }

    private void publish(Connection connection, long id) throws SQLException {
        connection.setAutoCommit(true);
        Optional<AlertView> alert = AlertStore.byId(connection, id);
        if (alert.isEmpty()) {
            LOG.error("notified of alert {} but it is not in the database", id);
            return;
        }
        vertx.eventBus().publish(ADDRESS, codec.toJson(alert.get()));
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
