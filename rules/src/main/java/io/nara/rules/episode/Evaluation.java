package io.nara.rules.episode;

import java.util.List;

/**
 * The outcome of one reading.
 *
 * @param state    the patient's state after it
 * @param events   alerts raised, escalated or resolved, in plan order
 * @param stored   the reading to remember; null for a re-sent record (a duplicate changes nothing)
 * @param changed  episodes opened or escalated (to store)
 * @param closed   keys of episodes resolved (to delete)
 */
public record Evaluation(
        PatientState state, List<AlertEvent> events, Reading stored, List<Episode> changed, List<String> closed) {

    public boolean duplicate() {
        return stored == null;
    }
}
