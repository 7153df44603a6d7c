package io.nara.ingest.homecare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportAlertsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T11:00:00Z");

    @Test
    void theReportersNameEndsEachLanguagesHalf() {
        assertThat(ReportAlerts.reportedBy("Bröstsmärta / Chest pain", "Hanna Lind"))
                .isEqualTo("Bröstsmärta – Rapporterat av hemtjänst: Hanna Lind / Chest pain – Reported by home-care"
                        + " staff: Hanna Lind");
    }

    @Test
    void aSymptomNoRuleReadsIsAWarningAndOneARuleReadsButDidNotRaiseIsInfo() {
        Alert noPlan = ReportAlerts.unjudged("p1", Vocabulary.FALL, 5, Optional.empty(), "Hanna", NOW);
        assertThat(noPlan.severity()).isEqualTo(Severity.WARNING);
        assertThat(noPlan.ruleId()).isEqualTo(ReportAlerts.UNJUDGED_RULE);
        assertThat(noPlan.message()).contains("Har fallit", "Hanna");

        CarePlan template = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
        Alert read = ReportAlerts.unjudged("p1", Vocabulary.FALL, 5, Optional.of(template), "Hanna", NOW);
        assertThat(read.severity()).isEqualTo(Severity.INFO);
        assertThat(read.ruleId()).isEqualTo(ReportAlerts.NOTED_RULE);
    }

    @Test
    void ownWordsAreAWarningWithTheWords() {
        Alert concern = ReportAlerts.concern("p1", " Hon är inte sig själv ", Optional.empty(), "Hanna", NOW);
        assertThat(concern.severity()).isEqualTo(Severity.WARNING);
        assertThat(concern.message()).startsWith("Något är fel: Hon är inte sig själv – Rapporterat av hemtjänst");
    }

    @Test
    void onlyTheVocabularysSymptomsAreTaken() {
        assertThat(ReportAlerts.symptoms(List.of("29857009", "29857009"))).containsExactly(Vocabulary.CHEST_PAIN);
        assertThatThrownBy(() -> ReportAlerts.symptoms(List.of("29463-7")))
                .hasMessageContaining("okänt symtom / unknown symptom: 29463-7");
    }
}
