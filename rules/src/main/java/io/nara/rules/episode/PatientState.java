package io.nara.rules.episode;

import java.util.Map;

/** What the rules remember of one patient between readings: the history and the open episodes by key. */
public record PatientState(ReadingHistory history, Map<String, Episode> open) {

    public PatientState {
        open = Map.copyOf(open);
    }

    public static PatientState empty() {
        return new PatientState(ReadingHistory.empty(), Map.of());
    }
}
