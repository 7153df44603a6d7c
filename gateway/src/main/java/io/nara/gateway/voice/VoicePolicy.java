package io.nara.gateway.voice;

import io.nara.protocol.careplan.VoiceSettings;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** Whether the hub may speak now, by the care plans' voice sections. Pure. */
public final class VoicePolicy {

    /** One patient's voice section and the zone of their plan. */
    public record PlanVoice(VoiceSettings settings, ZoneId zone) {}

    private VoicePolicy() {}

    /**
     * Why the hub keeps quiet now, or empty when it may speak. For the household (a reminder, several patients) every
     * plan must allow it: one partner's quiet hours keep the hub quiet for both.
     */
    public static Optional<String> silentBecause(List<PlanVoice> plans, Instant now) {
        if (plans.isEmpty()) {
            return Optional.of("no care plan on this hub yet");
        }
        for (PlanVoice p : plans) {
            if (!p.settings().speaks()) {
                return Optional.of("the care plan turns the voice off");
            }
            if (p.settings().effectiveVolume() == 0) {
                return Optional.of("the care plan sets the volume to 0");
            }
            LocalTime local = LocalTime.ofInstant(now, p.zone());
            if (p.settings().quietAt(local)) {
                return Optional.of("quiet hours " + p.settings().quietHours());
            }
        }
        return Optional.empty();
    }

    /** The loudest volume the plans allow is the quietest of them (0..100). */
    public static int volume(List<PlanVoice> plans) {
        return plans.stream()
                .mapToInt(p -> p.settings().effectiveVolume())
                .min()
                .orElse(VoiceSettings.DEFAULT_VOLUME);
    }
}
