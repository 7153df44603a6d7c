package io.nara.ingest.alerting;

import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * When an acknowledged but unresolved alert is brought back to mind. Pure.
 *
 * <p>Two steps per severity: {@code remindAfter} after the acknowledgement the owner is reminded; {@code returnAfter}
 * after that reminder, if the alert is still unresolved, it goes back to its team's people on duty as unowned (and
 * from then on escalates like any open alert). An acknowledgement is a promise to act, so forgetting it must not be
 * silent; but a nurse who has not yet clicked "resolve" is not an emergency for the next tier either.
 *
 * @param remindAfter per severity, from the acknowledgement to the reminder
 * @param returnAfter per severity, from the reminder to the return to the team
 */
public record ReminderSchedule(Map<Severity, Duration> remindAfter, Map<Severity, Duration> returnAfter) {

    /** What a due acknowledged alert gets. */
    public enum Step {
        REMIND,
        RETURN
    }

    public ReminderSchedule {
        remindAfter = complete(remindAfter, "remind after");
        returnAfter = complete(returnAfter, "return after");
    }

    /** URGENT 1 h, WARNING 4 h, INFO 24 h, and the same again before the return. */
    public static ReminderSchedule defaults() {
        Map<Severity, Duration> d = Map.of(
                Severity.URGENT,
                Duration.ofHours(1),
                Severity.WARNING,
                Duration.ofHours(4),
                Severity.INFO,
                Duration.ofHours(24));
        return new ReminderSchedule(d, d);
    }

    /** When the alert is first due, for an acknowledgement at {@code acknowledgedAt}. */
    public Instant firstDue(Severity severity, Instant acknowledgedAt) {
        return acknowledgedAt.plus(remindAfter.get(severity));
    }

    /** What a due alert gets, given how many reminders it has had since its acknowledgement. */
    public static Step step(int remindersSent) {
        return remindersSent == 0 ? Step.REMIND : Step.RETURN;
    }

    /** When the alert is due again after a reminder sent at {@code now}. */
    public Instant afterReminder(Severity severity, Instant now) {
        return now.plus(returnAfter.get(severity));
    }

    /** This schedule with other reminder times (only the severities named change). */
    public ReminderSchedule withRemindAfter(Map<Severity, Duration> changes) {
        Map<Severity, Duration> m = new EnumMap<>(remindAfter);
        m.putAll(changes);
        return new ReminderSchedule(m, returnAfter);
    }

    /** This schedule with other return times (only the severities named change). */
    public ReminderSchedule withReturnAfter(Map<Severity, Duration> changes) {
        Map<Severity, Duration> m = new EnumMap<>(returnAfter);
        m.putAll(changes);
        return new ReminderSchedule(remindAfter, m);
    }

    /**
     * Reads {@code URGENT=1h,WARNING=4h,INFO=24h} (units {@code m}, {@code h}, {@code d}, or ISO-8601 such as
     * {@code PT90M}); severities left out are not in the result.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Map<Severity, Duration> parse(String text) {
        Map<Severity, Duration> out = new EnumMap<>(Severity.class);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected SEVERITY=DURATION[,...], for example URGENT=1h,WARNING=4h");
        }
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not SEVERITY=DURATION");
            }
            Severity severity;
            try {
                severity = Severity.valueOf(kv[0].strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown severity '" + kv[0].strip() + "' (URGENT, WARNING, INFO)");
            }
            out.put(severity, duration(kv[1].strip()));
        }
        return out;
    }

    private static Duration duration(String text) {
        try {
            if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(text);
            }
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 30m, 4h, 1d or PT90M");
        }
    }

    private static Map<Severity, Duration> complete(Map<Severity, Duration> m, String what) {
        Map<Severity, Duration> copy = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            Duration d = m == null ? null : m.get(s);
            if (d == null) {
                throw new IllegalArgumentException(what + " has no time for " + s);
            }
            if (d.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException(what + " for " + s + " must be at least 1 minute, not " + d);
            }
            copy.put(s, d);
        }
        return Map.copyOf(copy);
    }
}
