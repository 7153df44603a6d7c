package io.nara.protocol.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The vocabulary's two code systems: measurements in LOINC, symptoms in SNOMED CT, never confused. */
class VocabularyTest {

    @Test
    void aSymptomIsASnomedFindingOfPresenceAndAMeasurementIsLoinc() {
        assertThat(Vocabulary.SYMPTOMS).allSatisfy(s -> {
            assertThat(s.symptom()).as(s.code()).isTrue();
            assertThat(s.system().uri()).isEqualTo("http://snomed.info/sct");
            assertThat(s.ucum()).isEqualTo(Vocabulary.PRESENCE);
            assertThat(Vocabulary.byCode(s.code())).contains(s);
        });
        assertThat(Vocabulary.BODY_WEIGHT.symptom()).isFalse();
        assertThat(Vocabulary.BODY_WEIGHT.system().uri()).isEqualTo("http://loinc.org");
    }

    @Test
    void noSymptomCodeLooksLikeALoincCode() {
        // LOINC codes end in a dash and a check digit; a SNOMED CT concept id is digits only.
        assertThat(Vocabulary.all())
                .allSatisfy(c ->
                        assertThat(c.code().matches("\\d+-\\d")).as(c.code()).isEqualTo(!c.symptom()));
    }
}
