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
            Vocabulary.BODY_WEIGHT.loinc(), new Range(10, 350),
            Vocabulary.SYSTOLIC.loinc(), new Range(40, 300),
            Vocabulary.DIASTOLIC.loinc(), new Range(20, 200),
            Vocabulary.MEAN_ARTERIAL_PRESSURE.loinc(), new Range(25, 250),
            Vocabulary.HEART_RATE.loinc(), new Range(20, 300),
            Vocabulary.SPO2.loinc(), new Range(50, 100),
            Vocabulary.BODY_TEMPERATURE.loinc(), new Range(25, 45));

    private Plausibility() {}

    /** True when the value could come from a living patient; codes without a known range are always plausible. */
    public static boolean isPlausible(ClinicalCode code, double value) {
        Range range = RANGES.get(code.loinc());
        return range == null || (value >= range.min() && value <= range.max());
    }
}
