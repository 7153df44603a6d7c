package io.nara.protocol;

/** Size limits of v1 messages. Both sides enforce them, so a hub can never send what the cloud will refuse. */
public final class Limits {

    /** Largest payload of any message, in bytes. Far below Mosquitto's default limit and small enough for a Pi. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    /** Most observations in one batch; the uplink splits larger backlogs. */
    public static final int MAX_OBSERVATIONS_PER_BATCH = 500;

    /** Most care plans in one config message (a home holds one or two patients; a care home a few more). */
    public static final int MAX_CARE_PLANS_PER_CONFIG = 16;

    /** Longest free text (alert messages, rule texts). */
    public static final int MAX_TEXT_LENGTH = 1000;

    private Limits() {
    }
}
