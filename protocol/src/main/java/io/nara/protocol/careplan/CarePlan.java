package io.nara.protocol.careplan;

import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireText;

import io.nara.protocol.vocabulary.Vocabulary;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A patient's care plan as the responsible doctor set it: what is worrying for this patient.
 *
 * @param patientId the patient
 * @param version   the plan's version; every alert names the version it was evaluated with
 * @param rules     threshold rules
 */
public record CarePlan(String patientId, String version, List<ThresholdRule> rules) {

    public CarePlan {
        requireText(patientId, "patientId");
        requireText(version, "care plan version");
        requireNonNull(rules, "rules");
        rules = List.copyOf(rules);
        Set<String> ids = new HashSet<>();
        for (ThresholdRule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("care plan for " + patientId + " has two rules with id " + rule.id());
            }
            if (Vocabulary.byLoinc(rule.code()).isEmpty()) {
                throw new IllegalArgumentException("rule " + rule.id() + ": unknown LOINC code " + rule.code());
            }
        }
    }
}
