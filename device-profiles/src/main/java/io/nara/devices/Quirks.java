package io.nara.devices;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * The quirks of one device model and the parameters they need.
 *
 * @param active        the quirks this model has
 * @param clockUnsetBefore with {@link Quirk#UNSET_CLOCK_REPORTS_DEFAULT_DATE}: timestamps before this date mean the
 *                         clock was never set; null otherwise
 */
public record Quirks(Set<Quirk> active, LocalDate clockUnsetBefore) {

    /** A standard-conformant device. */
    public static final Quirks NONE = new Quirks(Set.of(), null);

    public Quirks {
        active = active == null || active.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(active));
        if (active.contains(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE) && clockUnsetBefore == null) {
            throw new IllegalArgumentException(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE + " needs clockUnsetBefore");
        }
    }

    public static Quirks of(Quirk... quirks) {
        return new Quirks(quirks.length == 0 ? Set.of() : EnumSet.of(quirks[0], quirks), null);
    }

    public boolean has(Quirk quirk) {
        return active.contains(quirk);
    }

    /** True when a timestamp the device sent is its factory default date rather than a real reading time. */
    public boolean isDefaultDate(LocalDateTime deviceTime) {
        return deviceTime != null
                && has(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE)
                && deviceTime.toLocalDate().isBefore(clockUnsetBefore);
    }
}
