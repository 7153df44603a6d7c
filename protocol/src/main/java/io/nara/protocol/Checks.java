package io.nara.protocol;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

/** Argument checks shared by the message records; each failure names the field and the problem. */
public final class Checks {

    private Checks() {}

    /**
     * A name or identifier: present, not too long, and without control characters (a NUL, refused by PostgreSQL, must
     * be a refusal of the message that carries it, never a database error).
     */
    public static String requireText(String value, String field) {
        return requireText(value, field, false);
    }

    /** A free text (an alert's message): like {@link #requireText}, but line breaks and tabs are allowed. */
    public static void requireFreeText(String value, String field) {
        requireText(value, field, true);
    }

    private static String requireText(String value, String field, boolean lines) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.length() > Limits.MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + Limits.MAX_TEXT_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isISOControl(ch) && !(lines && (ch == '\n' || ch == '\t' || ch == '\r'))) {
                throw new IllegalArgumentException(field + " holds the control character U+"
                        + String.format("%04X", (int) ch) + " at position " + i);
            }
        }
        return value;
    }

    /**
     * A time the stores can keep: from {@link Limits#EARLIEST_TIME} (or {@link Limits#EARLIEST_CLOCK} for a hub's
     * own clock, which may read 1970 before it is synchronised) up to {@link Limits#LATEST_TIME}. An absurd year
     * would overflow InfluxDB's nanosecond time (9999-12-31 became 1816) or throw while it is written.
     */
    public static void requireStorableTime(Instant value, String field, Instant earliest) {
        if (value != null && (value.isBefore(earliest) || !value.isBefore(Limits.LATEST_TIME))) {
            throw new IllegalArgumentException(field + " " + value + " is outside the times Nära keeps (" + earliest
                    + " to " + Limits.LATEST_TIME + ")");
        }
    }

    /**
     * A reading's or alert's time as the receiver sees it: not later than its own clock plus
     * {@link Limits#FUTURE_TOLERANCE} (a device or hub clock ahead would keep "latest reading" in the future and hide
     * the signal going quiet). For the receiver's check with its clock; the records check only
     * {@link #requireStorableTime}, so decoding stays independent of the clock.
     */
    public static Instant requireNotFuture(Instant value, String field, Instant now) {
        if (value != null && value.isAfter(now.plus(Limits.FUTURE_TOLERANCE))) {
            throw new IllegalArgumentException(field + " " + value + " lies in the future (now " + now + ", tolerance "
                    + Limits.FUTURE_TOLERANCE + ")");
        }
        return value;
    }

    /** An outbox id: the UUID a hub's outbox got when it was created. */
    public static String requireOutboxId(String value) {
        requireText(value, "outbox");
        try {
            UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outbox '" + value + "' is not a UUID");
        }
        return value;
    }

    public static String optionalText(String value, String field) {
        return value == null ? null : requireText(value, field);
    }

    public static <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    public static long requirePositive(long value, String field) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, was " + value);
        }
        return value;
    }

    public static Double requireFiniteOrNull(Double value, String field) {
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number or null, was " + value);
        }
        return value;
    }

    public static <T extends Collection<?>> T requireAtMost(T items, int max, String field) {
        if (items.size() > max) {
            throw new IllegalArgumentException(
                    field + " holds " + items.size() + " items, at most " + max + " allowed");
        }
        return items;
    }
}
