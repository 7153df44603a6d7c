package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Several signals together (systolic &lt; 90 and heart rate &gt; 100): holds when the newest usable reading of every
 * condition's code breaks its condition and all of them were taken within {@code within} of each other (default 30
 * minutes: one cuff measurement gives pressure and pulse at the same instant).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CombinationRule(
        String id,
        List<Condition> conditions,
        Duration within,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    public static final Duration DEFAULT_WITHIN = Duration.ofMinutes(30);

    /** One part of a combination: a code and its bounds, as in a threshold. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Condition(String code, Double below, Double above) {
        public boolean breaks(double value) {
            return RuleChecks.breaks(value, below, above);
        }
    }

    @JsonCreator
    public CombinationRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        if (conditions == null || conditions.size() < 2) {
            p.add("conditions", "rule " + id + ": a combination needs at least two conditions");
        }
        List<Condition> given = conditions == null ? List.of() : conditions;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            Condition c = given.get(i);
            String at = "conditions[" + i + "].";
            if (c == null) {
                p.add("conditions[" + i + "]", "rule " + id + ": condition " + i + " is empty");
                continue;
            }
            RuleChecks.code(p, at + "code", id, c.code());
            RuleChecks.bounds(p, at, id, c.below(), c.above());
            if (c.code() != null && !seen.add(c.code())) {
                p.add(at + "code", "rule " + id + ": code " + c.code() + " appears in two conditions");
            }
        }
        if (within != null) {
            RuleChecks.duration(p, id, "within", within, Duration.ofSeconds(1), Duration.ofDays(1));
        }
        p.throwIfAny();
        conditions = List.copyOf(given);
    }

    public Duration effectiveWithin() {
        return within == null ? DEFAULT_WITHIN : within;
    }

    @Override
    public List<String> codes() {
        List<String> codes = new ArrayList<>(conditions.size());
        conditions.forEach(c -> codes.add(c.code()));
        return codes;
    }

    @Override
    public Where where() {
        return Where.HUB;
    }
}
