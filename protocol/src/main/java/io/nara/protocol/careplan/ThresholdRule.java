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
 * <p>For a continuous signal (a pulse oximeter at 1 Hz through the night) a bare threshold would open and close an
 * episode every time the value crosses it, each paging the nurse. {@code sustain} and the recovery fields damp that:
 * the rule starts to hold only when the value has been past the threshold for {@code sustain} without a break, and
 * once it holds it stops only when the value has been back past {@code recoverAt} (hysteresis: for a {@code below}
 * rule at or above it, for an {@code above} rule at or below it) for {@code recoverFor}. A break is a reading on the
 * other side, or no reading for longer than the duration being judged.
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
 * @param sustain       how long the value must stay past the threshold before the rule holds; null for at once
 * @param recoverAt     the value that counts as recovered once the rule holds; null for "no longer past the threshold".
 *                      Needs exactly one of {@code below} and {@code above}, and lies on its healthy side
 * @param recoverFor    how long the value must stay recovered before the rule stops holding; null for at once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThresholdRule(
        String id,
        String code,
        Double below,
        Double above,
        Severity severity,
        String message,
        String respondFirst,
        Duration escalateAfter,
        String episode,
        Duration sustain,
        Double recoverAt,
        Duration recoverFor)
        implements Rule {

    /** The longest {@code sustain} or {@code recoverFor}: longer is a trend, for a change rule. */
    public static final Duration MAX_DAMPING = Duration.ofHours(6);

    @JsonCreator
    public ThresholdRule {
        Problems p = new Problems();
        RuleChecks.common(p, id, severity, message, respondFirst, escalateAfter, episode);
        RuleChecks.code(p, "code", id, code);
        RuleChecks.bounds(p, "", id, below, above);
        if (sustain != null) {
            RuleChecks.duration(p, id, "sustain", sustain, Duration.ZERO, MAX_DAMPING);
        }
        if (recoverFor != null) {
            RuleChecks.duration(p, id, "recoverFor", recoverFor, Duration.ZERO, MAX_DAMPING);
        }
        if (recoverAt != null) {
            if (!Double.isFinite(recoverAt)) {
                p.add("recoverAt", "rule " + id + ": recoverAt must be a finite number, was " + recoverAt);
            } else if ((below == null) == (above == null)) {
                p.add("recoverAt", "rule " + id + ": recoverAt needs exactly one of 'below' and 'above'");
            } else if (below != null && recoverAt < below) {
                p.add("recoverAt", "rule " + id + ": recoverAt " + recoverAt + " must be at or above below " + below);
            } else if (above != null && recoverAt > above) {
                p.add("recoverAt", "rule " + id + ": recoverAt " + recoverAt + " must be at or below above " + above);
            }
        }
        p.throwIfAny();
    }

    public ThresholdRule(
            String id,
            String code,
            Double below,
            Double above,
            Severity severity,
            String message,
            String respondFirst,
            Duration escalateAfter,
            String episode) {
        this(id, code, below, above, severity, message, respondFirst, escalateAfter, episode, null, null, null);
    }

    public ThresholdRule(
            String id,
            String code,
            Double below,
            Double above,
            Severity severity,
            String message,
            String respondFirst,
            Duration escalateAfter) {
        this(id, code, below, above, severity, message, respondFirst, escalateAfter, null);
    }

    public boolean breaks(double value) {
        return RuleChecks.breaks(value, below, above);
    }

    /** Whether {@code value} counts as recovered once the rule holds (see {@code recoverAt}). */
    public boolean recovered(double value) {
        if (recoverAt == null) {
            return !breaks(value);
        }
        return below != null ? value >= recoverAt : value <= recoverAt;
    }

    /** Whether the rule opens and closes with damping rather than on each reading. */
    public boolean damped() {
        return sustain != null || recoverAt != null || recoverFor != null;
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
