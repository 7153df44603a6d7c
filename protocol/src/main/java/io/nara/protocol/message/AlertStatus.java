package io.nara.protocol.message;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Where an alert's episode stands. One episode is one RAISED, any number of ESCALATED, at most one RESOLVED. */
public enum AlertStatus {
    /** A new episode: something is wrong. */
    @JsonEnumDefaultValue
    RAISED,
    /** The open episode got worse: the severity is higher than before. */
    ESCALATED,
    /** Back to normal; the episode is closed. Severity INFO; nobody needs to be woken for it. */
    RESOLVED
}
