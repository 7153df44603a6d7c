package io.nara.gateway.gpio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the hub tells its LED: the service reports events here (thread-safe), the LED reads a snapshot. An alert counts
 * as sent once the outbox has nothing unacknowledged after it was stored.
 */
public final class HubSignals {

    /**
     * @param connected               the broker connection is up
     * @param alertWaiting            an alert is stored but the cloud has not acknowledged it yet
     * @param alertRecentlySent       an alert was acknowledged within the LED's "told" period
     * @param devicesNeedingAttention devices with a flat battery, a lost bond or not heard from
     * @param waitingForEnrolment     the hub has no certificate from the cloud yet
     */
    public record Snapshot(
            boolean connected,
            boolean alertWaiting,
            boolean alertRecentlySent,
            int devicesNeedingAttention,
            boolean waitingForEnrolment) {}

    private final Clock clock;
    private final Duration shown;
    private volatile boolean connected;
    private volatile Instant alertStoredAt;
    private volatile Instant alertSentAt;
    private volatile int attention;
    private volatile boolean waitingForEnrolment;

    public HubSignals(Clock clock, Duration shown) {
        this.clock = clock;
        this.shown = shown;
    }

    public void connected(boolean up) {
        connected = up;
    }

    public synchronized void alertStored() {
        alertStoredAt = clock.instant();
    }

    /** The outbox count of unacknowledged records, as the service refreshes it. */
    public synchronized void outboxPending(long pending) {
        if (pending == 0 && alertStoredAt != null && (alertSentAt == null || alertSentAt.isBefore(alertStoredAt))) {
            alertSentAt = clock.instant();
        }
    }

    public void waitingForEnrolment(boolean waiting) {
        waitingForEnrolment = waiting;
    }

    public void devicesNeedingAttention(int count) {
        attention = count;
    }

    public synchronized Snapshot snapshot() {
        boolean waiting = alertStoredAt != null && (alertSentAt == null || alertSentAt.isBefore(alertStoredAt));
        boolean recent = alertSentAt != null
                && !waiting
                && Duration.between(alertSentAt, clock.instant()).compareTo(shown) < 0;
        return new Snapshot(connected, waiting, recent, attention, waitingForEnrolment);
    }
}
