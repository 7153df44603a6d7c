package io.nara.ingest.alerting;

import java.time.Duration;

/**
 * How this node escalates and reminds.
 *
 * @param scanEvery how often this node looks for alerts due to escalate or remind (every node does; the database lets
 *                  exactly one of them act on each alert)
 * @param reminders when an acknowledged, unresolved alert reminds its owner and then returns to the team
 */
public record EscalationSettings(Duration scanEvery, ReminderSchedule reminders) {

    public EscalationSettings {
        if (reminders == null) {
            throw new IllegalArgumentException("reminders must be set (ReminderSchedule.defaults())");
        }
    }

    public static EscalationSettings defaults() {
        return new EscalationSettings(Duration.ofSeconds(5), ReminderSchedule.defaults());
    }
}
