package io.nara.ingest.homecare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelegationTest {

    private static JsonObject request() {
        return new JsonObject()
                .put("task", "Väg patienten måndag och torsdag")
                .put("toPersonId", "hanna")
                .put("weekdays", new JsonArray().add(4).add(1))
                .put("from", "2026-11-23")
                .put("to", "2026-12-31");
    }

    @Test
    void aDelegationIsDueOnItsWeekdaysWhileInForce() {
        Delegation d = Delegation.parse(request());
        assertThat(d.weekdays()).containsExactly(1, 4);
        assertThat(d.dueOn(LocalDate.of(2026, 11, 23))).as("a Monday").isTrue();
        assertThat(d.dueOn(LocalDate.of(2026, 11, 24))).as("a Tuesday").isFalse();
        assertThat(d.dueOn(LocalDate.of(2026, 11, 26))).as("a Thursday").isTrue();
        assertThat(d.dueOn(LocalDate.of(2027, 1, 4)))
                .as("a Monday after its end")
                .isFalse();
        assertThat(Delegation.parse(request().put("weekdays", new JsonArray())).dueOn(LocalDate.of(2026, 11, 24)))
                .as("no weekdays: every day")
                .isTrue();
    }

    @Test
    void aTaskMayNameWhatHomeCareMeasures() {
        assertThat(Delegation.parse(request()).code()).isNull();
        assertThat(Delegation.parse(request().put("code", " ")).code()).isNull();
        assertThat(Delegation.parse(request().put("code", Vocabulary.BODY_WEIGHT.code()))
                        .code())
                .isEqualTo(Vocabulary.BODY_WEIGHT.code());
    }

    @Test
    void whatSwedishPracticeRequiresIsRefusedByName() {
        List.of(
                        List.of(request().put("to", (String) null), "'to'"),
                        List.of(request().put("to", "2027-11-25"), "högst ett år"),
                        List.of(request().put("to", "2026-11-01"), "före startdatum"),
                        List.of(request().put("toTeamId", "homecare-north"), "inte båda"),
                        List.of(request().put("toPersonId", (String) null), "en person eller ett team"),
                        List.of(request().put("task", " "), "uppgiften saknas"),
                        List.of(request().put("weekdays", new JsonArray().add(8)), "1-7"),
                        List.of(request().put("from", "24/11/2026"), "ogiltigt datum"),
                        List.of(request().put("code", "no-such-code"), "okänd mätning"),
                        List.of(request().put("code", Vocabulary.NT_PRO_BNP.code()), "okänd mätning"))
                .forEach(c -> assertThatThrownBy(() -> Delegation.parse((JsonObject) c.get(0)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining((String) c.get(1)));
    }
}
