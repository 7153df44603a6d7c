package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A rise over a window: holds when the newest usable reading of {@code code} is more than {@code rise} above the
 * lowest usable reading in the {@code window} before it (weight gain &gt; 2 kg in 3 days: window P3D, rise 2.0; &gt; 1
 * kg overnight: window P1D, rise 1.0). Against the lowest, not the first: a patient who lost weight and then gained
 * it back quickly is the one the rule is for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WindowChangeRule(
        String id,
        String code,
        Duration window,
        Double rise,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public WindowChangeRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.code(p, "code", id, code);
        RuleChecks.duration(p, id, "window", window, Duration.ofHours(1), Duration.ofDays(90));
        RuleChecks.positive(p, id, "rise", rise);
        p.throwIfAny();
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
