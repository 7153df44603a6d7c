package io.nara.protocol;

import java.time.Duration;
import java.time.Instant;

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

    /** Earliest device time of a reading or alert: a device clock before 2000 was reset, not set. */
    public static final Instant EARLIEST_TIME = Instant.parse("2000-01-01T00:00:00Z");

    /** Earliest hub receipt time: a Pi without a real-time clock reads 1970 until it is synchronised (flagged). */
    public static final Instant EARLIEST_CLOCK = Instant.EPOCH;

    /** First time Nära refuses outright (InfluxDB's nanosecond time ends in 2262). */
    public static final Instant LATEST_TIME = Instant.parse("2200-01-01T00:00:00Z");

    /** How far past the receiver's clock a time may lie (clocks differ by seconds, time zones misread by hours). */
    public static final Duration FUTURE_TOLERANCE = Duration.ofHours(26);

    private Limits() {}
}
