package io.nara.devices;

import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * One value decoded from a device, before the hub gives it a sequence number and a patient.
 *
 * @param code       what was measured; the value is in {@code code.ucum()}
 * @param value      the value, converted to the vocabulary's unit; null when the device reported a failed measurement
 * @param deviceTime the device's own clock reading (devices send local time without a zone); null when it gave none
 * @param userIndex  the device's user index on shared devices; null when it gave none or "unknown user"
 * @param flags      quality flags
 */
public record Measurement(ClinicalCode code, Double value, LocalDateTime deviceTime, Integer userIndex,
                          Set<ObservationFlag> flags) {

    public Measurement {
        if (code == null) {
            throw new IllegalArgumentException("code is missing");
        }
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (value == null && !flags.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            throw new IllegalArgumentException("a measurement without a value must be flagged MEASUREMENT_FAILED");
        }
    }

    /** A measurement with the given flags; a null value adds {@link ObservationFlag#MEASUREMENT_FAILED}. */
    public static Measurement of(ClinicalCode code, Double value, LocalDateTime deviceTime, Integer userIndex,
                                 Set<ObservationFlag> flags) {
        Set<ObservationFlag> all = EnumSet.noneOf(ObservationFlag.class);
        all.addAll(flags);
        if (value == null) {
            all.add(ObservationFlag.MEASUREMENT_FAILED);
        }
        return new Measurement(code, value, deviceTime, userIndex, all);
    }

    public String unit() {
        return code.ucum();
    }
}
