package io.nara.gateway.voice;

/**
 * One sentence the hub says to the patient.
 *
 * @param text what is said, in Swedish
 * @param kind why: which one gives way when the queue is full
 */
public record Utterance(String text, Kind kind) {

    /** Why the hub speaks. */
    public enum Kind {
        /** A measurement was stored: "Blodtrycket är registrerat". */
        CONFIRMATION,
        /** A scheduled measurement is missing: the first to give way, there will be another. */
        REMINDER,
        /** A nurse or doctor acknowledged the patient's alert: the last to give way. */
        SEEN
    }

    public Utterance {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an utterance needs a text");
        }
        if (kind == null) {
            throw new IllegalArgumentException("an utterance needs a kind");
        }
    }
}
