package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * Repetition: holds when at least {@code n} of the last {@code of} usable readings of {@code code} break the bounds
 * (systolic above 160 in 3 of the last 5). For signals where one reading is noise but a pattern is not.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepetitionRule(
        String id,
        String code,
        Double below,
        Double above,
        Integer n,
        Integer of,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public RepetitionRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.code(p, "code", id, code);
        RuleChecks.bounds(p, "", id, below, above);
        if (n == null || of == null) {
            p.add(n == null ? "n" : "of", "rule " + id + ": a repetition needs 'n' and 'of' (n of the last 'of')");
        } else if (n < 1 || of < n || of > 50) {
            p.add(n < 1 ? "n" : "of", "rule " + id + ": need 1 <= n <= of <= 50, was " + n + " of " + of);
        }
        p.throwIfAny();
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
