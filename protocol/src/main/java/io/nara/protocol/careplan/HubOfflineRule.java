package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.util.List;

/**
 * The patient's hub is offline: its last will said so, or nothing came from it for {@code after}. Evaluated in the
 * cloud; resolves when the hub is heard from again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HubOfflineRule(
        String id,
        Duration after,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode)
        implements Rule {

    @JsonCreator
    public HubOfflineRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.duration(p, id, "after", after, Duration.ofSeconds(1), Duration.ofDays(7));
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
