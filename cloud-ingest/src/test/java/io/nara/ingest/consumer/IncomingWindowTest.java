package io.nara.ingest.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IncomingWindowTest {

    @Test
    void aMessagePastTheBoundIsRefusedAndCountedUntilOneIsDone() {
        IncomingWindow window = new IncomingWindow(2);
        assertThat(window.admit()).isTrue();
        assertThat(window.admit()).isTrue();
        assertThat(window.admit()).as("a third while two are handled").isFalse();
        assertThat(window.admit()).isFalse();
        assertThat(window.refused()).isEqualTo(2);
        assertThat(window.inFlight()).as("a refused message holds no place").isEqualTo(2);

        window.done();
        assertThat(window.admit()).isTrue();
        assertThat(window.inFlight()).isEqualTo(2);
        assertThat(window.refused()).isEqualTo(2);
    }

    @Test
    void refusalsAreLoggedAtFirstAndThenAtMostOnceInTenSeconds() {
        IncomingWindow window = new IncomingWindow(1);
        long start = 5_000_000_000L;
        assertThat(window.warnNow(start)).isTrue();
        assertThat(window.warnNow(start + 1)).isFalse();
        assertThat(window.warnNow(start + IncomingWindow.WARN_EVERY_NANOS - 1)).isFalse();
        assertThat(window.warnNow(start + IncomingWindow.WARN_EVERY_NANOS)).isTrue();
        assertThat(window.warnNow(start + IncomingWindow.WARN_EVERY_NANOS + 1)).isFalse();
    }

    @Test
    void theFirstRefusalIsLoggedWhateverTheClockSays() {
        assertThat(new IncomingWindow(1).warnNow(0)).isTrue();
        assertThat(new IncomingWindow(1).warnNow(-42)).isTrue();
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new IncomingWindow(0)).hasMessageContaining("at least 1");
    }
}
