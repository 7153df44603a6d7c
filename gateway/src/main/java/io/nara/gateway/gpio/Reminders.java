package io.nara.gateway.gpio;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides when the buzzer reminds the patient of a missing scheduled measurement. Pure: the caller passes the time
 * and when each code was last measured; this remembers how often it already reminded today.
 */
public final class Reminders {

    private final List<GpioSettings.Reminder> schedule;
    private final ZoneId zone;
    private final Map<GpioSettings.Reminder, LocalDate> day = new HashMap<>();
    private final Map<GpioSettings.Reminder, Integer> given = new HashMap<>();

    /** How long one reminder sounds: three short beeps. */
    public static final Duration BEEP = Duration.ofMillis(200);

    public Reminders(List<GpioSettings.Reminder> schedule, ZoneId zone) {
        this.schedule = List.copyOf(schedule);
        this.zone = zone;
    }

    /**
     * Whether to sound the buzzer now.
     *
     * @param now          the hub's time
     * @param lastMeasured when a reading of a LOINC code last arrived, or null
     */
    public synchronized boolean due(Instant now, Function<String, Instant> lastMeasured) {
        return !dueCodes(now, lastMeasured).isEmpty();
    }

    /** Like {@link #due}, naming the LOINC codes whose reminder is due now (empty: no reminder). */
    public synchronized List<String> dueCodes(Instant now, Function<String, Instant> lastMeasured) {
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        List<String> sound = new ArrayList<>();
        for (GpioSettings.Reminder r : schedule) {
            LocalDate today = local.toLocalDate();
            if (!today.equals(day.get(r))) {
                day.put(r, today);
                given.put(r, 0);
            }
            LocalDateTime deadline = today.atTime(r.at());
            if (local.isBefore(deadline)) {
                continue;
            }
            Instant last = lastMeasured.apply(r.code());
            if (last != null
                    && !LocalDateTime.ofInstant(last, zone).toLocalDate().isBefore(today)) {
                continue; // measured today: nothing to remind
            }
            int n = given.get(r);
            if (n >= r.times()) {
                continue;
            }
            LocalDateTime nextReminder = deadline.plus(r.every().multipliedBy(n));
            if (!local.isBefore(nextReminder)) {
                given.put(r, n + 1);
                sound.add(r.code());
            }
        }
        return sound;
    }
}
