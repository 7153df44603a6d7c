package io.nara.ingest.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReminderScheduleTest {

    private static final Instant ACK = Instant.parse("2026-11-24T09:00:00Z");

    @Test
    void byDefaultAnUrgentAlertRemindsAfterAnHourAWarningAfterFourAndInformationAfterADay() {
        ReminderSchedule s = ReminderSchedule.defaults();
        assertThat(s.firstDue(Severity.URGENT, ACK)).isEqualTo(ACK.plus(Duration.ofHours(1)));
        assertThat(s.firstDue(Severity.WARNING, ACK)).isEqualTo(ACK.plus(Duration.ofHours(4)));
        assertThat(s.firstDue(Severity.INFO, ACK)).isEqualTo(ACK.plus(Duration.ofHours(24)));
    }

    @Test
    void theFirstDueTimeRemindsTheOwnerAndTheNextGivesTheAlertBackAfterTheSecondPeriod() {
        ReminderSchedule s = ReminderSchedule.defaults();
        assertThat(ReminderSchedule.step(0)).isEqualTo(ReminderSchedule.Step.REMIND);
        Instant reminded = s.firstDue(Severity.WARNING, ACK);
        assertThat(s.afterReminder(Severity.WARNING, reminded)).isEqualTo(ACK.plus(Duration.ofHours(8)));
        assertThat(ReminderSchedule.step(1)).isEqualTo(ReminderSchedule.Step.RETURN);
    }

    @Test
    void optionsChangeOnlyTheSeveritiesTheyName() {
        ReminderSchedule s = ReminderSchedule.defaults()
                .withRemindAfter(ReminderSchedule.parse("URGENT=30m, info=2d"))
                .withReturnAfter(ReminderSchedule.parse("WARNING=PT90M"));
        assertThat(s.remindAfter())
                .isEqualTo(Map.of(
                        Severity.URGENT,
                        Duration.ofMinutes(30),
                        Severity.WARNING,
                        Duration.ofHours(4),
                        Severity.INFO,
                        Duration.ofDays(2)));
        assertThat(s.returnAfter().get(Severity.WARNING)).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.returnAfter().get(Severity.URGENT)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badInputIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> ReminderSchedule.parse("CRITICAL=1h"))
                .hasMessageContaining("unknown severity 'CRITICAL'");
        assertThatThrownBy(() -> ReminderSchedule.parse("URGENT=soon"))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> ReminderSchedule.parse("URGENT"))
                .hasMessageContaining("'URGENT' is not SEVERITY=DURATION");
        assertThatThrownBy(() ->
                        ReminderSchedule.defaults().withRemindAfter(Map.of(Severity.URGENT, Duration.ofSeconds(5))))
                .hasMessageContaining("remind after for URGENT must be at least 1 minute");
        assertThatThrownBy(() -> new ReminderSchedule(Map.of(Severity.URGENT, Duration.ofHours(1)), Map.of()))
                .hasMessageContaining("remind after has no time for");
    }
}
