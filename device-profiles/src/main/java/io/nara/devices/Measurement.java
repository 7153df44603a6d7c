package io.nara.devices;

import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * One value decoded from a device, before the hub gives it a sequence number and a patient.
 *
 * @param code        what was measured; the value is in {@code code.ucum()}
 * @param value       the value, converted to the vocabulary's unit; null when the measurement failed
 * @param deviceTime  the device's own clock reading (devices send local time without a zone); null when it gave none
 * @param userIndex   the device's user index on shared devices; null when it gave none or "unknown user"
 * @param flags       quality flags
 * @param deviceValue the number exactly as the device sent it, before unit conversion; null for a special value
 *                    (NaN, NRes, ...) or when the device sent no number
 * @param deviceUnit  the unit the device sent {@code deviceValue} in (UCUM where the device's unit has a UCUM
 *                    spelling, else the device's own text)
 */
public record Measurement(
        ClinicalCode code,
        Double value,
        LocalDateTime deviceTime,
        Integer userIndex,
        Set<ObservationFlag> flags,
        Double deviceValue,
        String deviceUnit) {

    public Measurement {
        if (code == null) {
            throw new IllegalArgumentException("code is missing");
        }
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (value == null && !flags.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            throw new IllegalArgumentException("a measurement without a value must be flagged MEASUREMENT_FAILED");
        }
        if (value != null && flags.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            throw new IllegalArgumentException("a measurement flagged MEASUREMENT_FAILED must not have a value");
        }
        if (deviceUnit == null) {
            deviceUnit = code.ucum();
        }
    }

    /** A measurement the device sent in the vocabulary's own unit. */
    public Measurement(
            ClinicalCode code, Double value, LocalDateTime deviceTime, Integer userIndex, Set<ObservationFlag> flags) {
        this(code, value, deviceTime, userIndex, flags, value, code == null ? null : code.ucum());
    }

    /** A measurement with the given flags; a null value adds {@link ObservationFlag#MEASUREMENT_FAILED}. */
    public static Measurement of(
            ClinicalCode code, Double value, LocalDateTime deviceTime, Integer userIndex, Set<ObservationFlag> flags) {
        return converted(code, value, value, code == null ? null : code.ucum(), deviceTime, userIndex, flags);
    }

    /**
     * A measurement whose value was converted from the device's own value and unit; a null value adds
     * {@link ObservationFlag#MEASUREMENT_FAILED}.
     */
    public static Measurement converted(
            ClinicalCode code,
            Double value,
            Double deviceValue,
            String deviceUnit,
            LocalDateTime deviceTime,
            Integer userIndex,
            Set<ObservationFlag> flags) {
        Set<ObservationFlag> all = EnumSet.noneOf(ObservationFlag.class);
        all.addAll(flags);
        if (value == null) {
            all.add(ObservationFlag.MEASUREMENT_FAILED);
        }
        return new Measurement(code, value, deviceTime, userIndex, all, deviceValue, deviceUnit);
    }

    public String unit() {
        return code.ucum();
    }

    public boolean has(ObservationFlag flag) {
        return flags.contains(flag);
    }
}
