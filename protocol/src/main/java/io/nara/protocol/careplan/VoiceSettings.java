package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether and how the hub speaks to the patient (short Swedish sentences: a measurement registered, the daily
 * reminder, a nurse saw the alarm). During quiet hours, in the plan's zone, it says nothing; the LED still shows.
 *
 * @param on         speak at all (default true)
 * @param volume     0..100 (default 70)
 * @param quietHours {@code HH:MM–HH:MM} (en dash or hyphen), e.g. {@code 22:00–07:00}, running past midnight when the
 *                   end is not after the start; null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VoiceSettings(Boolean on, Integer volume, String quietHours) {

    // Before DEFAULT: its constructor parses with it.
    private static final Pattern QUIET = Pattern.compile("(\\d{2}:\\d{2})\\s*[-–]\\s*(\\d{2}:\\d{2})");

    public static final int DEFAULT_VOLUME = 70;
    /** What a plan without a voice section gets: speaking, at 70, silent 22:00–07:00. */
    public static final VoiceSettings DEFAULT = new VoiceSettings(true, DEFAULT_VOLUME, "22:00–07:00");

    @JsonCreator
    public VoiceSettings {
        Problems p = new Problems();
        if (volume != null && (volume < 0 || volume > 100)) {
            p.add("volume", "voice: volume must be 0 to 100, was " + volume);
        }
        if (quietHours != null) {
            p.check("quietHours", () -> parse(quietHours));
        }
        p.throwIfAny();
    }

    /** Whether the hub speaks at all. */
    @JsonIgnore
    public boolean speaks() {
        return on == null || on;
    }

    @JsonIgnore
    public int effectiveVolume() {
        return volume == null ? DEFAULT_VOLUME : volume;
    }

    /** Whether {@code time} (the plan's local time) is in the quiet hours; the start is quiet, the end is not. */
    public boolean quietAt(LocalTime time) {
        if (quietHours == null) {
            return false;
        }
        LocalTime[] span = parse(quietHours);
        LocalTime from = span[0];
        LocalTime to = span[1];
        // Not before the end: past midnight, and a span from a time to the same time (00:00–00:00) is the whole day.
        return from.isBefore(to)
                ? !time.isBefore(from) && time.isBefore(to)
                : !time.isBefore(from) || time.isBefore(to);
    }

    private static LocalTime[] parse(String text) {
        Matcher m = QUIET.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "voice: quiet hours must read HH:MM–HH:MM, e.g. 22:00–07:00, not '" + text + "'");
        }
        try {
            return new LocalTime[] {LocalTime.parse(m.group(1)), LocalTime.parse(m.group(2))};
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("voice: quiet hours '" + text + "' hold a time that does not exist");
        }
    }
}
