package io.nara.gateway.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.VoiceSettings;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quiet hours in the plan's zone, voice off, volume 0, and a household of two plans. */
class VoicePolicyTest {

    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    // 21:30 UTC in December is 22:30 in Stockholm; 05:30 UTC is 06:30 there; 07:30 UTC is 08:30.
    private static final Instant LATE_EVENING = Instant.parse("2026-12-07T21:30:00Z");
    private static final Instant EARLY_MORNING = Instant.parse("2026-12-08T05:30:00Z");
    private static final Instant MORNING = Instant.parse("2026-12-08T07:30:00Z");

    private static VoicePolicy.PlanVoice plan(VoiceSettings v) {
        return new VoicePolicy.PlanVoice(v, STOCKHOLM);
    }

    @Test
    void quietHoursInThePlansZoneKeepTheHubQuiet() {
        List<VoicePolicy.PlanVoice> plans = List.of(plan(VoiceSettings.DEFAULT));
        assertThat(VoicePolicy.silentBecause(plans, LATE_EVENING)).contains("quiet hours 22:00–07:00");
        assertThat(VoicePolicy.silentBecause(plans, EARLY_MORNING)).isPresent();
        assertThat(VoicePolicy.silentBecause(plans, MORNING)).isEmpty();
        // The same instant is 21:30 in London: not quiet there.
        assertThat(VoicePolicy.silentBecause(
                        List.of(new VoicePolicy.PlanVoice(VoiceSettings.DEFAULT, ZoneId.of("Europe/London"))),
                        Instant.parse("2026-12-07T21:30:00Z").minusSeconds(3600)))
                .isEmpty();
    }

    @Test
    void voiceOffOrVolumeZeroSaysNothing() {
        assertThat(VoicePolicy.silentBecause(List.of(plan(new VoiceSettings(false, 80, null))), MORNING))
                .contains("the care plan turns the voice off");
        assertThat(VoicePolicy.silentBecause(List.of(plan(new VoiceSettings(true, 0, null))), MORNING))
                .contains("the care plan sets the volume to 0");
        assertThat(VoicePolicy.silentBecause(List.of(), MORNING)).isPresent();
    }

    @Test
    void aHouseholdSpeaksOnlyWhenEveryPlanAllowsAndAtTheQuietestVolume() {
        List<VoicePolicy.PlanVoice> couple =
                List.of(plan(new VoiceSettings(true, 90, null)), plan(new VoiceSettings(true, 40, "08:00–09:00")));
        assertThat(VoicePolicy.silentBecause(couple, MORNING)).contains("quiet hours 08:00–09:00");
        assertThat(VoicePolicy.volume(couple)).isEqualTo(40);
    }
}
