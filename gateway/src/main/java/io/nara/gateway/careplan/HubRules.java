package io.nara.gateway.careplan;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.rules.CarePlanEvaluator;
import io.nara.rules.episode.AlertEvent;
import java.time.Instant;
import java.util.List;

/** How the hub judges a reading against the patient's plan; called inside the outbox transaction. */
public interface HubRules {

    List<AlertEvent> evaluate(CarePlan plan, Observation observation, Instant now);

    /** Thresholds only and no memory: every breaking reading is an alert. For tests of the pipeline alone. */
    static HubRules stateless() {
        CarePlanEvaluator evaluator = new CarePlanEvaluator();
        return (plan, observation, now) -> evaluator.evaluate(plan, observation).stream()
                .map(f -> new AlertEvent(AlertStatus.RAISED, null, f.patientId(), f.ruleId(), f.severity(), f.code(),
                        f.value(), f.unit(), f.message(), f.observationSeq(), f.carePlanVersion(), f.respondFirst(),
                        f.escalateAfter()))
                .toList();
    }
}
