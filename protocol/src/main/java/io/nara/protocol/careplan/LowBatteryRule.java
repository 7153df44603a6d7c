package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/** A device of the patient reports a battery below {@code belowPercent} (from the hub's status). Cloud-side. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LowBatteryRule(
        String id,
        Integer belowPercent,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public LowBatteryRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        if (belowPercent == null || belowPercent < 1 || belowPercent > 100) {
            p.add("belowPercent", "rule " + id + ": belowPercent must be 1-100, was " + belowPercent);
        }
        p.throwIfAny();
    }

    @Override
    public List<String> codes() {
        return List.of();
    }

    @Override
    public Where where() {
        return Where.CLOUD;
    }
}
