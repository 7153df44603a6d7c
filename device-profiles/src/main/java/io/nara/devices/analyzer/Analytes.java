package io.nara.devices.analyzer;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps an analyzer's test code to a vocabulary code. A device model's own codes (from its catalogue file) win over
 * the common names below; a LOINC code the vocabulary knows is accepted as is.
 */
public final class Analytes {

    /** Common test codes, upper case with everything but letters and digits removed. */
    private static final Map<String, ClinicalCode> COMMON = Map.ofEntries(
            Map.entry("NTPROBNP", Vocabulary.NT_PRO_BNP),
            Map.entry("PROBNP", Vocabulary.NT_PRO_BNP),
            Map.entry("NTBNP", Vocabulary.NT_PRO_BNP),
            Map.entry("BNP", Vocabulary.BNP),
            Map.entry("TNT", Vocabulary.TROPONIN_T),
            Map.entry("TROPT", Vocabulary.TROPONIN_T),
            Map.entry("CTNT", Vocabulary.TROPONIN_T),
            Map.entry("HSTNT", Vocabulary.TROPONIN_T),
            Map.entry("TROPONINT", Vocabulary.TROPONIN_T),
            Map.entry("K", Vocabulary.POTASSIUM),
            Map.entry("POTASSIUM", Vocabulary.POTASSIUM),
            Map.entry("NA", Vocabulary.SODIUM),
            Map.entry("SODIUM", Vocabulary.SODIUM),
            Map.entry("CREA", Vocabulary.CREATININE),
            Map.entry("CREAT", Vocabulary.CREATININE),
            Map.entry("CRE", Vocabulary.CREATININE),
            Map.entry("CREATININE", Vocabulary.CREATININE),
            Map.entry("EGFR", Vocabulary.EGFR),
            Map.entry("INR", Vocabulary.INR),
            Map.entry("PTINR", Vocabulary.INR),
            Map.entry("HB", Vocabulary.HEMOGLOBIN),
            Map.entry("HGB", Vocabulary.HEMOGLOBIN),
            Map.entry("THB", Vocabulary.HEMOGLOBIN),
            Map.entry("HEMOGLOBIN", Vocabulary.HEMOGLOBIN),
            Map.entry("GLU", Vocabulary.GLUCOSE),
            Map.entry("GLUCOSE", Vocabulary.GLUCOSE),
            Map.entry("HBA1C", Vocabulary.HBA1C));

    /** Maps nothing beyond the common names. */
    public static final Analytes COMMON_ONLY = new Analytes(Map.of());

    private final Map<String, ClinicalCode> deviceCodes;

    /** @param deviceCodes the device's own test codes mapped to LOINC codes the vocabulary knows */
    public Analytes(Map<String, String> deviceCodes) {
        Map<String, ClinicalCode> resolved = new HashMap<>();
        deviceCodes.forEach((test, loinc) -> resolved.put(
                key(test),
                Vocabulary.byCode(loinc)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "test code " + test + " maps to " + loinc + ", which is not in the vocabulary"))));
        this.deviceCodes = Map.copyOf(resolved);
    }

    public Optional<ClinicalCode> resolve(String testCode) {
        if (testCode == null || testCode.isBlank()) {
            return Optional.empty();
        }
        String key = key(testCode);
        ClinicalCode code = deviceCodes.get(key);
        if (code == null) {
            code = COMMON.get(key);
        }
        return code != null ? Optional.of(code) : Vocabulary.byCode(testCode.trim());
    }

    private static String key(String testCode) {
        return testCode.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }
}
