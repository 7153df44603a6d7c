package io.nara.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconnectingDataSourceTest {

    private static final Connection CONNECTION = (Connection) Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> null);

    @Test
    void anAttemptWaitsWhileTheServerIsAwayAndReturnsItsFirstConnection() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ReconnectingDataSource source = new ReconnectingDataSource(
                () -> {
                    int n = attempts.incrementAndGet();
                    if (n == 1) {
                        throw new SQLException("Connection refused", "08001");
                    }
                    if (n == 2) {
                        throw new SQLException("the database system is starting up", "57P03");
                    }
                    return CONNECTION;
                },
                Duration.ofMillis(1));

        assertThat(source.getConnection()).isSameAs(CONNECTION);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aRefusalThatWouldNotEndByItselfIsThrownAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        ReconnectingDataSource source = new ReconnectingDataSource(
                alwaysFailing(attempts, "password authentication failed for user \"nara\"", "28P01"),
                Duration.ofMillis(1));

        assertThatThrownBy(source::getConnection).hasMessageContaining("password authentication failed");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void closingEndsAnAttemptThatWaits() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ReconnectingDataSource source = new ReconnectingDataSource(
                alwaysFailing(attempts, "Connection refused", "08001"), Duration.ofMillis(5));
        CompletableFuture<Connection> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return source.getConnection();
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (attempts.get() <= 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(attempts.get()).as("attempts while the server is away").isGreaterThan(2);
        assertThat(waiting).isNotDone();

        source.close();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasMessageContaining("Connection refused");
    }

    /** A connector whose every attempt, counted in {@code attempts}, fails with this message and SQLState. */
    private static ReconnectingDataSource.Connector alwaysFailing(
            AtomicInteger attempts, String message, String state) {
        return () -> {
            attempts.incrementAndGet();
            throw new SQLException(message, state);
        };
    }
}
