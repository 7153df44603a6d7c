package io.nara.rules;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;

/**
 * A care-plan rule that an observation broke: an alert before it has a sequence number.
 *
 * @param patientId       the patient
 * @param ruleId          the rule
 * @param severity        how urgent
 * @param code            LOINC code of the reading
 * @param value           the reading's value
 * @param unit            its UCUM unit
 * @param message         the text the nurse sees
 * @param observationSeq  seq of the observation
 * @param carePlanVersion the plan version the rule came from
 * @param respondFirst    the team the rule names to respond first, or null
 * @param escalateAfter   the rule's escalation time, or null
 */
public record Finding(String patientId, String ruleId, Severity severity, String code, Double value, String unit,
                      String message, long observationSeq, String carePlanVersion, String respondFirst,
                      Duration escalateAfter) {

    public Alert toAlert(long seq, Instant raisedAt) {
        return new Alert(seq, patientId, ruleId, severity, code, value, unit, message, raisedAt, observationSeq,
                carePlanVersion, respondFirst, escalateAfter);
    }
}
