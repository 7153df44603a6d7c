package io.nara.ingest.clinic;

import io.nara.ingest.alerting.ActionOutcome;
import io.nara.ingest.alerting.EscalationAction;
import io.nara.ingest.alerting.EscalationAction.Disposition;
import io.nara.ingest.alerting.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation's figures of the actions taken on a team's alerts in a month (decision 0050): actions by kind, the
 * time from the alert to its first action, and the emergency department visits avoided. Pure.
 */
public final class ActionFigures {

    /** One action as the evaluation needs it: its kind, outcome (null: not known) and seconds after the alert. */
    public record Taken(EscalationAction kind, ActionOutcome outcome, long secondsAfterAlert) {}

    /**
     * An alert with its actions in the order taken; {@code outcome} is the resolve outcome (null while unresolved).
     */
    public record AlertActions(long alertId, Outcome outcome, List<Taken> actions) {
        public AlertActions {
            actions = List.copyOf(actions);
        }
    }

    /** A team's month: actions by kind, seconds to each alert's first action, ED visits avoided. */
    public record Count(Map<String, Integer> byKind, List<Long> toFirstActionSeconds, int edVisitsAvoided) {
        public Count {
            byKind = Map.copyOf(byKind);
            toFirstActionSeconds = List.copyOf(toFirstActionSeconds);
        }

        public static Count none() {
            return new Count(Map.of(), List.of(), 0);
        }
    }

    private ActionFigures() {}

    public static Count count(List<AlertActions> alerts) {
        Map<EscalationAction, Integer> byKind = new EnumMap<>(EscalationAction.class);
        List<Long> toFirst = new ArrayList<>();
        int avoided = 0;
        for (AlertActions a : alerts) {
            if (a.actions().isEmpty()) {
                continue;
            }
            for (Taken t : a.actions()) {
                byKind.merge(t.kind(), 1, Integer::sum);
            }
            toFirst.add(Math.max(
                    0,
                    a.actions().stream()
                            .mapToLong(Taken::secondsAfterAlert)
                            .min()
                            .orElseThrow()));
            if (edVisitAvoided(a)) {
                avoided++;
            }
        }
        Map<String, Integer> named = new LinkedHashMap<>();
        byKind.forEach((k, n) -> named.put(k.name(), n));
        return new Count(named, toFirst, avoided);
    }

    /**
     * An emergency department visit avoided: the alert is resolved, nothing on it went to the emergency department
     * (no such action, and not resolved with the outcome {@link Outcome#EMERGENCY_DEPARTMENT}), and at least one of its
     * actions had an outcome that kept the patient at home or admitted her directly to a ward.
     */
    public static boolean edVisitAvoided(AlertActions a) {
        if (a.outcome() == null || a.outcome() == Outcome.EMERGENCY_DEPARTMENT) {
            return false;
        }
        boolean kept = false;
        for (Taken t : a.actions()) {
            Disposition d = t.kind().disposition(t.outcome());
            if (d == Disposition.EMERGENCY_DEPARTMENT) {
                return false;
            }
            kept |= d == Disposition.HOME || d == Disposition.ADMITTED_DIRECTLY;
        }
        return kept;
    }
}
