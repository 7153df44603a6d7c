package io.nara.ingest.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The pool's source of connections: one attempt waits while PostgreSQL is away and returns as soon as it accepts a
 * connection again.
 *
 * <p>HikariCP waits between failed attempts to add a connection, doubling the wait up to 5 s (not configurable). After
 * an outage of more than a few seconds the pool therefore stayed empty for up to 5 s after PostgreSQL was back, and a
 * hub's urgent alert waited that long (UrgentAlertAfterFaultIT). Here an attempt that finds the server absent (SQLState
 * class 08, a connection failure, or 57P03, starting up or shutting down) tries again every {@code probeEvery}, so
 * Hikari sees one slow attempt, not a failure, and its wait never grows. Any other failure (a wrong password, too many
 * connections) is thrown at once. {@link #close} ends a waiting attempt, so the pool can close during an outage.
 */
final class ReconnectingDataSource implements DataSource {

    /** How a connection is made (DriverManager with the ingest's settings). */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ReconnectingDataSource.class);
    /** How often a waiting attempt says that it still waits. */
    private static final Duration REPORT_EVERY = Duration.ofSeconds(30);

    private final Connector connector;
    private final Duration probeEvery;
    private volatile boolean closed;

    ReconnectingDataSource(Connector connector, Duration probeEvery) {
        this.connector = connector;
        this.probeEvery = probeEvery;
    }

    /** Whether a failure is the server's absence, which ends by itself, rather than a refusal that would not. */
    static boolean serverAbsent(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P03"));
    }

    @Override
    public Connection getConnection() throws SQLException {
        long started = System.nanoTime();
        long reported = started;
        while (true) {
            try {
                return connector.connect();
            } catch (SQLException e) {
                if (closed || !serverAbsent(e)) {
                    throw e;
                }
                long now = System.nanoTime();
                if (now - reported >= REPORT_EVERY.toNanos()) {
                    reported = now;
                    LOG.warn(
                            "PostgreSQL has been unreachable for {} s: {}; still trying every {} ms",
                            Duration.ofNanos(now - started).toSeconds(),
                            e.getMessage(),
                            probeEvery.toMillis());
                }
                try {
                    Thread.sleep(probeEvery.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for PostgreSQL", "08001", e);
                }
            }
        }
    }

    /** Ends waiting attempts: the next probe throws its failure. */
    void close() {
        closed = true;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials are the connector's");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
