package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nara.protocol.codec.MessageCodec;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The care plan's voice section: quiet hours, volume, and what an editor is told about a wrong one. */
class VoiceSettingsTest {

    private final MessageCodec codec = new MessageCodec();

    @Test
    void quietHoursRunPastMidnight() {
        VoiceSettings v = new VoiceSettings(true, 60, "22:00–07:00");
        assertThat(v.quietAt(LocalTime.of(21, 59))).isFalse();
        assertThat(v.quietAt(LocalTime.of(22, 0))).isTrue();
        assertThat(v.quietAt(LocalTime.of(3, 0))).isTrue();
        assertThat(v.quietAt(LocalTime.of(6, 59))).isTrue();
        assertThat(v.quietAt(LocalTime.of(7, 0))).isFalse();
        assertThat(v.quietAt(LocalTime.NOON)).isFalse();
    }

    @Test
    void quietHoursWithinADayAndWithAHyphen() {
        VoiceSettings v = new VoiceSettings(true, 60, "13:00-15:00");
        assertThat(v.quietAt(LocalTime.of(12, 59))).isFalse();
        assertThat(v.quietAt(LocalTime.of(14, 0))).isTrue();
        assertThat(v.quietAt(LocalTime.of(15, 0))).isFalse();
        assertThat(new VoiceSettings(true, 60, null).quietAt(LocalTime.of(3, 0)))
                .isFalse();
    }

    @Test
    void theSameStartAndEndIsQuietAllDay() {
        VoiceSettings v = new VoiceSettings(true, 60, "00:00–00:00");
        assertThat(v.quietAt(LocalTime.NOON)).isTrue();
        assertThat(v.quietAt(LocalTime.MIDNIGHT)).isTrue();
        assertThat(new VoiceSettings(true, 60, "08:00-08:00").quietAt(LocalTime.of(7, 0)))
                .isTrue();
    }

    @Test
    void aSectionWithoutVolumeSpeaksAtTheDefaultVolume() {
        assertThat(new VoiceSettings(true, null, null).effectiveVolume()).isEqualTo(VoiceSettings.DEFAULT_VOLUME);
        assertThat(new VoiceSettings(null, 0, null).effectiveVolume()).isZero();
        assertThat(new VoiceSettings(null, 0, null).speaks()).isTrue();
    }

    @Test
    void aPlanWithoutVoiceSpeaksByTheDefault() {
        CarePlan plan = codec.readCarePlan(codec.tree("""
                {"patientId": "p1", "version": "1", "rules": []}"""));
        assertThat(plan.effectiveVoice()).isEqualTo(VoiceSettings.DEFAULT);
        assertThat(plan.effectiveVoice().speaks()).isTrue();
        CarePlan quiet = codec.readCarePlan(codec.tree("""
                {"patientId": "p1", "version": "1", "rules": [],
                 "voice": {"on": false, "volume": 30, "quietHours": "21:00–08:00"}}"""));
        assertThat(quiet.effectiveVoice().speaks()).isFalse();
        assertThat(quiet.effectiveVoice().effectiveVolume()).isEqualTo(30);
        assertThat(codec.readCarePlan(codec.tree(codec.toJson(quiet)))).isEqualTo(quiet);
    }

    @Test
    void aWrongVoiceSectionIsNamedFieldByField() {
        InvalidCarePlanException e =
                catchThrowableOfType(() -> codec.readCarePlan(codec.tree("""
                        {"patientId": "p1", "version": "1", "rules": [],
                         "voice": {"volume": 140, "quietHours": "22-07"}}""")), InvalidCarePlanException.class);
        assertThat(e).isNotNull();
        List<String> fields = e.problems().stream().map(PlanProblem::field).toList();
        assertThat(fields).containsExactlyInAnyOrder("voice.volume", "voice.quietHours");
        assertThat(e.problems().toString()).contains("0 to 100").contains("HH:MM–HH:MM");
        InvalidCarePlanException late =
                catchThrowableOfType(() -> new VoiceSettings(true, 50, "25:00–07:00"), InvalidCarePlanException.class);
        assertThat(late.problems())
                .singleElement()
                .extracting(PlanProblem::field)
                .isEqualTo("quietHours");
    }
}
