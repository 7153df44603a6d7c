package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The weeks after a hospital discharge, when the risk is highest (18 % of unplanned readmissions come within three
 * days): from {@code start} for {@code days} days (default 30) the period's rules apply, replacing ordinary rules with
 * the same id.
 */
public record PostDischarge(LocalDate start, Integer days, List<Rule> rules) {

    public static final int DEFAULT_DAYS = 30;

    @JsonCreator
    public PostDischarge {
        Problems p = new Problems();
        if (start == null) {
            p.add("start", "postDischarge: start (the discharge date, e.g. \"2026-11-20\") is missing");
        }
        if (days == null) {
            days = DEFAULT_DAYS;
        }
        if (days < 1 || days > 365) {
            p.add("days", "postDischarge: days must be 1-365, was " + days);
        }
        p.throwIfAny();
        // An empty entry is kept for CarePlan to report with its place (List.copyOf would throw without one).
        rules = rules == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(rules));
    }

    /** The discharge day counts as day 1. */
    public boolean covers(Instant at, ZoneId zone) {
        LocalDate day = at.atZone(zone).toLocalDate();
        return !day.isBefore(start) && day.isBefore(start.plusDays(days));
    }
}
