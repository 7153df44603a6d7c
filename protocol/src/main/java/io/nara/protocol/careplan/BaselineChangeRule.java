package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A rise against the patient's own baseline (NT-proBNP &gt; 50 %, creatinine &gt; 30 %): holds when the newest usable
 * reading is more than {@code risePercent} above the baseline. The baseline is the value the doctor wrote in the plan
 * ({@code baseline}); without one, the lowest usable reading in the {@code baselineWindow} (default 90 days) before the
 * newest, so the rule works from the second sample on and never compares with a worse value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BaselineChangeRule(
        String id,
        String code,
        Double risePercent,
        Double baseline,
        Duration baselineWindow,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    public static final Duration DEFAULT_BASELINE_WINDOW = Duration.ofDays(90);

    @JsonCreator
    public BaselineChangeRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.code(p, "code", id, code);
        RuleChecks.positive(p, id, "risePercent", risePercent);
        if (baseline != null) {
            RuleChecks.positive(p, id, "baseline", baseline);
        }
        if (baselineWindow != null) {
            RuleChecks.duration(p, id, "baselineWindow", baselineWindow, Duration.ofDays(1), Duration.ofDays(365));
        }
        p.throwIfAny();
    }

    public Duration effectiveBaselineWindow() {
        return baselineWindow == null ? DEFAULT_BASELINE_WINDOW : baselineWindow;
    }

    @Override
    public List<String> codes() {
        return List.of(code);
    }

    @Override
    public Where where() {
        return Where.HUB;
    }
}
