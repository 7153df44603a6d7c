package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A device needs attention: its newest measurement failed (NaN, "unsuccessful") or was implausible, and at least
 * {@code failures} of its last {@code of} measurements did. Failed and implausible readings never trigger a value
 * rule; this is where they count. One measurement is every value a device sent with one timestamp (a cuff's
 * systolic, diastolic and pulse are one attempt). Resolves with the device's next good measurement.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceAttentionRule(
        String id,
        Integer failures,
        Integer of,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public DeviceAttentionRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        if (failures == null || of == null) {
            p.add(failures == null ? "failures" : "of", "rule " + id + ": device-attention needs 'failures' and 'of'");
        } else if (failures < 1 || of < failures || of > 50) {
            p.add(
                    failures < 1 ? "failures" : "of",
                    "rule " + id + ": need 1 <= failures <= of <= 50, was " + failures + " of " + of);
        }
        p.throwIfAny();
    }

    @Override
    public List<String> codes() {
        return List.of();
    }

    @Override
    public Where where() {
        return Where.HUB;
    }
}
