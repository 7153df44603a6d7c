package io.nara.ingest.relative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ConsentsTest {

    @Test
    void aChangeNamesAScopeAndWhetherItIsGiven() {
        assertThat(Consents.Change.parse(new JsonObject().put("scope", "VIEW").put("given", false)))
                .isEqualTo(new Consents.Change(RelativeConsent.Scope.VIEW, false));
        assertThat(Consents.Change.parse(new JsonObject().put("scope", "NOTIFY").put("given", true)))
                .isEqualTo(new Consents.Change(RelativeConsent.Scope.NOTIFY, true));
    }

    @Test
    void aWrongScopeOrAMissingAnswerIsRefusedNamingIt() {
        assertThatThrownBy(() -> Consents.Change.parse(
                        new JsonObject().put("scope", "view").put("given", true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope must be NOTIFY, VIEW or ALARM")
                .hasMessageContaining("'view'");
        assertThatThrownBy(() -> Consents.Change.parse(new JsonObject().put("given", true)))
                .hasMessageContaining("scope")
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> Consents.Change.parse(
                        new JsonObject().put("scope", "VIEW").put("given", "no")))
                .hasMessageContaining("given must be true (give) or false (withdraw), was 'no'");
        assertThatThrownBy(() -> Consents.Change.parse(new JsonObject().put("scope", "VIEW")))
                .hasMessageContaining("given")
                .hasMessageContaining("missing");
    }
}
