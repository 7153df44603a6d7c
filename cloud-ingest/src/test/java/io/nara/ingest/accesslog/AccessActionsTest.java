package io.nara.ingest.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessActionsTest {

    @Test
    void aKnownActionReadsAsWordsInBothLanguages() {
        assertThat(AccessActions.of("alerts.stream"))
                .isEqualTo(
                        new AccessActions.Words("Fick larm direkt i larmlistan", "Received alerts live in the inbox"));
        assertThat(AccessActions.of("patient.trends").sv()).isEqualTo("Läste trender");
    }

    @Test
    void anUnknownActionIsShownAsOtherWithItsCodeNotHidden() {
        assertThat(AccessActions.of("handover.new"))
                .isEqualTo(new AccessActions.Words("Annan åtgärd (handover.new)", "Other action (handover.new)"));
    }

    @Test
    void aNameSearchMatchesTheTextAsItIsNotAsAPattern() {
        assertThat(AccessLogSearch.contains("Sara")).isEqualTo("%Sara%");
        assertThat(AccessLogSearch.contains("50%_a\\b")).isEqualTo("%50\\%\\_a\\\\b%");
    }

    @Test
    void teamIdsInADetailReadAsTheTeamsNamesWholeIdsOnly() {
        Map<String, String> teams = Map.of("home-north", "Hemsjukvård Norr", "home", "Hem $1");
        assertThat(AccessLogSearch.withTeamNames("team=home-north filter=OVERDUE", teams))
                .isEqualTo("team=Hemsjukvård Norr filter=OVERDUE");
        assertThat(AccessLogSearch.withTeamNames("teams=[home, home-northern]", teams))
                .isEqualTo("teams=[Hem $1, home-northern]");
        assertThat(AccessLogSearch.withTeamNames(null, teams)).isNull();
    }
}
