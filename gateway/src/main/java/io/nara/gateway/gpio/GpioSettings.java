package io.nara.gateway.gpio;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;

/**
 * The hub's pins (BCM numbers) and how they behave.
 *
 * @param provider      {@code gpiod} on a Raspberry Pi (the kernel's GPIO character device), {@code mock} for a hub
 *                      without pins (tests, the demo), {@code off} for none
 * @param buttonPin     the help button, wired to ground (the pin's pull-up holds it high; pressed reads low)
 * @param ledPin        the status LED (high = lit)
 * @param buzzerPin     an active buzzer (high = sounding)
 * @param debounce      how long the button must stay pressed to count; contacts bounce for a few milliseconds, and
 *                      a brush against the button should not call the nurse
 * @param helpRearm     after a help alert, further presses within this time raise no new alert (the LED already says
 *                      the nurse has been told); afterwards a press raises a new one
 * @param alertShown    how long the LED shows "the nurse has been told" after an alert reached the cloud
 * @param patientId     whose help button this is; null means the only patient bound on this hub
 * @param reminders     scheduled measurements: at {@code at}, if no reading of {@code code} arrived that day, the
 *                      buzzer reminds the patient, at most {@code times} times, {@code every} apart
 */
public record GpioSettings(
        String provider,
        int buttonPin,
        int ledPin,
        int buzzerPin,
        Duration debounce,
        Duration helpRearm,
        Duration alertShown,
        String patientId,
        List<Reminder> reminders) {

    public GpioSettings {
        reminders = reminders == null ? List.of() : List.copyOf(reminders);
    }

    /** BCM 17 button, 27 LED, 22 buzzer: free pins on every Pi header next to a ground pin. */
    public static GpioSettings defaults(String provider) {
        return new GpioSettings(
                provider,
                17,
                27,
                22,
                Duration.ofMillis(50),
                Duration.ofMinutes(5),
                Duration.ofHours(2),
                null,
                List.of());
    }

    /**
     * A scheduled measurement.
     *
     * @param code  the LOINC code expected (29463-7 body weight, 8480-6 systolic, ...)
     * @param at    local time by which it is expected
     * @param every interval between reminders
     * @param times how many reminders at most, so an absent patient's hub does not beep all day
     */
    public record Reminder(String code, LocalTime at, Duration every, int times) {

        /** Parses {@code HH:MM=LOINC}, e.g. {@code 08:00=29463-7} (reminds 3 times, 15 minutes apart). */
        public static Reminder parse(String text) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("reminder '" + text + "': expected HH:MM=LOINC, e.g. 08:00=29463-7");
            }
            return new Reminder(
                    text.substring(eq + 1).trim(),
                    LocalTime.parse(text.substring(0, eq).trim()),
                    Duration.ofMinutes(15),
                    3);
        }
    }
}
