package io.nara.protocol.careplan;

import static io.nara.protocol.Checks.requireFiniteOrNull;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireText;

import io.nara.protocol.message.Severity;
import java.time.Duration;

/**
 * A threshold on one signal: the rule fires when a usable reading of {@code code} is below {@code below} or above
 * {@code above}. Values are in the vocabulary's unit for the code.
 *
 * @param id       stable id within the plan; alerts name it
 * @param code     LOINC code
 * @param below    fires for a value strictly below; null for no lower bound
 * @param above    fires for a value strictly above; null for no upper bound
 * @param severity the alert's severity
 * @param message  the text the nurse sees
 * @param respondFirst  the care team that responds first (a care-team id of the organisation model); null for the
 *                      patient's default team
 * @param escalateAfter how long the alert may stay unacknowledged before it escalates; null for the severity's default
 */
public record ThresholdRule(String id, String code, Double below, Double above, Severity severity, String message,
                            String respondFirst, Duration escalateAfter) {

    public ThresholdRule {
        requireText(id, "rule id");
        requireText(code, "rule " + id + ": code");
        requireFiniteOrNull(below, "rule " + id + ": below");
        requireFiniteOrNull(above, "rule " + id + ": above");
        if (below == null && above == null) {
            throw new IllegalArgumentException("rule " + id + " has neither 'below' nor 'above'");
        }
        if (below != null && above != null && below > above) {
            throw new IllegalArgumentException("rule " + id + ": below " + below + " is greater than above " + above);
        }
        requireNonNull(severity, "rule " + id + ": severity");
        requireText(message, "rule " + id + ": message");
        if (escalateAfter != null && (escalateAfter.isNegative() || escalateAfter.isZero())) {
            throw new IllegalArgumentException("rule " + id + ": escalateAfter must be positive");
        }
    }
}
