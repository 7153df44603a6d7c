package io.nara.rules;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.Map;

/**
 * What a human body can produce. A value outside is a measurement problem (a child on the scale, a cuff on the
 * table), flagged implausible and kept, never an alert.
 */
public final class Plausibility {

    private record Range(double min, double max) {}

    private static final Map<String, Range> RANGES = Map.of(
            Vocabulary.BODY_WEIGHT.code(), new Range(10, 350),
            Vocabulary.SYSTOLIC.code(), new Range(40, 300),
            Vocabulary.DIASTOLIC.code(), new Range(20, 200),
            Vocabulary.MEAN_ARTERIAL_PRESSURE.code(), new Range(25, 250),
            Vocabulary.HEART_RATE.code(), new Range(20, 300),
            Vocabulary.SPO2.code(), new Range(50, 100),
            Vocabulary.BODY_TEMPERATURE.code(), new Range(25, 45));

    private Plausibility() {}

    /**
     * True when the value could come from a living patient; codes without a known range are always plausible. A
     * symptom is present (1) or absent (0), nothing in between.
     */
    public static boolean isPlausible(ClinicalCode code, double value) {
        if (code.symptom()) {
            return value == 0 || value == 1;
        }
        Range range = RANGES.get(code.code());
        return range == null || (value >= range.min() && value <= range.max());
    }
}
