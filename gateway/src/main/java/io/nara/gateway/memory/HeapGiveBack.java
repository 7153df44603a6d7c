package io.nara.gateway.memory;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full collection every few minutes, so that heap a replay or a burst of readings grew goes back to the operating
 * system.
 *
 * <p>The package's serial collector gives committed heap back only at a full collection, and a steady hub rarely has
 * one: what a replay promoted to the tenured generation stays there, dead, until the generation fills. On the memory
 * benchmark a full collection after the week's replay gave back 5 to 8 MB of resident memory (docs/benchmarks.md,
 * decision 0059). G1 does this by itself ({@code G1PeriodicGCInterval}), but its own structures cost more than the
 * garbage. With about 13 MB live, a full collection stops the hub for tens of milliseconds; once in five minutes that
 * is nothing a device or the uplink notices (both buffer far longer).
 */
public final class HeapGiveBack {

    /** Often enough that a finished replay's heap is back within minutes; rare enough to cost nothing. */
    public static final Duration EVERY = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(HeapGiveBack.class);

    private HeapGiveBack() {}

    /**
     * Starts the collections, each on a worker thread (a full collection stops every thread; an event loop must not be
     * the one blamed for it); the timer's id, to cancel them before Vert.x closes.
     */
    public static long start(Vertx vertx, Duration every) {
        return vertx.setPeriodic(
                every.toMillis(),
                id -> vertx.executeBlocking(
                                () -> {
                                    System.gc();
                                    return null;
                                },
                                false)
                        .onFailure(e -> LOG.warn("full collection failed: {}", e.toString())));
    }
}
