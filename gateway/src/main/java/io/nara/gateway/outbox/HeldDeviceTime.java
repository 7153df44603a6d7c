package io.nara.gateway.outbox;

import java.time.Duration;
import java.time.Instant;

/**
 * A held reading's device time, once the hub's clock is right. While the hub's clock was wrong, nothing could be said
 * about a device's time: it may run on the device's own clock, or on the hub's wrong clock (the hub set it from that
 * clock in an earlier boot or an older version; a SenML relative time counts back from it). Re-timing corrects the
 * receipt by the hub's error; the device time follows:
 *
 * <ul>
 *   <li>it fits the hub's wrong clock (no later than it, no older than a day before it) but not the right one: the
 *       device ran on the hub's wrong clock, and is moved by the same correction;</li>
 *   <li>it lies after the corrected receipt (beyond the tolerance a device clock has): it was not believable, and the
 *       reading takes its receipt time (null), flagged by the caller as an unreliable device clock, as it would have
 *       been had the hub's clock been right when it arrived;</li>
 *   <li>else it is the device's own and kept.</li>
 * </ul>
 *
 * A correction within the tolerance changes nothing: both clocks are then equally believable. Pure.
 */
final class HeldDeviceTime {

    /** As {@code ReadingAssembler.DEVICE_CLOCK_TOLERANCE}: how far ahead of the hub a device clock may run. */
    static final Duration TOLERANCE = Duration.ofMinutes(10);
    /** How old a stored record that follows a clock may be: the care plan's default {@code staleAfter}. */
    static final Duration OLDEST = Duration.ofHours(24);

    private HeldDeviceTime() {}

    /**
     * @param effective     the device time as stored, or null
     * @param wrongReceived the receipt by the hub's clock while it was not synchronised
     * @param rightReceived the receipt re-timed from the monotonic clock
     * @return the device time to keep, or null when the reading must take its receipt time
     */
    static Instant retime(Instant effective, Instant wrongReceived, Instant rightReceived) {
        if (effective == null) {
            return null;
        }
        Duration correction = Duration.between(wrongReceived, rightReceived);
        if (correction.abs().compareTo(TOLERANCE) <= 0) {
            return effective;
        }
        boolean fitsWrong = fits(effective, wrongReceived);
        boolean fitsRight = fits(effective, rightReceived);
        if (fitsWrong && !fitsRight) {
            return effective.plus(correction);
        }
        if (effective.isAfter(rightReceived.plus(TOLERANCE))) {
            return null;
        }
        return effective;
    }

    private static boolean fits(Instant effective, Instant received) {
        return !effective.isAfter(received.plus(TOLERANCE)) && !effective.isBefore(received.minus(OLDEST));
    }
}
