package io.nara.ingest.inbox;

import io.nara.ingest.db.Database;
import io.nara.ingest.db.PgListener;
import io.nara.ingest.alerting.AlertStore;
import io.vertx.core.Vertx;

/**
 * Hears that an alert changed (acknowledged, handed over, escalated, resolved), from whichever node changed it, and
 * publishes the alert's id at {@link #ADDRESS} on this node's event bus, so every open inbox updates.
 */
public final class ChangeFeed {

    public static final String ADDRESS = "nara.alert.changed";

    private final PgListener listener;

    public ChangeFeed(Vertx vertx, Database db) {
        this.listener = new PgListener(db, AlertStore.CHANGED, "nara-change-feed",
                (connection, payload) -> vertx.eventBus().publish(ADDRESS, Long.parseLong(payload)));
    }

    public void start() {
        listener.start();
    }

    public void stop() throws InterruptedException {
        listener.stop();
    }
}
