package io.nara.rules;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a patient's care plan against one observation. Pure and stateless, so the hub can run it offline and the
 * cloud can run the same code for signals a hub cannot see.
 */
public final class CarePlanEvaluator {

    /**
     * The rules this observation breaks. A failed or implausible reading breaks no value rule: it is a device problem,
     * not a clinical one.
     */
    public List<Finding> evaluate(CarePlan plan, Observation observation) {
        if (!plan.patientId().equals(observation.patientId()) || !observation.usableForRules()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>(1);
        double value = observation.value();
        for (ThresholdRule rule : plan.rules()) {
            if (!rule.code().equals(observation.code())) {
                continue;
            }
            boolean tooLow = rule.below() != null && value < rule.below();
            boolean tooHigh = rule.above() != null && value > rule.above();
            if (tooLow || tooHigh) {
                findings.add(new Finding(plan.patientId(), rule.id(), rule.severity(), observation.code(), value,
                        observation.unit(), rule.message(), observation.seq(), plan.version(), rule.respondFirst(),
                        rule.escalateAfter()));
            }
        }
        return List.copyOf(findings);
    }
}
