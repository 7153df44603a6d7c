package io.nara.ingest.rejected;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RefusalLimiterTest {

    private static final Instant T = Instant.parse("2026-11-23T08:00:00Z");

    @Test
    void keepsTheFirstRefusalsOfAHubPerWindowAndCountsTheRest() {
        RefusalLimiter limiter = new RefusalLimiter(3, Duration.ofMinutes(1));
        long kept = IntStream.range(0, 1000)
                .filter(i -> limiter.keep("hub-a", T.plusMillis(i)))
                .count();
        assertThat(kept).isEqualTo(3);
        // Another hub has limits of its own.
        assertThat(limiter.keep("hub-b", T)).isTrue();
        // The count is reported once, after the window.
        assertThat(limiter.drain(T.plusSeconds(30))).isEmpty();
        assertThat(limiter.drain(T.plusSeconds(61))).containsExactly(new RefusalLimiter.Suppressed("hub-a", T, 997));
        assertThat(limiter.drain(T.plusSeconds(200))).isEmpty();
        assertThat(limiter.keep("hub-a", T.plusSeconds(200))).isTrue();
    }

    @Test
    void aCountIsNeverLostWhenTheNextWindowBeginsBeforeItWasReported() {
        RefusalLimiter limiter = new RefusalLimiter(1, Duration.ofMinutes(1));
        limiter.keep(null, T);
        limiter.keep(null, T.plusSeconds(1));
        limiter.keep(null, T.plusSeconds(2));
        assertThat(limiter.keep(null, T.plusSeconds(70))).isTrue();
        assertThat(limiter.drain(T.plusSeconds(71))).containsExactly(new RefusalLimiter.Suppressed(null, T, 2));
    }
}
