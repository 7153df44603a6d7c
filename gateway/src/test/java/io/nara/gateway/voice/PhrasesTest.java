package io.nara.gateway.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.AlertSeen.SeenBy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhrasesTest {

    @Test
    void aCuffsReadingIsConfirmedAsABloodPressureOnceWhateverElseItHolds() {
        Utterance u = Phrases.measured(List.of("8867-4", "8480-6", "8462-4"));
        assertThat(u.text()).isEqualTo("Blodtrycket är registrerat");
        assertThat(u.kind()).isEqualTo(Utterance.Kind.CONFIRMATION);
    }

    @Test
    void eachHomeMeasurementHasItsOwnSentence() {
        assertThat(Phrases.measured(List.of("29463-7")).text()).isEqualTo("Vikten är registrerad");
        assertThat(Phrases.measured(List.of("59408-5", "8867-4")).text()).isEqualTo("Syremättnaden är registrerad");
        assertThat(Phrases.measured(List.of("8310-5")).text()).isEqualTo("Temperaturen är registrerad");
        assertThat(Phrases.measured(List.of("15074-8")).text()).isEqualTo("Blodsockret är registrerat");
        assertThat(Phrases.measured(List.of("8867-4")).text()).isEqualTo("Pulsen är registrerad");
        assertThat(Phrases.measured(List.of("718-7")).text()).isEqualTo("Mätningen är registrerad");
    }

    @Test
    void theReminderNamesWhatIsMissing() {
        assertThat(Phrases.reminder(List.of("29463-7")).text()).isEqualTo("Kom ihåg att väga dig i dag");
        assertThat(Phrases.reminder(List.of("8480-6")).text()).isEqualTo("Kom ihåg att mäta blodtrycket i dag");
        assertThat(Phrases.reminder(List.of("8480-6", "29463-7")).text())
                .isEqualTo("Kom ihåg att väga dig och mäta blodtrycket");
        assertThat(Phrases.reminder(List.of("59408-5")).text()).isEqualTo("Kom ihåg dagens mätning");
        assertThat(Phrases.reminder(List.of("29463-7")).kind()).isEqualTo(Utterance.Kind.REMINDER);
    }

    @Test
    void theSeenSentenceSaysWhoTheyAreNeverAName() {
        assertThat(Phrases.seen(SeenBy.NURSE).text()).isEqualTo("Sjuksköterskan har sett ditt larm");
        assertThat(Phrases.seen(SeenBy.DOCTOR).text()).isEqualTo("Läkaren har sett ditt larm");
        assertThat(Phrases.seen(SeenBy.NURSE).kind()).isEqualTo(Utterance.Kind.SEEN);
    }
}
