package io.nara.ingest.patient;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The horizontal lines a trend chart draws: the threshold rules of the care plan in force now (in a post-discharge
 * period its rules, which replace ordinary rules of the same id). A rule with both bounds gives two lines. Pure.
 */
public final class Thresholds {

    /** One line: readings {@code bound} (below / above) {@code value} break rule {@code ruleId}. */
    public record Threshold(String ruleId, String bound, double value, Severity severity, String message) {}

    private Thresholds() {}

    /** Per LOINC code, its lines in the order of the plan's rules. */
    public static Map<String, List<Threshold>> byCode(CarePlan plan, Instant now) {
        Map<String, List<Threshold>> lines = new LinkedHashMap<>();
        for (Rule rule : plan.rulesAt(now)) {
            if (rule instanceof ThresholdRule t) {
                List<Threshold> forCode = lines.computeIfAbsent(t.code(), c -> new ArrayList<>());
                if (t.below() != null) {
                    forCode.add(new Threshold(t.id(), "below", t.below(), t.severity(), t.message()));
                }
                if (t.above() != null) {
                    forCode.add(new Threshold(t.id(), "above", t.above(), t.severity(), t.message()));
                }
            }
        }
        return lines;
    }
}
