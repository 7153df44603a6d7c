package io.nara.ingest.alerting;

import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When alerts escalate and how far they may be snoozed. Pure. */
public final class EscalationPolicy {

    /** The defaults when the rule names no time. */
    public static final Duration URGENT_DEFAULT = Duration.ofMinutes(15);

    public static final Duration WARNING_DEFAULT = Duration.ofHours(2);

    private EscalationPolicy() {}

    /**
     * How long an alert may stay unacknowledged. INFO alerts never escalate: paging a doctor about information would
     * teach people to ignore pages.
     */
    public static Optional<Duration> escalateAfter(Severity severity, Duration fromRule) {
        if (severity == Severity.INFO) {
            return Optional.empty();
        }
        if (fromRule != null) {
            return Optional.of(fromRule);
        }
        return Optional.of(severity == Severity.URGENT ? URGENT_DEFAULT : WARNING_DEFAULT);
    }

    /** What a snooze request does. */
    public record SnoozeDecision(Instant until, Instant escalateAt) {}

    /**
     * Checks a snooze: an urgent alert cannot be snoozed past its escalation time (snoozing it only quiets repeats,
     * the doctor is still called on time); a warning or info alert snoozed past it escalates when the snooze ends.
     *
     * @throws IllegalStateException naming the latest allowed time when the request goes too far
     */
    public static SnoozeDecision snooze(Severity severity, Instant now, Duration length, Instant escalateAt) {
        if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("a snooze lasts from 1 minute to 24 hours");
        }
        Instant until = now.plus(length);
        if (severity == Severity.URGENT) {
            if (escalateAt != null && until.isAfter(escalateAt)) {
                throw new IllegalStateException(
                        "an urgent alert cannot be snoozed past its escalation at " + escalateAt);
            }
            return new SnoozeDecision(until, escalateAt);
        }
        Instant later =
                escalateAt == null || until.isAfter(escalateAt) ? (escalateAt == null ? null : until) : escalateAt;
        return new SnoozeDecision(until, later);
    }
}
