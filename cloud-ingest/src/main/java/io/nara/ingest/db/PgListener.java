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
 * it reconnects every {@link #RETRY_MILLIS} while PostgreSQL is away (one connection attempt a second is nothing to a
 * database, and the live streams and {@code /health} come back within a second of it). Notifications sent while it
 * was not listening are lost, so {@code resync} runs each time it starts listening, to catch up from the tables.
 */
public final class PgListener {

    /** What to do with one notification; {@code connection} is the listener's own, for a follow-up query. */
    @FunctionalInterface
    public interface Handler {
        void notified(Connection connection, String payload) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final long RETRY_MILLIS = 1_000;

    /** Catches up with what happened while not listening; on the listener's connection, right after LISTEN. */
    @FunctionalInterface
    public interface Resync {
        void listening(Connection connection) throws SQLException;
    }

    private final Database db;
    private final String channel;
    private final Handler handler;
    private final Resync resync;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean listening;

    /** @param name the thread's name, which is also how the log names this listener */
    public PgListener(Database db, String channel, String name, Handler handler) {
        this(db, channel, name, connection -> {}, handler);
    }

    /** ... and {@code resync} each time it starts listening. */
    public PgListener(Database db, String channel, String name, Resync resync, Handler handler) {
        this.db = db;
        this.channel = channel;
        this.handler = handler;
        this.resync = resync;
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
        while (running) {
            try (Connection connection = db.dedicatedConnection()) {
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                connection.setAutoCommit(true);
                resync.listening(connection);
                listening = true;
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
                    LOG.warn(
                            "{} lost PostgreSQL: {}; retrying in {} ms",
                            thread.getName(),
                            e.getMessage(),
                            RETRY_MILLIS);
                    try {
                        Thread.sleep(RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
            }
        }
        listening = false;
    }
}
