package io.nara.rules;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a plan's threshold rules against one observation, without memory: every breaking reading is a finding.
 * The hub uses {@link io.nara.rules.episode.CarePlanEngine}, which adds the other rule kinds and episodes; this stays
 * for callers that want the bare comparison.
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
        for (var any : plan.rules()) {
            if (!(any instanceof ThresholdRule rule) || !rule.code().equals(observation.code())) {
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
