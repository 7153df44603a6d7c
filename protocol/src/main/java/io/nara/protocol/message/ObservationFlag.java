package io.nara.protocol.message;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * Quality flags of an observation. A flagged observation is kept and shown, but rules treat it with care: a failed or
 * implausible reading never triggers a value rule.
 */
public enum ObservationFlag {
    /** The device reported a special value (NaN, NRes, ±INF) or an unsuccessful measurement: the value is null. */
    MEASUREMENT_FAILED,
    /** Outside what a body can produce (a weight of 0 kg or 400 kg): a measurement problem, not an alert. */
    IMPLAUSIBLE,
    /** The device itself marked the reading as questionable (movement, cuff fit, irregular pulse, ...). */
    QUESTIONABLE,
    /** The device's clock was unset or disagreed with the hub; the time is the hub's time of receipt. */
    DEVICE_CLOCK_UNRELIABLE,
    /** The hub's own clock was not known to be right when it received the reading; re-timed later. */
    HUB_CLOCK_UNSYNCHRONIZED,
    /**
     * Received while the hub's clock was not synchronised, and re-timed from the hub's monotonic clock once it was:
     * the time is right to within the hub's clock drift, but was not read from a synchronised clock.
     */
    HUB_CLOCK_RETIMED,
    /** The device could not tell which user took the reading; held for the nurse to assign. */
    UNATTRIBUTED,
    /** The device detected body movement during the measurement (a finer reason; QUESTIONABLE is set too). */
    BODY_MOVEMENT,
    /** The cuff was too loose or badly placed (a finer reason; QUESTIONABLE is set too). */
    CUFF_FIT,
    /** The device detected an irregular pulse (a finer reason; QUESTIONABLE is set too). */
    IRREGULAR_PULSE,
    /** The pulse rate was outside the device's range during the measurement (QUESTIONABLE is set too). */
    PULSE_RATE_OUT_OF_RANGE,
    /** Improper measurement position, e.g. the cuff not at heart level (QUESTIONABLE is set too). */
    IMPROPER_POSITION,
    /** Weak, erratic or disturbed signal, low perfusion, sensor not in contact (QUESTIONABLE is set too). */
    POOR_SIGNAL,
    /** An early estimate or preliminary result, not the final value (QUESTIONABLE is set too). */
    PRELIMINARY,
    /** Control solution, demonstration, test or quality-control data: not the patient's; rules must ignore it. */
    NOT_PATIENT_DATA,
    /** The true value is above the device's measuring range; the value is the range's upper limit. */
    ABOVE_MEASURING_RANGE,
    /** The true value is below the device's measuring range; the value is the range's lower limit. */
    BELOW_MEASURING_RANGE,
    /** The analyzer flagged the result outside its reference range (H/L); information only, rules decide. */
    ABNORMAL,
    /**
     * One sample of a high-rate stream (a pulse oximeter's PLX Continuous Measurement, about once a second), not a spot
     * reading: the cloud keeps these raw samples only for a configured time and their one-minute rollup for the
     * journal's period. Not a quality flag. A reading without it is a spot reading (as from hubs before the flag).
     */
    CONTINUOUS_SAMPLE,
    /** A flag written by a newer version of Nära than the reader knows. Kept, never dropped. */
    @JsonEnumDefaultValue
    UNKNOWN
}
