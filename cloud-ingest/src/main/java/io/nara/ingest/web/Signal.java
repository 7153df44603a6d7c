package io.nara.ingest.web;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;

/**
 * A signal's name as a person reads it on a page, Swedish and English ({@link ClinicalCode#swedish()},
 * {@link ClinicalCode#display()}): the protocol's vocabulary is the one place the names are kept. A code the vocabulary
 * does not know is shown as it is.
 */
public record Signal(String sv, String en) {

    public static Signal of(String code) {
        return Vocabulary.byCode(code)
                .map(c -> new Signal(c.swedish(), c.display()))
                .orElse(new Signal(code, code));
    }
}
