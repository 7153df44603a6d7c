package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A device bound to the patient has sent nothing for {@code silentFor} although its hub is online (a flat battery, a
 * lost bond, a scale in a cupboard). Cloud-side; resolves with the device's next reading.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SilentDeviceRule(
        String id,
        Duration silentFor,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public SilentDeviceRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.duration(p, id, "silentFor", silentFor, Duration.ofHours(1), Duration.ofDays(60));
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
