package io.nara.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.vocabulary.Vocabulary;
import org.junit.jupiter.api.Test;

class PlausibilityTest {

    @Test
    void aScaleReadingOfZeroOrFourHundredKiloIsNotAPatient() {
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, 0)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, 400)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, 81.5)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.SYSTOLIC, 85)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, 101)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.NT_PRO_BNP, 35000)).isTrue();
    }

    @Test
    void theEdgesOfEachRangeArePlausible() {
        // SpO2 100 % is one of the most common readings: calling it implausible would hide every oximeter reading.
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, 100)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, 50)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, 49.9)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, 100.1)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, 10)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, 350)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.SYSTOLIC, 39.9)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.SYSTOLIC, 300.1)).isFalse();
    }

    @Test
    void aSymptomIsPresentOrAbsentAndNothingInBetween() {
        assertThat(Plausibility.isPlausible(Vocabulary.DYSPNOEA, 1)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.DYSPNOEA, 0)).isTrue();
        assertThat(Plausibility.isPlausible(Vocabulary.DYSPNOEA, 0.5)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.FALL, 2)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.FALL, -1)).isFalse();
    }

    @Test
    void notANumberIsNeverPlausible() {
        assertThat(Plausibility.isPlausible(Vocabulary.SPO2, Double.NaN)).isFalse();
        assertThat(Plausibility.isPlausible(Vocabulary.BODY_WEIGHT, Double.NaN)).isFalse();
    }
}
