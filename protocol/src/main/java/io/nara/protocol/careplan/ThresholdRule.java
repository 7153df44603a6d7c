package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A threshold on one signal: the rule holds while the newest usable reading of {@code code} is below {@code below} or
 * above {@code above} (strictly). Values are in the vocabulary's unit for the code.
 *
 * @param id            stable id within the plan; alerts name it
 * @param code          LOINC code
 * @param below         holds for a value strictly below; null for no lower bound
 * @param above         holds for a value strictly above; null for no upper bound
 * @param severity      the alert's severity
 * @param message       the text the nurse sees
 * @param respondFirst  the care team that responds first; null for the patient's default team
 * @param escalateAfter how long the alert may stay unacknowledged before it escalates; null for the severity's default
 * @param episode       shared episode name (see {@link Rule#episode()}); null for the rule's own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThresholdRule(String id, String code, Double below, Double above, Severity severity, String message,
                            String respondFirst, Duration escalateAfter, String episode) implements Rule {

    @JsonCreator
    public ThresholdRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.code(p, "code", id, code);
        RuleChecks.bounds(p, "", id, below, above);
        p.throwIfAny();
    }

    public ThresholdRule(String id, String code, Double below, Double above, Severity severity, String message,
                         String respondFirst, Duration escalateAfter) {
        this(id, code, below, above, severity, message, respondFirst, escalateAfter, null);
    }

    public boolean breaks(double value) {
        return RuleChecks.breaks(value, below, above);
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
