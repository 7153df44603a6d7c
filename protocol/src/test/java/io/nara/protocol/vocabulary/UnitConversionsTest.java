package io.nara.protocol.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitConversionsTest {

    @Test
    void analyteSpecificConversionsUseMolarMasses() {
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.CREATININE, 1.2, "mg/dL"))
                .contains(106.104);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.CREATININE, 95, "µmol/l"))
                .contains(95.0);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.GLUCOSE, 90.08, "mg/dl"))
                .contains(5.0);
        // Swedish laboratories report haemoglobin in g/L: an analyzer set to g/dL is converted, never stored as 13.5
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.HEMOGLOBIN, 13.5, "g/dL"))
                .contains(135.0);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.HEMOGLOBIN, 135, "g/L"))
                .contains(135.0);
        assertThat(Vocabulary.HEMOGLOBIN.ucum()).isEqualTo("g/L");
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.TROPONIN_T, 0.014, "ng/mL"))
                .contains(14.0);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.NT_PRO_BNP, 100, "pmol/L"))
                .contains(845.7);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.POTASSIUM, 4.1, "mEq/L"))
                .contains(4.1);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.HBA1C, 48, "mmol/mol"))
                .contains(6.54304);
    }

    @Test
    void genericConversionsAndUnknownUnits() {
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_WEIGHT, 180, "lb"))
                .contains(81.646627);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_TEMPERATURE, 98.6, "[degF]"))
                .contains(37.0);
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.SYSTOLIC, 16, "kPa")).contains(120.00985);
        // mg/dL is a glucose unit, not a potassium unit: no silent guess
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.POTASSIUM, 16, "mg/dL"))
                .isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.CREATININE, 1, "furlongs"))
                .isEmpty();
        // A clearance in ml/min is not an eGFR normalised to 1.73 m2 of body surface.
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.EGFR, 55, "ml/min")).isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.EGFR, 55, "mL/min/1.73m2"))
                .contains(55.0);
    }
}
