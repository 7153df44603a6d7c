package io.nara.ingest.relative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.web.Refused;
import io.nara.protocol.Limits;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RelativeAlarmRequestTest {

    @Test
    void theTextIsOptionalAndKeptStripped() {
        assertThat(RelativeAlarm.Request.parse(new JsonObject()).text()).isNull();
        assertThat(RelativeAlarm.Request.parse(new JsonObject().put("text", "   "))
                        .text())
                .isNull();
        assertThat(RelativeAlarm.Request.parse(new JsonObject().put("text", " Hon svarar inte i telefon\n"))
                        .text())
                .isEqualTo("Hon svarar inte i telefon");
    }

    @Test
    void aTextThatIsNotOneIsTooLongOrHoldsControlCharactersIsRefusedNamingIt() {
        assertThatThrownBy(() -> RelativeAlarm.Request.parse(new JsonObject().put("text", 12)))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("text must be a string");
        assertThatThrownBy(() -> RelativeAlarm.Request.parse(
                        new JsonObject().put("text", "x".repeat(RelativeAlarm.MAX_TEXT + 1))))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("longer than 300 characters (301)");
        assertThatThrownBy(() -> RelativeAlarm.Request.parse(new JsonObject().put("text", "ring\u0000mig")))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("control character at position 4");
        assertThat(RelativeAlarm.Request.parse(new JsonObject().put("text", "rad ett\nrad två"))
                        .text())
                .isEqualTo("rad ett\nrad två");
    }

    @Test
    void theAlertNamesTheRelativeAndHoldsTheirWordsInBothLanguagesWithinTheAlertsLimit() {
        assertThat(RelativeAlarm.message("Sara Holm", ": Hon svarar inte"))
                .isEqualTo("Anhörig Sara Holm är orolig för patienten: Hon svarar inte / Relative Sara Holm is worried "
                        + "about the patient: Hon svarar inte");
        String words = ": " + "o".repeat(RelativeAlarm.MAX_TEXT);
        String longName = "N".repeat(300);
        String message = RelativeAlarm.message(longName, words);
        assertThat(message).hasSizeLessThanOrEqualTo(Limits.MAX_TEXT_LENGTH).contains(" / Relative ");
        assertThat(message.substring(0, message.indexOf(" / "))).endsWith(words);
    }
}
