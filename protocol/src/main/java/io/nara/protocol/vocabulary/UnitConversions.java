package io.nara.protocol.vocabulary;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;

/**
 * Conversions from the units devices send into the unit the vocabulary stores. One table, so a creatinine of
 * 1.2 mg/dL means 106 µmol/L in the hub, the cloud and the FHIR export alike.
 *
 * <p>Analyte-specific factors come from molar masses: creatinine 113.12 g/mol (1 mg/dL = 88.42 µmol/L), glucose
 * 180.16 g/mol (1 mmol/L = 18.016 mg/dL), hemoglobin as monomer 16 114.5 g/mol (1 mmol/L = 16.114 g/L),
 * NT-proBNP 8457 g/mol (1 pmol/L = 8.457 pg/mL), BNP 3464 g/mol (1 pmol/L = 3.464 pg/mL); HbA1c IFCC mmol/mol to
 * NGSP % by the master equation NGSP = 0.09148 x IFCC + 2.152.
 */
final class UnitConversions {

    /** Spellings devices use, after {@link #normalise}, mapped to the UCUM unit they mean. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("kg", "kg"),
            Map.entry("g", "g"),
            Map.entry("lb", "[lb_av]"),
            Map.entry("lbs", "[lb_av]"),
            Map.entry("[lb_av]", "[lb_av]"),
            Map.entry("m", "m"),
            Map.entry("cm", "cm"),
            Map.entry("mm", "mm"),
            Map.entry("in", "[in_i]"),
            Map.entry("[in_i]", "[in_i]"),
            Map.entry("mmhg", "mm[Hg]"),
            Map.entry("mm[hg]", "mm[Hg]"),
            Map.entry("kpa", "kPa"),
            Map.entry("pa", "Pa"),
            Map.entry("/min", "/min"),
            Map.entry("1/min", "/min"),
            Map.entry("bpm", "/min"),
            Map.entry("beat/min", "/min"),
            Map.entry("{beats}/min", "/min"),
            Map.entry("%", "%"),
            Map.entry("/100", "%"),
            Map.entry("%ea", "%"),
            Map.entry("cel", "Cel"),
            Map.entry("°c", "Cel"),
            Map.entry("degc", "Cel"),
            Map.entry("c", "Cel"),
            Map.entry("[degf]", "[degF]"),
            Map.entry("°f", "[degF]"),
            Map.entry("degf", "[degF]"),
            Map.entry("f", "[degF]"),
            Map.entry("k", "K"),
            Map.entry("kg/m2", "kg/m2"),
            Map.entry("mmol/l", "mmol/L"),
            Map.entry("meq/l", "mmol/L"),
            Map.entry("mol/l", "mol/L"),
            Map.entry("umol/l", "umol/L"),
            Map.entry("mg/dl", "mg/dL"),
            Map.entry("mg/l", "mg/L"),
            Map.entry("kg/l", "kg/L"),
            Map.entry("g/dl", "g/dL"),
            Map.entry("g/l", "g/L"),
            Map.entry("pg/ml", "pg/mL"),
            Map.entry("ng/l", "ng/L"),
            Map.entry("ng/ml", "ng/mL"),
            Map.entry("ug/l", "ug/L"),
            Map.entry("pmol/l", "pmol/L"),
            Map.entry("{inr}", "{INR}"),
            Map.entry("inr", "{INR}"),
            Map.entry("{ratio}", "{INR}"),
            Map.entry("ratio", "{INR}"),
            Map.entry("ml/min/{1.73_m2}", "mL/min/{1.73_m2}"),
            Map.entry("ml/min/1.73m2", "mL/min/{1.73_m2}"),
            Map.entry("ml/min/1.73m^2", "mL/min/{1.73_m2}"),
            Map.entry("ml/min/{1.73m2}", "mL/min/{1.73_m2}"),
            // Not "ml/min": that is a clearance not normalised to body surface, a different number than eGFR.
            Map.entry("mmol/mol", "mmol/mol"));

    /** Conversions that hold for every code stored in the target unit. */
    private static final Map<String, DoubleUnaryOperator> GENERIC = Map.ofEntries(
            Map.entry("[lb_av]>kg", v -> v * 0.45359237),
            Map.entry("g>kg", v -> v / 1000),
            Map.entry("cm>m", v -> v / 100),
            Map.entry("mm>m", v -> v / 1000),
            Map.entry("[in_i]>m", v -> v * 0.0254),
            Map.entry("kPa>mm[Hg]", v -> v * 7.500615758),
            Map.entry("Pa>mm[Hg]", v -> v * 0.007500615758),
            Map.entry("[degF]>Cel", v -> (v - 32) * 5 / 9),
            Map.entry("K>Cel", v -> v - 273.15));

    /** Conversions that depend on the analyte, keyed by LOINC and units. */
    private static final Map<String, DoubleUnaryOperator> BY_ANALYTE = Map.ofEntries(
            Map.entry("14682-9:mg/dL>umol/L", v -> v * 88.42),
            Map.entry("14682-9:mg/L>umol/L", v -> v * 8.842),
            Map.entry("15074-8:mg/dL>mmol/L", v -> v / 18.016),
            Map.entry("15074-8:kg/L>mmol/L", v -> v * 100_000 / 18.016),
            Map.entry("15074-8:mol/L>mmol/L", v -> v * 1000),
            Map.entry("718-7:g/dL>g/L", v -> v * 10),
            Map.entry("718-7:mmol/L>g/L", v -> v * 16.114),
            Map.entry("33762-6:ng/L>pg/mL", v -> v),
            Map.entry("33762-6:pmol/L>pg/mL", v -> v * 8.457),
            Map.entry("30934-4:ng/L>pg/mL", v -> v),
            Map.entry("30934-4:pmol/L>pg/mL", v -> v * 3.464),
            Map.entry("67151-1:pg/mL>ng/L", v -> v),
            Map.entry("67151-1:ng/mL>ng/L", v -> v * 1000),
            Map.entry("67151-1:ug/L>ng/L", v -> v * 1000),
            Map.entry("6598-7:pg/mL>ng/L", v -> v),
            Map.entry("6598-7:ng/mL>ng/L", v -> v * 1000),
            Map.entry("6598-7:ug/L>ng/L", v -> v * 1000),
            Map.entry("4548-4:mmol/mol>%", v -> 0.09148 * v + 2.152));

    private UnitConversions() {}

    static Optional<Double> convert(ClinicalCode code, double value, String deviceUnit) {
        if (deviceUnit == null || !Double.isFinite(value)) {
            return Optional.empty();
        }
        String from = canonical(deviceUnit);
        String to = code.ucum();
        if (from.equals(to)) {
            return Optional.of(value);
        }
        DoubleUnaryOperator op = BY_ANALYTE.get(code.code() + ":" + from + ">" + to);
        if (op == null) {
            op = GENERIC.get(from + ">" + to);
        }
        if (op == null) {
            return Optional.empty();
        }
        double converted = op.applyAsDouble(value);
        return Double.isFinite(converted) ? Optional.of(roundNoise(converted)) : Optional.empty();
    }

    /** The UCUM spelling of a device's unit where Nära knows an alias, else the unit as given (trimmed). */
    static String canonical(String deviceUnit) {
        String trimmed = deviceUnit.trim();
        String alias = ALIASES.get(normalise(trimmed));
        return alias != null ? alias : trimmed;
    }

    private static String normalise(String unit) {
        return unit.replace('µ', 'u').replace('μ', 'u').replace(" ", "").toLowerCase(Locale.ROOT);
    }

    // Multiplying by a factor leaves binary noise (106.10399999); eight significant digits are far beyond any
    // device's precision and keep stored values stable and comparable.
    private static double roundNoise(double v) {
        if (v == 0) {
            return 0;
        }
        return new BigDecimal(v).round(new MathContext(8)).doubleValue();
    }
}
