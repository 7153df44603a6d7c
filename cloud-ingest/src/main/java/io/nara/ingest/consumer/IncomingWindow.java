package io.nara.ingest.consumer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages one lane handles at once, and the refusal of one past that bound. The broker's receive maximum
 * is the ingest's back-pressure; this bound is what holds the node's heap when a broker does not keep it. A refused
 * message costs nothing lost: it was not stored, so its hub has no ack and sends it again. Thread-safe: messages
 * arrive on the MQTT client's thread and complete on the lane's context.
 */
final class IncomingWindow {

    /**
     * The bound as a multiple of the lane's receive maximum. Mosquitto 2.0 sends past the limit even to a node that
     * keeps up (178 in flight in MalformedPayloadIT's flood of 302 messages), so the bound is what holds a heap, not a
     * limit a well-behaved broker meets: 512 batches of 100 KB stay well inside the node's 512 MB.
     */
    static final int BOUND_PER_RECEIVE_MAXIMUM = 16;

    /** At most one warning this often, however many messages are refused. */
    static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int bound;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile boolean warned;

    IncomingWindow(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("the bound must be at least 1, was " + bound);
        }
        this.bound = bound;
    }

    /** Takes a place for one message; false (and counted) when {@link #bound} are being handled already. */
    boolean admit() {
        if (inFlight.incrementAndGet() > bound) {
            inFlight.decrementAndGet();
            refused.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back the place of a message that was admitted and has been handled. */
    void done() {
        inFlight.decrementAndGet();
    }

    /** Whether a refusal at {@code nowNanos} is to be logged: the first, then at most one a {@link #WARN_EVERY_NANOS}. */
    boolean warnNow(long nowNanos) {
        long last = lastWarning.get();
        if (warned && nowNanos - last < WARN_EVERY_NANOS) {
            return false;
        }
        if (!lastWarning.compareAndSet(last, nowNanos)) {
            return false;
        }
        warned = true;
        return true;
    }

    int bound() {
        return bound;
    }

    int inFlight() {
        return inFlight.get();
    }

    long refused() {
        return refused.get();
    }
}
