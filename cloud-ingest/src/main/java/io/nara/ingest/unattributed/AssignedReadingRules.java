package io.nara.ingest.unattributed;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.rules.episode.AlertEvent;
import io.nara.rules.episode.CarePlanEngine;
import io.nara.rules.episode.PatientState;
import io.nara.rules.episode.Reading;
import io.nara.rules.episode.ReadingHistory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges a reading a nurse assigned (or home-care staff reported) by the patient's care plan, with the same engine the hub runs, over the patient's
 * history from InfluxDB. Pure.
 *
 * <p>The hub never saw the reading as this patient's, and the cloud does not hold the hub's open episodes, so the
 * engine starts with none: it can only raise. Whether a raised episode is really new (the hub may have one open for
 * that rule) is the caller's to decide against the open alerts. Stale data never acts, as on the hub: a reading older
 * than the plan's {@code staleAfter} is judged by no rule, and the nurse, who is looking at it, decides.
 */
public final class AssignedReadingRules {

    private static final CarePlanEngine ENGINE = new CarePlanEngine();

    private AssignedReadingRules() {}

    /** The codes whose history the plan's rules need to judge a reading of {@code code}. */
    public static Set<String> codesToRead(CarePlan plan, String code) {
        Set<String> codes = new TreeSet<>();
        codes.add(code);
        for (Rule rule : plan.allRules()) {
            if (rule.codes().contains(code)) {
                codes.addAll(rule.codes());
            }
        }
        return codes;
    }

    /** The alerts the reading raises; {@code history} may hold the reading itself (a retried assignment). */
    public static List<AlertEvent> raised(CarePlan plan, List<Observation> history, Observation reading, Instant now) {
        List<Reading> before = history.stream()
                .filter(h -> !(h.seq() == reading.seq() && h.deviceId().equals(reading.deviceId())))
                .map(Reading::of)
                .toList();
        PatientState state = new PatientState(ReadingHistory.of(before), Map.of());
        return ENGINE.evaluate(plan, state, reading, now).events().stream()
                .filter(e -> e.status() == AlertStatus.RAISED)
                .toList();
    }
}
