package io.nara.ingest.inbox;

import io.nara.ingest.db.Database;
import io.nara.ingest.routing.Trail;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears that an alert changed (acknowledged, handed over, escalated, resolved), from whichever node changed it, and
 * publishes the alert's id at {@link #ADDRESS} on this node's event bus, so every open inbox updates. Like the alert
 * feed: one thread with a connection of its own that waits.
 */
public final class ChangeFeed {

    public static final String ADDRESS = "nara.alert.changed";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    private final Vertx vertx;
    private final Database db;
    private final Thread thread;
    private volatile boolean running = true;

    public ChangeFeed(Vertx vertx, Database db) {
        this.vertx = vertx;
        this.db = db;
        this.thread = new Thread(this::run, "nara-change-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
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
                    s.execute("LISTEN " + Trail.CHANGED);
                }
                backoff = 500;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            vertx.eventBus().publish(ADDRESS, Long.parseLong(n.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warn("change feed lost PostgreSQL: {}; retrying in {} ms", e.getMessage(), backoff);
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = Math.min(10_000, backoff * 2);
                }
            }
        }
    }
}
