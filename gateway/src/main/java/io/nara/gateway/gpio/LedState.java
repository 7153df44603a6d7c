package io.nara.gateway.gpio;

/**
 * What the one status LED tells the patient, each as a blink pattern of eight quarter seconds that a person tells
 * apart without reading anything.
 */
public enum LedState {
    /** Steady light: all is well. */
    ALL_WELL("11111111"),
    /** Slow blink: no connection to the cloud; readings are kept, but nobody is told of an alert yet. */
    NO_CONNECTION("11110000"),
    /** Fast blink: an alert reached the cloud; the nurse has been told, nobody has said they saw it yet. */
    ALERT_SENT("10101010"),
    /**
     * Long light with a short pause, like a slow heartbeat: a nurse or doctor acknowledged the alert (seen, not just
     * sent). Told apart from the fast blink by its rhythm and from the steady light by its pause.
     */
    SEEN_BY_NURSE("11111100"),
    /** Double blink: a device needs attention (flat battery, lost pairing, not heard from). */
    DEVICE_ATTENTION("10100000"),
    /** One short blink: the hub has no certificate from the cloud yet (no or a wrong enrolment code); the installer acts. */
    WAITING_FOR_ENROLMENT("10000000");

    private final String pattern;

    LedState(String pattern) {
        this.pattern = pattern;
    }

    /** Whether the LED is lit in quarter second {@code tick} (0..7) of the pattern. */
    public boolean lit(int tick) {
        return pattern.charAt(Math.floorMod(tick, pattern.length())) == '1';
    }

    /**
     * The state to show. An alert waiting to be sent wins over "the nurse has been told": a patient who pressed the
     * help button while the hub is offline must see that nobody knows yet (and phone). "Seen by a nurse" wins over
     * "sent" (it says more) but only for alerts stored before it was seen, which the snapshot has already decided.
     */
    public static LedState decide(HubSignals.Snapshot s) {
        if (s.waitingForEnrolment()) {
            return WAITING_FOR_ENROLMENT; // never connected: nothing reaches the cloud, whatever else is going on
        }
        if (!s.connected() && s.alertWaiting()) {
            return NO_CONNECTION;
        }
        if (s.seenByNurse()) {
            return SEEN_BY_NURSE;
        }
        if (s.alertRecentlySent()) {
            return ALERT_SENT;
        }
        if (!s.connected()) {
            return NO_CONNECTION;
        }
        return s.devicesNeedingAttention() > 0 ? DEVICE_ATTENTION : ALL_WELL;
    }
}
