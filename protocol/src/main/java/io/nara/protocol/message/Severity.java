package io.nara.protocol.message;

/** How urgent an alert is; also its order in the nurse's inbox. */
public enum Severity {
    INFO,
    WARNING,
    URGENT;

    public boolean isWorseThan(Severity other) {
        return compareTo(other) > 0;
    }
}
