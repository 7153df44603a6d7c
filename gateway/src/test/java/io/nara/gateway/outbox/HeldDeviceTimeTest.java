package io.nara.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A Pi without a real-time clock boots after a power cut believing it is the time it shut down (fake-hwclock): here
 * two days behind. Readings arrive before NTP answers; once it does, each held reading's device time is judged again.
 */
class HeldDeviceTimeTest {

    /** What the hub believed when the reading arrived: two days behind the truth. */
    private static final Instant WRONG = Instant.parse("2026-11-21T07:30:00Z");

    private static final Instant RIGHT = Instant.parse("2026-11-23T07:30:00Z");

    @Test
    void aDeviceTimeThatRanOnTheHubsWrongClockMovesWithTheReceipt() {
        // The cuff's clock was set from the hub's wrong clock (or a SenML relative time counted back from it): it says
        // five minutes before the hub's wrong receipt, which is five minutes before the true receipt.
        Instant deviceTime = WRONG.minus(Duration.ofMinutes(5));
        assertThat(HeldDeviceTime.retime(deviceTime, WRONG, RIGHT)).isEqualTo(RIGHT.minus(Duration.ofMinutes(5)));
    }

    @Test
    void aDeviceTimeOnItsOwnRightClockIsKept() {
        // A scale with its own good clock: measured ten minutes before the true receipt.
        Instant deviceTime = RIGHT.minus(Duration.ofMinutes(10));
        assertThat(HeldDeviceTime.retime(deviceTime, WRONG, RIGHT)).isEqualTo(deviceTime);
    }

    @Test
    void aDeviceTimeAfterTheTrueReceiptIsNotBelievedOnceTheHubKnowsTheTime() {
        // The hub ran two days behind; the device's own clock runs an hour ahead of the truth: it fits neither clock,
        // and once the hub knows the time it is seen to lie in the future, as it would have been at receipt.
        Instant deviceTime = RIGHT.plus(Duration.ofHours(1));
        assertThat(HeldDeviceTime.retime(deviceTime, WRONG, RIGHT)).isNull();
    }

    @Test
    void aSmallCorrectionChangesNothingAndNoDeviceTimeStaysNone() {
        Instant wrong = RIGHT.minus(Duration.ofMinutes(3));
        Instant deviceTime = RIGHT.minus(Duration.ofMinutes(20));
        assertThat(HeldDeviceTime.retime(deviceTime, wrong, RIGHT)).isEqualTo(deviceTime);
        assertThat(HeldDeviceTime.retime(null, WRONG, RIGHT)).isNull();
    }
}
