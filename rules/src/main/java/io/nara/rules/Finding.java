package io.nara.rules;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Severity;
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
 */
public record Finding(String patientId, String ruleId, Severity severity, String code, Double value, String unit,
                      String message, long observationSeq, String carePlanVersion) {

    public Alert toAlert(long seq, Instant raisedAt) {
        return new Alert(seq, patientId, ruleId, severity, code, value, unit, message, raisedAt, observationSeq,
                carePlanVersion);
    }
}
