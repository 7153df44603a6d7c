package io.nara.ingest.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the notifications of one PostgreSQL channel, whichever ingest node sent them. LISTEN needs a connection of
 * its own that waits, which neither the pool nor the event loop may do, so this is one thread with one connection;
 * it reconnects with backoff while PostgreSQL is away.
 */
public final class PgListener {

    /** What to do with one notification; {@code connection} is the listener's own, for a follow-up query. */
    @FunctionalInterface
    public interface Handler {
        void notified(Connection connection, String payload) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    private static final int WAIT_MILLIS = 500;

    private final Database db;
    private final String channel;
    private final Handler handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean listening;

    /** @param name the thread's name, which is also how the log names this listener */
    public PgListener(Database db, String channel, String name, Handler handler) {
        this.db = db;
        this.channel = channel;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Connected and listening; false while PostgreSQL is unreachable. */
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
                    s.execute("LISTEN " + channel);
                }
                connection.setAutoCommit(true);
                listening = true;
                backoff = 500;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            handler.notified(connection, n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (running) {
                    LOG.warn("{} lost PostgreSQL: {}; retrying in {} ms", thread.getName(), e.getMessage(), backoff);
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                    backoff = Math.min(10_000, backoff * 2);
                }
            }
        }
        listening = false;
    }
}
