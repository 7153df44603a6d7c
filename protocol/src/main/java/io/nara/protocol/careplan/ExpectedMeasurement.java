package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.LocalTime;

/**
 * A measurement the patient is asked to take: which, how often, and by what time of day. Shown to the nurse and used
 * for adherence figures; a {@link MissingMeasurementRule} with {@code by} says when its absence becomes an alert.
 *
 * @param code  LOINC code
 * @param every how often (P1D daily)
 * @param by    by what local time; null when any time of day will do
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExpectedMeasurement(String code, Duration every, LocalTime by) {

    @JsonCreator
    public ExpectedMeasurement {
        Problems p = new Problems();
        if (code == null || Vocabulary.byCode(code).isEmpty()) {
            p.add("code", "expected measurement: unknown LOINC code " + code);
        }
        if (every == null || every.compareTo(Duration.ofHours(1)) < 0 || every.compareTo(Duration.ofDays(90)) > 0) {
            p.add("every", "expected measurement " + code + ": 'every' must be between PT1H and P90D, was " + every);
        }
        p.throwIfAny();
    }
}
