package io.nara.ingest.fhir;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * One stored reading, as InfluxDB or the push queue holds it: what the FHIR mapping needs.
 *
 * @param value null when the measurement failed; never NaN
 * @param time  the time the reading is about (the device's, else the hub's time of receipt)
 */
public record Reading(
        String hubId,
        String outbox,
        long seq,
        String patientId,
        String deviceId,
        String code,
        Double value,
        String unit,
        Instant time,
        Instant received,
        Set<ObservationFlag> flags) {

    public Reading {
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException("reading " + hubId + "/" + seq + ": value " + value
                    + " is not a number; a failed measurement has no value");
        }
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    public static Reading of(String hubId, String outbox, Observation o) {
        return new Reading(
                hubId,
                outbox,
                o.seq(),
                o.patientId(),
                o.deviceId(),
                o.code(),
                o.value(),
                o.unit(),
                o.time(),
                o.received(),
                o.flags());
    }

    /** A failed measurement: no value, whatever else the store says. */
    public boolean failed() {
        return value == null || flags.contains(ObservationFlag.MEASUREMENT_FAILED);
    }

    /** Whether the reading belongs in a journal: attributed to a patient and the patient's own data. */
    public boolean exportable() {
        return patientId != null
                && !flags.contains(ObservationFlag.UNATTRIBUTED)
                && !flags.contains(ObservationFlag.NOT_PATIENT_DATA);
    }

    /** Parses the comma-separated flag names InfluxDB and the push queue keep; a name this version lacks is UNKNOWN. */
    public static Set<ObservationFlag> flags(String names) {
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if (names == null || names.isBlank()) {
            return flags;
        }
        for (String name : names.split(",")) {
            try {
                flags.add(ObservationFlag.valueOf(name.trim()));
            } catch (IllegalArgumentException e) {
                flags.add(ObservationFlag.UNKNOWN);
            }
        }
        return flags;
    }
}
