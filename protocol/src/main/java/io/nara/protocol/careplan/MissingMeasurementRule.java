package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;

/**
 * A measurement that did not come: either none of {@code code} by {@code by} (local time of the plan's zone) on a day,
 * or no reading of {@code code} (null: of anything) for {@code silentFor}. Exactly one of {@code by} and
 * {@code silentFor}. Evaluated in the cloud, which sees a silent home; resolves with the next reading.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MissingMeasurementRule(
        String id,
        String code,
        LocalTime by,
        Duration silentFor,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public MissingMeasurementRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        if (code != null) {
            RuleChecks.code(p, "code", id, code);
        }
        if ((by == null) == (silentFor == null)) {
            p.add(
                    "by",
                    "rule " + id + ": give exactly one of 'by' (a time of day, e.g. "
                            + "\"11:00\") and 'silentFor' (e.g. \"PT48H\")");
        }
        if (by != null && code == null) {
            p.add("code", "rule " + id + ": 'by' needs the code of the measurement expected");
        }
        if (silentFor != null) {
            RuleChecks.duration(p, id, "silentFor", silentFor, Duration.ofHours(1), Duration.ofDays(30));
        }
        p.throwIfAny();
    }

    @Override
    public List<String> codes() {
        return code == null ? List.of() : List.of(code);
    }

    @Override
    public Where where() {
        return Where.CLOUD;
    }
}
