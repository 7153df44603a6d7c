package io.nara.protocol.careplan;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireFiniteOrNull;
import static io.nara.protocol.Checks.requireText;

import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;

/**
 * Checks shared by the rule kinds. Every message names the rule, because a doctor reads them; each adds to the
 * constructor's {@link Problems} under the field it is about.
 */
final class RuleChecks {

    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private RuleChecks() {}

    /** The fields every rule kind has. */
    static void common(
            Problems p,
            String id,
            Severity severity,
            String message,
            String respondFirst,
            Duration escalateAfter,
            String episode) {
        p.check("id", () -> {
            requireText(id, "rule id");
            if (!id.matches(ID_PATTERN)) {
                throw new IllegalArgumentException("rule id '" + id
                        + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
        });
        if (severity == null) {
            p.add("severity", "rule " + id + ": severity is missing (INFO, WARNING or URGENT)");
        }
        p.check("message", () -> requireText(message, "rule " + id + ": message"));
        p.check("respondFirst", () -> optionalText(respondFirst, "rule " + id + ": respondFirst"));
        p.check("episode", () -> {
            optionalText(episode, "rule " + id + ": episode");
            if (episode != null && !episode.matches(ID_PATTERN)) {
                throw new IllegalArgumentException(
                        "rule " + id + ": episode '" + episode + "' must be 1-64 letters, digits, '.', '_' or '-'");
            }
        });
        if (escalateAfter != null && (escalateAfter.isNegative() || escalateAfter.isZero())) {
            p.add("escalateAfter", "rule " + id + ": escalateAfter must be positive, was " + escalateAfter);
        }
    }

    static void code(Problems p, String field, String id, String code) {
        p.check(field, () -> {
            requireText(code, "rule " + id + ": code");
            Vocabulary.byCode(code)
                    .orElseThrow(() -> new IllegalArgumentException("rule " + id + ": unknown LOINC code " + code
                            + " (see the vocabulary for the codes Nära knows)"));
        });
    }

    /** A bound pair where at least one is given and below does not exceed above; fields {@code prefix + below}. */
    static void bounds(Problems p, String prefix, String id, Double below, Double above) {
        p.check(prefix + "below", () -> requireFiniteOrNull(below, "rule " + id + ": below"));
        p.check(prefix + "above", () -> requireFiniteOrNull(above, "rule " + id + ": above"));
        if (below == null && above == null) {
            p.add(prefix + "below", "rule " + id + " has neither 'below' nor 'above'");
        }
        if (below != null && above != null && below > above) {
            p.add(prefix + "above", "rule " + id + ": below " + below + " is greater than above " + above);
        }
    }

    static void duration(Problems p, String id, String field, Duration value, Duration min, Duration max) {
        if (value == null) {
            p.add(field, "rule " + id + ": " + field + " is missing");
        } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            p.add(field, "rule " + id + ": " + field + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    static void positive(Problems p, String id, String field, Double value) {
        if (value == null) {
            p.add(field, "rule " + id + ": " + field + " is missing");
        } else if (!Double.isFinite(value) || value <= 0) {
            p.add(field, "rule " + id + ": " + field + " must be a positive number, was " + value);
        }
    }

    static boolean breaks(double value, Double below, Double above) {
        return (below != null && value < below) || (above != null && value > above);
    }
}
