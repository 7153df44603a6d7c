package io.nara.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.vocabulary.Vocabulary;
import org.junit.jupiter.api.Test;

/** The nurse reads a signal's name, never a bare code, wherever the vocabulary knows the code. */
class SignalTest {

    @Test
    void aKnownCodeIsNamedInSwedishAndEnglish() {
        assertThat(Signal.of("29463-7")).isEqualTo(new Signal("Kroppsvikt", "Body weight"));
        assertThat(Signal.of("8480-6")).isEqualTo(new Signal("Systoliskt blodtryck", "Systolic blood pressure"));
    }

    @Test
    void everyCodeOfTheVocabularyHasASwedishName() {
        assertThat(Vocabulary.all())
                .allSatisfy(c -> assertThat(c.swedish()).as(c.code()).isNotBlank());
    }

    @Test
    void aCodeTheVocabularyDoesNotKnowIsShownAsItIs() {
        // Better the code than a wrong name: a newer hub may send a code this cloud does not know yet.
        assertThat(Signal.of("99999-9")).isEqualTo(new Signal("99999-9", "99999-9"));
    }
}
