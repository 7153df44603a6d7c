package io.nara.rules.episode;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.Objects;

/**
 * A reading as the rules remember it.
 *
 * @param seq      the hub's sequence number of the observation
 * @param deviceId the device
 * @param code     LOINC code
 * @param value    the value; null for a failed measurement
 * @param unit     UCUM unit
 * @param time     when it was measured (the device's time, else the hub's time of receipt)
 * @param failed   failed or implausible: a device problem, never a clinical signal
 * @param notPatientData control solution or test data: ignored by every rule
 */
public record Reading(
        long seq,
        String deviceId,
        String code,
        Double value,
        String unit,
        Instant time,
        boolean failed,
        boolean notPatientData) {

    public static Reading of(Observation o) {
        return new Reading(
                o.seq(),
                o.deviceId(),
                o.code(),
                o.value(),
                o.unit(),
                o.time(),
                !o.usableForRules(),
                o.has(ObservationFlag.NOT_PATIENT_DATA));
    }

    /** A value rule may look at it. */
    public boolean usable() {
        return !failed && !notPatientData;
    }

    /**
     * Same device, code, time and value: the device sent the same record again. The value counts because device
     * clocks often have only second (or minute) resolution, and a patient may measure again at once.
     */
    public boolean sameRecord(Reading other) {
        // Callers compare only readings of one code at one instant (ReadingHistory keeps them per code and looks at
        // one time), so the code and time checks never decide there: mutants forcing them true are equivalent.
        return code.equals(other.code)
                && deviceId.equals(other.deviceId)
                && time.equals(other.time)
                && Objects.equals(value, other.value);
    }
}
