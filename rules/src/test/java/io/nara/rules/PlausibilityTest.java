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
}
