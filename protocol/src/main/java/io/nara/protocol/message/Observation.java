package io.nara.protocol.message;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireFiniteOrNull;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requirePositive;
import static io.nara.protocol.Checks.requireStorableTime;
import static io.nara.protocol.Checks.requireText;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.nara.protocol.Limits;
import io.nara.protocol.codec.StrictDouble;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * One clinical reading, as the hub stored it in its outbox.
 *
 * @param seq       the hub's outbox sequence number; with the hub id it identifies the reading everywhere
 * @param patientId the patient, by device binding or user index; null while unattributed
 * @param deviceId  the device that measured
 * @param code      LOINC code
 * @param value     the value in {@code unit}; null if and only if the measurement failed
 * @param unit      UCUM unit
 * @param effective when the device says it measured; null when the device gave no time
 * @param received  when the hub received it
 * @param flags     quality flags
 */
public record Observation(
        long seq,
        String patientId,
        String deviceId,
        String code,
        @JsonDeserialize(using = StrictDouble.class) Double value,
        String unit,
        Instant effective,
        Instant received,
        Set<ObservationFlag> flags) {

    /**
     * The device id prefix of a tablet paired at the hub ({@code tablet-1}): the patient's own symptom answers. The
     * tablet is paired on the hub, not bound by the cloud, so the cloud accepts from it only symptoms of the hub's
     * own patients.
     */
    public static final String TABLET_DEVICE_PREFIX = "tablet-";

    public Observation {
        requirePositive(seq, "seq");
        optionalText(patientId, "patientId");
        requireText(deviceId, "deviceId");
        requireText(code, "code");
        requireFiniteOrNull(value, "value");
        requireText(unit, "unit");
        requireNonNull(received, "received");
        requireStorableTime(effective, "effective", Limits.EARLIEST_TIME);
        requireStorableTime(received, "received", Limits.EARLIEST_CLOCK);
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        // A failed measurement is never a number, and a number is never a failed measurement.
        if (value == null && !flags.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            throw new IllegalArgumentException(
                    "observation " + seq + " has no value but is not flagged MEASUREMENT_FAILED");
        }
        if (value != null && flags.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            throw new IllegalArgumentException("observation " + seq + " is flagged MEASUREMENT_FAILED but has a value");
        }
    }

    /** The time the reading is about: the device's time when it gave one, else the hub's time of receipt. */
    public Instant time() {
        return effective != null ? effective : received;
    }

    public boolean has(ObservationFlag flag) {
        return flags.contains(flag);
    }

    /** True when a value rule may look at this reading. */
    public boolean usableForRules() {
        return value != null && !has(ObservationFlag.IMPLAUSIBLE);
    }

    public Observation withSeq(long newSeq) {
        return new Observation(newSeq, patientId, deviceId, code, value, unit, effective, received, flags);
    }

    /** The same reading with {@code flag} added (itself when it has it already). */
    public Observation withFlag(ObservationFlag flag) {
        if (has(flag)) {
            return this;
        }
        Set<ObservationFlag> more = EnumSet.of(flag);
        more.addAll(flags);
        return new Observation(seq, patientId, deviceId, code, value, unit, effective, received, more);
    }

    /** The same reading attributed to {@code newPatientId}, e.g. an unattributed one a nurse assigned. */
    public Observation withPatient(String newPatientId) {
        return new Observation(seq, newPatientId, deviceId, code, value, unit, effective, received, flags);
    }

    /** Whether the patient answered this on a tablet paired at the hub (see {@link #TABLET_DEVICE_PREFIX}). */
    public boolean answeredOnTablet() {
        return deviceId.startsWith(TABLET_DEVICE_PREFIX); // never null: the constructor requires it
    }
}
