package io.nara.ingest.org;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A recurring on-call slot in the team's local time: it starts on each of {@code days} at {@code starts} and ends at
 * {@code ends}; an end at or before the start means the slot runs past midnight (a night shift), so "Friday 21:00 to
 * 07:00" covers Saturday 06:59 too. Local time rather than instants, so the slot stays at 16:00 across daylight saving.
 *
 * @param validFrom the first day a slot may start on
 * @param validTo   the last day a slot may start on; null for open-ended
 */
public record OnCallSlot(
        String personId,
        Set<DayOfWeek> days,
        LocalTime starts,
        LocalTime ends,
        LocalDate validFrom,
        LocalDate validTo) {

    public OnCallSlot {
        if (personId == null || days == null || days.isEmpty() || starts == null || ends == null || validFrom == null) {
            throw new IllegalArgumentException("an on-call slot needs a person, days, start, end and a first day");
        }
        days = Set.copyOf(days);
    }

    public boolean overnight() {
        return !ends.isAfter(starts);
    }

    /** Whether the slot covers this local moment. */
    public boolean covers(ZonedDateTime at) {
        LocalTime time = at.toLocalTime();
        LocalDate today = at.toLocalDate();
        if (!overnight()) {
            return startsOn(today) && !time.isBefore(starts) && time.isBefore(ends);
        }
        // A night slot covers the evening of its starting day and the early hours of the next one.
        return (startsOn(today) && !time.isBefore(starts)) || (startsOn(today.minusDays(1)) && time.isBefore(ends));
    }

    private boolean startsOn(LocalDate day) {
        return days.contains(day.getDayOfWeek())
                && !day.isBefore(validFrom)
                && (validTo == null || !day.isAfter(validTo));
    }
}
