package io.nara.protocol.message;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireFiniteOrNull;
import static io.nara.protocol.Checks.requireFreeText;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requirePositive;
import static io.nara.protocol.Checks.requireStorableTime;
import static io.nara.protocol.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.nara.protocol.Limits;
import io.nara.protocol.codec.StrictDouble;
import java.time.Duration;
import java.time.Instant;

/**
 * An alert raised on the hub by its care plan.
 *
 * @param seq             the hub's outbox sequence number; the cloud stores one alert per hub and seq
 * @param patientId       the patient
 * @param ruleId          the care-plan rule that fired
 * @param severity        how urgent
 * @param code            LOINC code of the reading that triggered it; null for alerts that have none (help button)
 * @param value           the triggering value, in {@code unit}
 * @param unit            UCUM unit of {@code value}
 * @param message         the text the nurse sees
 * @param raisedAt        when the hub raised it
 * @param observationSeq  seq of the observation that triggered it; 0 when none
 * @param carePlanVersion the care-plan version it was evaluated with
 * @param respondFirst    the care team the plan names to respond first; null for the patient's default team
 * @param escalateAfter   how long it may stay unacknowledged before escalating; null for the severity's default
 * @param status          what this message says about its episode: RAISED (new), ESCALATED (worse), RESOLVED (back
 *                        to normal); absent in JSON from hubs before episodes means RAISED
 * @param episode         the episode this alert belongs to, the same for its RAISED, ESCALATED and RESOLVED messages;
 *                        null from hubs before episodes (then every alert is an episode of its own)
 */
public record Alert(
        long seq,
        String patientId,
        String ruleId,
        Severity severity,
        String code,
        @JsonDeserialize(using = StrictDouble.class) Double value,
        String unit,
        String message,
        Instant raisedAt,
        long observationSeq,
        String carePlanVersion,
        String respondFirst,
        Duration escalateAfter,
        AlertStatus status,
        String episode) {

    @JsonCreator
    public Alert {
        requirePositive(seq, "seq");
        requireText(patientId, "patientId");
        requireText(ruleId, "ruleId");
        requireNonNull(severity, "severity");
        optionalText(code, "code");
        requireFiniteOrNull(value, "value");
        optionalText(unit, "unit");
        requireFreeText(message, "message");
        requireNonNull(raisedAt, "raisedAt");
        requireStorableTime(raisedAt, "raisedAt", Limits.EARLIEST_CLOCK);
        if (observationSeq < 0) {
            throw new IllegalArgumentException("observationSeq must not be negative");
        }
        requireText(carePlanVersion, "carePlanVersion");
        optionalText(respondFirst, "respondFirst");
        if (escalateAfter != null && (escalateAfter.isNegative() || escalateAfter.isZero())) {
            throw new IllegalArgumentException("escalateAfter must be positive");
        }
        if (status == null) {
            status = AlertStatus.RAISED;
        }
        optionalText(episode, "episode");
    }

    /** An alert that is an episode of its own, as hubs before episodes raised them. */
    public Alert(
            long seq,
            String patientId,
            String ruleId,
            Severity severity,
            String code,
            Double value,
            String unit,
            String message,
            Instant raisedAt,
            long observationSeq,
            String carePlanVersion,
            String respondFirst,
            Duration escalateAfter) {
        this(
                seq,
                patientId,
                ruleId,
                severity,
                code,
                value,
                unit,
                message,
                raisedAt,
                observationSeq,
                carePlanVersion,
                respondFirst,
                escalateAfter,
                AlertStatus.RAISED,
                null);
    }

    public Alert withSeq(long newSeq) {
        return new Alert(
                newSeq,
                patientId,
                ruleId,
                severity,
                code,
                value,
                unit,
                message,
                raisedAt,
                observationSeq,
                carePlanVersion,
                respondFirst,
                escalateAfter,
                status,
                episode);
    }
}
