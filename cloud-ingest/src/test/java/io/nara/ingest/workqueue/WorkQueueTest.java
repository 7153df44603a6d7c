package io.nara.ingest.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final WorkQueue.Policy policy = new WorkQueue.Policy(5, Duration.ofSeconds(5), Duration.ofMinutes(1));

    @Test
    void theWaitDoublesFromTheBaseUpToTheCap() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(policy.backoff(5)).isEqualTo(Duration.ofMinutes(1));
        // Far past any shift a long could hold: still the cap, never an overflow to a negative or tiny wait.
        assertThat(policy.backoff(10_000)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void anItemIsRetriedUntilItsLastAttemptFailsThenDead() {
        WorkQueue.Failure first = policy.afterFailure(1, NOW);
        assertThat(first.dead()).isFalse();
        assertThat(first.nextAttempt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(policy.afterFailure(4, NOW).dead()).isFalse();
        WorkQueue.Failure last = policy.afterFailure(5, NOW);
        assertThat(last.dead()).isTrue();
        assertThat(last.nextAttempt()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
        // An item counted past the limit (the limit lowered since it was claimed) is dead too, not retried forever.
        assertThat(policy.afterFailure(9, NOW).dead()).isTrue();
    }

    @Test
    void oneAttemptMeansTheFirstFailureIsFinal() {
        assertThat(new WorkQueue.Policy(1, Duration.ZERO, Duration.ZERO)
                        .afterFailure(1, NOW)
                        .dead())
                .isTrue();
    }

    @Test
    void aPolicyWithoutAttemptsOrWithNegativeDelaysIsRefusedByName() {
        assertThatThrownBy(() -> new WorkQueue.Policy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("at least one attempt");
        assertThatThrownBy(() -> new WorkQueue.Policy(3, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("retry delays");
    }

    @Test
    void onlyAPlainTableNameIsAccepted() {
        assertThatThrownBy(() -> new WorkQueue("notification; DROP TABLE alert", policy))
                .hasMessageContaining("not a table name");
        assertThat(new WorkQueue("fhir_push", policy).policy()).isEqualTo(policy);
    }
}
