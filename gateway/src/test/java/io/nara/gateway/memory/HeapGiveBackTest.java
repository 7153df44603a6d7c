package io.nara.gateway.memory;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeapGiveBackTest {

    private final Vertx vertx = Vertx.vertx();

    private long timer = -1;

    @AfterEach
    void close() {
        vertx.cancelTimer(timer);
        vertx.close().await();
    }

    @Test
    void fullCollectionsComeByThemselvesAtTheInterval() {
        long before = fullCollections();
        timer = HeapGiveBack.start(vertx, Duration.ofMillis(50));
        // Two more than before: it repeats, not only once. Nothing else in this test allocates enough for one.
        await().atMost(Duration.ofSeconds(20)).until(() -> fullCollections() >= before + 2);
    }

    /** Collections of the old generation (G1's "G1 Old Generation", serial's "MarkSweepCompact"), the full ones. */
    private static long fullCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> gc.getName().contains("Old") || gc.getName().contains("MarkSweep"))
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }
}
