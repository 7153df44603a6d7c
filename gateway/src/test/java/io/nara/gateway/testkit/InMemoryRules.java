package io.nara.gateway.testkit;

import io.nara.gateway.careplan.HubRules;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.rules.episode.AlertEvent;
import io.nara.rules.episode.CarePlanEngine;
import io.nara.rules.episode.Evaluation;
import io.nara.rules.episode.PatientState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's rules engine with its memory in a map instead of the outbox's database: the same evaluator as the hub's
 * {@code RuleStateStore}, for tests of the pipeline that do not need the memory to survive a restart.
 */
public final class InMemoryRules implements HubRules {

    private final CarePlanEngine engine = new CarePlanEngine();
    private final Map<String, PatientState> states = new HashMap<>();

    @Override
    public synchronized List<AlertEvent> evaluate(CarePlan plan, Observation observation, Instant now) {
        if (observation.patientId() == null || !observation.patientId().equals(plan.patientId())) {
            return List.of();
        }
        Evaluation e =
                engine.evaluate(plan, states.getOrDefault(plan.patientId(), PatientState.empty()), observation, now);
        states.put(plan.patientId(), e.state());
        return e.events();
    }
}
