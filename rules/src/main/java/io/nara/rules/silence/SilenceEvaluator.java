package io.nara.rules.silence;

import io.nara.protocol.careplan.HubOfflineRule;
import io.nara.protocol.careplan.LowBatteryRule;
import io.nara.protocol.careplan.MissingMeasurementRule;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.careplan.SilentDeviceRule;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud's rules for what a hub cannot report itself: the hub is offline, the patient has not measured, a device
 * is silent or its battery is low. Pure: facts and {@code now} in, the rules that hold out.
 *
 * <p>While the hub is offline, missing measurements and silent devices are not reported: the readings may be
 * waiting in the hub's outbox, and the hub-offline alert already tells the nurse what is known.
 */
public final class SilenceEvaluator {

    /** Used when a plan names no hub-offline rule: a silent home is always a signal. */
    public static final HubOfflineRule DEFAULT_HUB_OFFLINE = new HubOfflineRule(
            "hub-offline",
            Duration.ofMinutes(30),
            Severity.WARNING,
            "Hubben i hemmet är offline / The home hub is offline",
            null,
            null,
            null);

    public List<SilenceFinding> evaluate(SilenceFacts facts, Instant now) {
        List<SilenceFinding> found = new ArrayList<>();
        List<Rule> rules = facts.plan().rulesAt(now);
        boolean hubOffline = false;
        HubOfflineRule offlineRule = rules.stream()
                .filter(HubOfflineRule.class::isInstance)
                .map(HubOfflineRule.class::cast)
                .findFirst()
                .orElse(DEFAULT_HUB_OFFLINE);
        Instant heard = facts.hubLastSeen() == null ? facts.planSince() : facts.hubLastSeen();
        if (heard != null && !now.isBefore(heard.plus(offlineRule.after()))) {
            hubOffline = true;
            found.add(new SilenceFinding(
                    offlineRule,
                    null,
                    heard,
                    "senast hörd / last heard " + heard + (facts.hubOffline() ? ", frånkopplad / disconnected" : "")));
        }
        for (Rule rule : rules) {
            if (rule instanceof MissingMeasurementRule m && !hubOffline) {
                Instant start = m.by() != null ? missedSince(m, facts, now) : silentSince(m, facts, now);
                if (start != null) {
                    found.add(new SilenceFinding(m, null, start, null));
                }
            } else if (rule instanceof SilentDeviceRule s && !hubOffline) {
                for (SilenceFacts.DeviceFacts d : facts.devices()) {
                    Instant last = d.lastReading() == null ? facts.planSince() : d.lastReading();
                    if (last != null && !now.isBefore(last.plus(s.silentFor()))) {
                        found.add(new SilenceFinding(
                                s,
                                d.deviceId(),
                                last.plus(s.silentFor()),
                                d.deviceId() + ", senast / last "
                                        + (d.lastReading() == null ? "aldrig / never" : d.lastReading())));
                    }
                }
            } else if (rule instanceof LowBatteryRule b) {
                for (SilenceFacts.DeviceFacts d : facts.devices()) {
                    if (d.batteryPercent() != null
                            && d.batteryPercent() < b.belowPercent()
                            && d.batterySince() != null) {
                        found.add(new SilenceFinding(
                                b, d.deviceId(), d.batterySince(), d.deviceId() + " " + d.batteryPercent() + " %"));
                    }
                }
            }
        }
        return found;
    }

    /**
     * "No weight by 11:00": the first deadline missed since the last reading, when the newest deadline passed
     * without one. A patient who keeps not measuring stays in one episode; it does not re-raise every morning.
     */
    static Instant missedSince(MissingMeasurementRule m, SilenceFacts facts, Instant now) {
        ZoneId zone = facts.plan().zoneId();
        Instant last = facts.lastReading().get(m.code());
        ZonedDateTime local = now.atZone(zone);
        LocalDate today = local.toLocalDate();
        // The newest deadline that has passed.
        LocalDate day = local.toLocalTime().isBefore(m.by()) ? today.minusDays(1) : today;
        Instant dayStart = day.atStartOfDay(zone).toInstant();
        if (last != null && !last.isBefore(dayStart)) {
            return null; // measured on the day of the newest deadline
        }
        // The first day after the last reading (or after the plan began) whose deadline was missed.
        Instant from = last != null ? last : facts.planSince();
        if (from == null) {
            return null;
        }
        LocalDate first = from.atZone(zone).toLocalDate();
        if (last != null || !from.atZone(zone).toLocalTime().isBefore(m.by())) {
            first = first.plusDays(1); // the day of the last reading was measured; a plan begun after the deadline
        }
        if (first.isAfter(day)) {
            return null;
        }
        return first.atTime(m.by()).atZone(zone).toInstant();
    }

    /** "No readings for 48 h": since the newest reading (of the code, or of anything), or since the plan began. */
    static Instant silentSince(MissingMeasurementRule m, SilenceFacts facts, Instant now) {
        Instant last = null;
        if (m.code() != null) {
            last = facts.lastReading().get(m.code());
        } else {
            for (Instant t : facts.lastReading().values()) {
                last = last == null || t.isAfter(last) ? t : last;
            }
        }
        Instant from = last != null ? last : facts.planSince();
        if (from == null || now.isBefore(from.plus(m.silentFor()))) {
            return null;
        }
        return from.plus(m.silentFor());
    }
}
