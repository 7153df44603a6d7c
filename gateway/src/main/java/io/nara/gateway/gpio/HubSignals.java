package io.nara.gateway.gpio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the hub tells its LED: the service reports events here (thread-safe), the LED reads a snapshot. An alert counts
 * as sent once the outbox has nothing unacknowledged after it was stored, and as seen once the cloud said a person
 * acknowledged an alert after it was stored. The reminder schedule tells its listener (the voice) here too.
 */
public final class HubSignals {

    /**
     * @param connected               the broker connection is up
     * @param alertWaiting            an alert is stored but the cloud has not acknowledged it yet
     * @param alertRecentlySent       an alert was acknowledged within the LED's "told" period
     * @param devicesNeedingAttention devices with a flat battery, a lost bond or not heard from
     * @param waitingForEnrolment     the hub has no certificate from the cloud yet
     * @param seenByNurse             a person acknowledged the patient's alert within the LED's "seen" period, and no
     *                                alert was stored since
     */
    public record Snapshot(
            boolean connected,
            boolean alertWaiting,
            boolean alertRecentlySent,
            int devicesNeedingAttention,
            boolean waitingForEnrolment,
            boolean seenByNurse) {

        public Snapshot(
                boolean connected,
                boolean alertWaiting,
                boolean alertRecentlySent,
                int devicesNeedingAttention,
                boolean waitingForEnrolment) {
            this(connected, alertWaiting, alertRecentlySent, devicesNeedingAttention, waitingForEnrolment, false);
        }
    }

    /**
     * How long the LED says "seen by a nurse": long enough for a patient who pressed the help button in the evening
     * and slept, or was out, to see it; short enough to be gone by the next day's readings.
     */
    public static final Duration SEEN_SHOWN = Duration.ofHours(8);

    private final Clock clock;
    private final Duration shown;
    private final Duration seenShown;
    private volatile Instant seenAt;
    /** Which came last, an alert stored or one seen: counted, not timed, so a clock that steps cannot swap them. */
    private long events;

    private long storedEvent;
    private long seenEvent;
    private volatile Consumer<List<String>> reminderListener = codes -> {};
    private volatile boolean connected;
    private volatile Instant alertStoredAt;
    private volatile Instant alertSentAt;
    private volatile int attention;
    private volatile boolean waitingForEnrolment;

    public HubSignals(Clock clock, Duration shown) {
        this(clock, shown, SEEN_SHOWN);
    }

    /** @param seenShown how long the LED shows "seen by a nurse" */
    public HubSignals(Clock clock, Duration shown, Duration seenShown) {
        this.clock = clock;
        this.shown = shown;
        this.seenShown = seenShown;
    }

    /** The cloud says a person acknowledged an alert about a patient of this hub. */
    public synchronized void alertSeen() {
        seenAt = clock.instant();
        seenEvent = ++events;
    }

    /** Who hears of a reminder beside the buzzer (the voice); the LOINC codes that are missing. */
    public void onReminder(Consumer<List<String>> listener) {
        reminderListener = listener;
    }

    /** The reminder schedule found these measurements missing. */
    public void reminded(List<String> codes) {
        reminderListener.accept(codes);
    }

    public void connected(boolean up) {
        connected = up;
    }

    public synchronized void alertStored() {
        alertStoredAt = clock.instant();
        storedEvent = ++events;
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
        // A newer alert is not seen yet: the patient must not believe a nurse saw the alert she just raised.
        boolean seen = seenAt != null
                && seenEvent > storedEvent
                && Duration.between(seenAt, clock.instant()).compareTo(seenShown) < 0;
        return new Snapshot(connected, waiting, recent, attention, waitingForEnrolment, seen);
    }
}
