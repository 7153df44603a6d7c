package io.nara.protocol;

import java.util.Collection;

/** Argument checks shared by the message records; each failure names the field and the problem. */
public final class Checks {

    private Checks() {
    }

    public static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.length() > Limits.MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + Limits.MAX_TEXT_LENGTH + " characters");
        }
        return value;
    }

    /** An outbox id: the UUID a hub's outbox got when it was created. */
    public static String requireOutboxId(String value) {
        requireText(value, "outbox");
        try {
            java.util.UUID.fromString(value);
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
            throw new IllegalArgumentException(field + " holds " + items.size() + " items, at most " + max + " allowed");
        }
        return items;
    }
}
