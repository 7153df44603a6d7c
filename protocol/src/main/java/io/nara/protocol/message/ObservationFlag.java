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
    /** The device could not tell which user took the reading; held for the nurse to assign. */
    UNATTRIBUTED,
    /** A flag written by a newer version of Nära than the reader knows. Kept, never dropped. */
    @JsonEnumDefaultValue
    UNKNOWN
}
