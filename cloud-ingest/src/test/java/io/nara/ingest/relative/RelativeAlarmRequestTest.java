package io.nara.ingest.relative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.web.Refused;
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
                .hasMessageContaining("longer than 500 characters (501)");
        assertThatThrownBy(() -> RelativeAlarm.Request.parse(new JsonObject().put("text", "ring\u0000mig")))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("control character at position 4");
        assertThat(RelativeAlarm.Request.parse(new JsonObject().put("text", "rad ett\nrad två"))
                        .text())
                .isEqualTo("rad ett\nrad två");
    }
}
