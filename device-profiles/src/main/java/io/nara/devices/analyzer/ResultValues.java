package io.nara.devices.analyzer;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;

/** Turns an analyzer's result text and unit into a measurement in the vocabulary's unit. */
public final class ResultValues {

    private ResultValues() {}

    /**
     * Builds the measurement.
     *
     * @param text  the result as sent: a decimal, optionally prefixed by {@code <} or {@code >} when it is beyond the
     *              measuring range (the value is then the limit, flagged); empty when there is no result
     * @param unit  the device's unit; null or empty means the vocabulary's unit (INR has none)
     * @param flags flags the caller already knows (abnormal, preliminary, failed, not patient data)
     * @throws DecodeException when the text is not a number or the unit is not one Nära knows for the analyte; the
     *                         message names the value or unit
     */
    public static Measurement measurement(
            ClinicalCode code, String text, String unit, LocalDateTime time, Set<ObservationFlag> flags)
            throws DecodeException {
        Set<ObservationFlag> all = EnumSet.noneOf(ObservationFlag.class);
        all.addAll(flags);
        String deviceUnit = unit == null || unit.isBlank() ? code.ucum() : unit.trim();
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || all.contains(ObservationFlag.MEASUREMENT_FAILED)) {
            all.add(ObservationFlag.MEASUREMENT_FAILED);
            return Measurement.converted(code, null, null, deviceUnit, time, null, all);
        }
        if (t.startsWith(">")) {
            all.add(ObservationFlag.ABOVE_MEASURING_RANGE);
            t = t.substring(1).trim();
        } else if (t.startsWith("<")) {
            all.add(ObservationFlag.BELOW_MEASURING_RANGE);
            t = t.substring(1).trim();
        }
        double deviceValue = parse(code, t);
        Double value = Vocabulary.toVocabularyUnit(code, deviceValue, deviceUnit)
                .orElseThrow(() -> new DecodeException("unit '" + deviceUnit + "' is not known for " + code.display()
                        + " (expected " + code.ucum() + " or a known conversion)"));
        return Measurement.converted(code, value, deviceValue, deviceUnit, time, null, all);
    }

    private static double parse(ClinicalCode code, String t) throws DecodeException {
        // BigDecimal accepts only plain decimals: no hex, no "NaN", no "Infinity", no thousands separators.
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?")) {
            throw new DecodeException("result '" + t + "' for " + code.display() + " is not a number");
        }
        double v = new BigDecimal(t).doubleValue();
        if (!Double.isFinite(v)) {
            throw new DecodeException("result '" + t + "' for " + code.display() + " is out of range");
        }
        return v;
    }
}
