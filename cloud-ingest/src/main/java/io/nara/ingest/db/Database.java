package io.nara.ingest.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL for the ingest: a connection pool, the schema migrations, and the one way to run SQL from Vert.x code,
 * {@link #transaction}, which runs JDBC on a worker pool so the event loop never blocks.
 *
 * <p>Work waits for a worker in arrival order. A hub's alert must not wait behind the transactions of the observation
 * batches that arrived before it (a reconnect storm queues dozens), so {@link #urgentTransaction} runs on workers of
 * its own, with connections of its own in the pool.
 */
public final class Database implements AutoCloseable {

    /** Where and as whom to connect. */
    public record Settings(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Settings[" + jdbcUrl + " as " + user + "]";
        }
    }

    /** SQL run inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Told the duration and outcome of every transaction (the node's metrics). */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (nanos, ok) -> {};

        void transaction(long nanos, boolean ok);
    }

    private static final int POOL_SIZE = 8;
    /** Workers, and connections beyond {@link #POOL_SIZE}, only for urgent work. */
    private static final int URGENT_SIZE = 2;

    /** How often a connection attempt looks again while PostgreSQL is away (see {@link ReconnectingDataSource}). */
    private static final Duration RECONNECT_PROBE = Duration.ofMillis(200);

    private final Settings settings;
    private final ReconnectingDataSource source;
    private final HikariDataSource pool;
    private final WorkerExecutor worker;
    private final WorkerExecutor urgentWorker;
    private final Observer observer;

    private static final int RETRIES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database(
            Settings settings,
            ReconnectingDataSource source,
            HikariDataSource pool,
            WorkerExecutor worker,
            WorkerExecutor urgentWorker,
            Observer observer) {
        this.settings = settings;
        this.source = source;
        this.pool = pool;
        this.worker = worker;
        this.urgentWorker = urgentWorker;
        this.observer = observer;
    }

    /**
     * Migrates the schema and opens the pool. Blocking: call before deploying verticles or from a worker. The pool
     * starts even when PostgreSQL is down (it reconnects by itself), so the ingest can come up and report the outage.
     */
    public static Database open(Vertx vertx, Settings settings) {
        return open(vertx, settings, Observer.NONE);
    }

    /** As {@link #open(Vertx, Settings)}, telling {@code observer} about every transaction. */
    public static Database open(Vertx vertx, Settings settings, Observer observer) {
        Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        ReconnectingDataSource source = new ReconnectingDataSource(() -> connect(settings), RECONNECT_PROBE);
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setMaximumPoolSize(POOL_SIZE + URGENT_SIZE);
        config.setPoolName("nara-db");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        return new Database(
                settings,
                source,
                new HikariDataSource(config),
                vertx.createSharedWorkerExecutor("nara-db", POOL_SIZE),
                vertx.createSharedWorkerExecutor("nara-db-urgent", URGENT_SIZE),
                observer);
    }

    /**
     * Runs {@code work} in a transaction on a worker thread; commits on success, rolls back on any failure. A deadlock
     * or serialization failure, which PostgreSQL resolves by aborting one side and expects the client to retry, is
     * retried a few times.
     */
    public <T> Future<T> transaction(Work<T> work) {
        return transaction(worker, work);
    }

    /**
     * As {@link #transaction}, on the urgent workers: for the work between a hub's alert arriving and its being
     * stored, routed and acknowledged. Everything else uses {@link #transaction}, or urgent work would queue again.
     */
    public <T> Future<T> urgentTransaction(Work<T> work) {
        return transaction(urgentWorker, work);
    }

    private <T> Future<T> transaction(WorkerExecutor on, Work<T> work) {
        return on.executeBlocking(
                () -> {
                    long start = System.nanoTime();
                    for (int attempt = 1; ; attempt++) {
                        try {
                            T result = once(work);
                            observer.transaction(System.nanoTime() - start, true);
                            return result;
                        } catch (SQLException | RuntimeException e) {
                            if (!(e instanceof SQLException sql) || !retryable(sql) || attempt == RETRIES) {
                                observer.transaction(System.nanoTime() - start, false);
                                throw e;
                            }
                            LOG.warn(
                                    "transaction aborted by PostgreSQL ({}); retrying, attempt {} of {}",
                                    e.getMessage(),
                                    attempt + 1,
                                    RETRIES);
                        }
                    }
                },
                false);
    }

    /**
     * Whether PostgreSQL refused a value (SQLSTATE class 22, data exception, such as a NUL in a text; class 23,
     * integrity constraint violation), anywhere in the chain: a fault of the data, not of the database.
     */
    public static boolean isDataError(Throwable e) {
        for (Throwable t = e;
                t != null;
                t = t instanceof SQLException s && s.getNextException() != null ? s.getNextException() : t.getCause()) {
            if (t instanceof SQLException s
                    && s.getSQLState() != null
                    && (s.getSQLState().startsWith("22") || s.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** Deadlock (40P01) or serialization failure (40001), anywhere in the chain: a batch wraps the real error. */
    private static boolean retryable(SQLException e) {
        for (Throwable t = e;
                t != null;
                t = t instanceof SQLException s && s.getNextException() != null ? s.getNextException() : t.getCause()) {
            if (t instanceof SQLException s && ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState()))) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    private <T> T once(Work<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    /** A connection outside the pool, for a long-lived LISTEN. Blocking. */
    public Connection dedicatedConnection() throws SQLException {
        return connect(settings);
    }

    /** A new connection with the node's settings: the pool's (through {@link ReconnectingDataSource}) and LISTEN's. */
    private static Connection connect(Settings settings) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
    }

    @Override
    public void close() {
        worker.close();
        urgentWorker.close();
        source.close();
        pool.close();
    }
}
