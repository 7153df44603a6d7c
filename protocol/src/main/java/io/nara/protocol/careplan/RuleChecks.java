package io.nara.protocol.careplan;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireFiniteOrNull;
import static io.nara.protocol.Checks.requireText;

import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;

/** Checks shared by the rule kinds. Every message names the rule, because a doctor reads them. */
final class RuleChecks {

    private RuleChecks() {
    }

    static void common(String id, Severity severity, String message, String respondFirst, Duration escalateAfter,
                       String episode) {
        requireText(id, "rule id");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("rule id '" + id
                    + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (severity == null) {
            throw new IllegalArgumentException("rule " + id + ": severity is missing (INFO, WARNING or URGENT)");
        }
        requireText(message, "rule " + id + ": message");
        optionalText(respondFirst, "rule " + id + ": respondFirst");
        optionalText(episode, "rule " + id + ": episode");
        if (episode != null && !episode.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("rule " + id + ": episode '" + episode
                    + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (escalateAfter != null && (escalateAfter.isNegative() || escalateAfter.isZero())) {
            throw new IllegalArgumentException("rule " + id + ": escalateAfter must be positive, was " + escalateAfter);
        }
    }

    static ClinicalCode code(String id, String code) {
        requireText(code, "rule " + id + ": code");
        return Vocabulary.byLoinc(code).orElseThrow(() -> new IllegalArgumentException(
                "rule " + id + ": unknown LOINC code " + code + " (see the vocabulary for the codes Nära knows)"));
    }

    /** A bound pair where at least one is given and below does not exceed above. */
    static void bounds(String id, Double below, Double above) {
        requireFiniteOrNull(below, "rule " + id + ": below");
        requireFiniteOrNull(above, "rule " + id + ": above");
        if (below == null && above == null) {
            throw new IllegalArgumentException("rule " + id + " has neither 'below' nor 'above'");
        }
        if (below != null && above != null && below > above) {
            throw new IllegalArgumentException("rule " + id + ": below " + below + " is greater than above " + above);
        }
    }

    static Duration duration(String id, String field, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " is missing");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " must be between " + min + " and " + max
                    + ", was " + value);
        }
        return value;
    }

    static double positive(String id, String field, Double value) {
        if (value == null) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " is missing");
        }
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " must be a positive number, was " + value);
        }
        return value;
    }

    static boolean breaks(double value, Double below, Double above) {
        return (below != null && value < below) || (above != null && value > above);
    }
}
