package io.nara.protocol.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conversion and spelling of the table, each with a value a device could send: a wrong factor turns a normal
 * laboratory value into an alarming one (or hides an alarming one).
 */
class EveryUnitConversionTest {

    static Stream<Arguments> conversions() {
        return Stream.of(
                // code, value, device unit, stored value
                Arguments.of(Vocabulary.BODY_WEIGHT, 81500, "g", 81.5),
                Arguments.of(Vocabulary.BODY_WEIGHT, 180, "lbs", 81.646627),
                Arguments.of(Vocabulary.BODY_HEIGHT, 172, "cm", 1.72),
                Arguments.of(Vocabulary.BODY_HEIGHT, 1720, "mm", 1.72),
                Arguments.of(Vocabulary.BODY_HEIGHT, 70, "in", 1.778),
                Arguments.of(Vocabulary.SYSTOLIC, 16000, "Pa", 120.00985),
                Arguments.of(Vocabulary.SYSTOLIC, 120, "mmHg", 120.0),
                Arguments.of(Vocabulary.BODY_TEMPERATURE, 310.15, "K", 37.0),
                Arguments.of(Vocabulary.BODY_TEMPERATURE, 273.15, "K", 0.0),
                Arguments.of(Vocabulary.BODY_TEMPERATURE, 98.6, "°F", 37.0),
                Arguments.of(Vocabulary.BODY_TEMPERATURE, 37.2, "°C", 37.2),
                Arguments.of(Vocabulary.HEART_RATE, 72, "bpm", 72.0),
                Arguments.of(Vocabulary.HEART_RATE, 72, "{beats}/min", 72.0),
                Arguments.of(Vocabulary.SPO2, 97, "%", 97.0),
                Arguments.of(Vocabulary.CREATININE, 12, "mg/L", 106.104),
                Arguments.of(Vocabulary.GLUCOSE, 0.0009008, "kg/L", 5.0),
                Arguments.of(Vocabulary.GLUCOSE, 0.0062, "mol/L", 6.2),
                Arguments.of(Vocabulary.NT_PRO_BNP, 1250, "ng/L", 1250.0),
                Arguments.of(Vocabulary.BNP, 420, "ng/L", 420.0),
                Arguments.of(Vocabulary.BNP, 100, "pmol/L", 346.4),
                Arguments.of(Vocabulary.TROPONIN_T, 14, "pg/mL", 14.0),
                Arguments.of(Vocabulary.TROPONIN_T, 0.014, "ng/mL", 14.0),
                Arguments.of(Vocabulary.TROPONIN_T, 0.052, "µg/L", 52.0),
                Arguments.of(Vocabulary.TROPONIN_T_CARDIAC, 50, "pg/mL", 50.0),
                Arguments.of(Vocabulary.TROPONIN_T_CARDIAC, 0.05, "ng/mL", 50.0),
                Arguments.of(Vocabulary.TROPONIN_T_CARDIAC, 0.1, "μg/L", 100.0),
                Arguments.of(Vocabulary.HBA1C, 6.5, "%", 6.5),
                Arguments.of(Vocabulary.INR, 2.4, "INR", 2.4),
                Arguments.of(Vocabulary.POTASSIUM, 4.1, " mmol / l ", 4.1));
    }

    @ParameterizedTest(name = "{1} {2} of {0} is stored as {3}")
    @MethodSource("conversions")
    void convertsIntoTheVocabularyUnit(ClinicalCode code, double value, String unit, double stored) {
        assertThat(Vocabulary.toVocabularyUnit(code, value, unit)).contains(stored);
    }

    @Test
    void haemoglobinIsTheSameWhateverUnitTheAnalyzerUses() {
        // 120 g/L = 12 g/dL = 7.4469 mmol/L (monomer); compared with each other so the stored unit may change.
        double fromGramsPerLitre =
                Vocabulary.toVocabularyUnit(Vocabulary.HEMOGLOBIN, 120, "g/L").orElseThrow();
        double fromGramsPerDecilitre =
                Vocabulary.toVocabularyUnit(Vocabulary.HEMOGLOBIN, 12, "g/dL").orElseThrow();
        double fromMillimoles = Vocabulary.toVocabularyUnit(Vocabulary.HEMOGLOBIN, 12 / 1.6114, "mmol/L")
                .orElseThrow();
        assertThat(fromGramsPerLitre).isEqualTo(fromGramsPerDecilitre);
        assertThat(fromMillimoles).isCloseTo(fromGramsPerDecilitre, Percentage.withPercentage(0.01));
    }

    @Test
    void notANumberAnInfiniteValueOrNoUnitIsNeverConverted() {
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_WEIGHT, Double.NaN, "kg"))
                .isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_WEIGHT, Double.POSITIVE_INFINITY, "kg"))
                .isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_WEIGHT, 80, null))
                .isEmpty();
        // a finite value whose conversion overflows is refused, not stored as infinity
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.GLUCOSE, Double.MAX_VALUE, "kg/L"))
                .isEmpty();
    }

    @Test
    void aUnitOfAnotherAnalyteIsRefusedNotGuessed() {
        // pmol/L converts NT-proBNP and BNP with different molar masses; troponin has none.
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.TROPONIN_T, 10, "pmol/L"))
                .isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.NT_PRO_BNP, 1, "ng/mL"))
                .isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.SODIUM, 140, "mg/dL")).isEmpty();
        assertThat(Vocabulary.toVocabularyUnit(Vocabulary.BODY_WEIGHT, 80, "kPa"))
                .isEmpty();
    }
}
