package io.nara.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertCardTest {

    private static final Instant RAISED = Instant.parse("2026-11-24T03:10:00Z");

    @Test
    void theChartSpansFortyEightHoursWithTheAlertInsideAndUpToADayAfterIt() {
        // Opened at once: the chart ends an hour after the alert.
        assertThat(AlertCard.window(RAISED, RAISED.plusSeconds(20)))
                .containsExactly(RAISED.minus(Duration.ofHours(47)), RAISED.plus(Duration.ofHours(1)));
        // Opened in the morning: it ends now, showing what came after the alert.
        Instant morning = RAISED.plus(Duration.ofHours(5));
        assertThat(AlertCard.window(RAISED, morning)).containsExactly(morning.minus(Duration.ofHours(48)), morning);
        // Opened a week later: the day after the alert, never a chart without it.
        assertThat(AlertCard.window(RAISED, RAISED.plus(Duration.ofDays(7))))
                .containsExactly(RAISED.minus(Duration.ofHours(24)), RAISED.plus(Duration.ofHours(24)));
    }

    @Test
    void aPlanVersionIsReadAsTheHubOrTheCloudNamesIt() {
        assertThat(AlertCard.version("3")).contains(3);
        assertThat(AlertCard.version("v12")).contains(12);
        assertThat(AlertCard.version("bootstrap")).isEmpty();
        assertThat(AlertCard.version(null)).isEmpty();
    }
}
