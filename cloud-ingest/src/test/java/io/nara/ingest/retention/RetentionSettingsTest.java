package io.nara.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {

    @Test
    void periodsReadShortAndIsoForms() {
        assertThat(Retention.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Retention.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Retention.parse("P30D")).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> Retention.parse("ninety days"))
                .hasMessageContaining("'ninety days' is not a duration");
    }

    @Test
    void theAccessLogCannotBeKeptShorterThanTheLegalFloor() {
        Retention.Settings d = Retention.Settings.defaults();
        assertThatThrownBy(() -> new Retention.Settings(
                        d.sessions(),
                        d.rejectedMessages(),
                        d.deliveredNotifications(),
                        Duration.ofDays(365),
                        d.journal(),
                        d.rawSamples()))
                .hasMessage("the access log must be kept at least 1825 days, not 365");
        assertThatThrownBy(() -> new Retention.Settings(
                        Duration.ZERO,
                        d.rejectedMessages(),
                        d.deliveredNotifications(),
                        d.accessLog(),
                        d.journal(),
                        d.rawSamples()))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new Retention.Settings(
                        d.sessions(),
                        d.rejectedMessages(),
                        d.deliveredNotifications(),
                        d.accessLog(),
                        Duration.ofDays(365 * 5),
                        d.rawSamples()))
                .hasMessage("a patient's record must be kept at least 3650 days after its last entry, not 1825");
    }

    @Test
    void rawContinuousSamplesAreKeptAtLeastTheHourInfluxDbAllows() {
        Retention.Settings d = Retention.Settings.defaults();
        assertThat(d.rawSamples()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> new Retention.Settings(
                        d.sessions(),
                        d.rejectedMessages(),
                        d.deliveredNotifications(),
                        d.accessLog(),
                        d.journal(),
                        Duration.ofMinutes(30)))
                .hasMessageContaining("raw continuous samples must be kept at least 1h");
    }
}
