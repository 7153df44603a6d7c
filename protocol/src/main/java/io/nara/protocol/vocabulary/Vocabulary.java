package io.nara.protocol.vocabulary;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one table of clinical codes Nära knows. Decoders, rules, the ingest and the FHIR export all take codes and units
 * from here, so a signal means the same thing everywhere.
 */
public final class Vocabulary {

    public static final ClinicalCode BODY_WEIGHT =
            new ClinicalCode("29463-7", "Body weight", "kg", 188736, "Kroppsvikt");
    public static final ClinicalCode BODY_HEIGHT =
            new ClinicalCode("8302-2", "Body height", "m", 188740, "Kroppslängd");
    public static final ClinicalCode BMI =
            new ClinicalCode("39156-5", "Body mass index", "kg/m2", 188752, "Kroppsmasseindex (BMI)");
    public static final ClinicalCode SYSTOLIC =
            new ClinicalCode("8480-6", "Systolic blood pressure", "mm[Hg]", 150021, "Systoliskt blodtryck");
    public static final ClinicalCode DIASTOLIC =
            new ClinicalCode("8462-4", "Diastolic blood pressure", "mm[Hg]", 150022, "Diastoliskt blodtryck");
    public static final ClinicalCode MEAN_ARTERIAL_PRESSURE =
            new ClinicalCode("8478-0", "Mean blood pressure", "mm[Hg]", 150023, "Medelartärtryck");
    public static final ClinicalCode HEART_RATE = new ClinicalCode("8867-4", "Heart rate", "/min", 149546, "Puls");
    public static final ClinicalCode SPO2 = new ClinicalCode(
            "59408-5", "Oxygen saturation by pulse oximetry", "%", 150456, "Syremättnad (pulsoximetri)");
    public static final ClinicalCode BODY_TEMPERATURE =
            new ClinicalCode("8310-5", "Body temperature", "Cel", 150364, "Kroppstemperatur");
    public static final ClinicalCode GLUCOSE =
            new ClinicalCode("15074-8", "Glucose in blood", "mmol/L", 160184, "Glukos i blod");
    public static final ClinicalCode NT_PRO_BNP = new ClinicalCode("33762-6", "NT-proBNP", "pg/mL", null, "NT-proBNP");
    public static final ClinicalCode BNP = new ClinicalCode("30934-4", "BNP", "pg/mL", null, "BNP");
    public static final ClinicalCode TROPONIN_T =
            new ClinicalCode("67151-1", "Troponin T (high sensitivity)", "ng/L", null, "Troponin T (högkänsligt)");
    /** Conventional (not high-sensitivity) cardiac troponin T, as point-of-care tests such as cobas h 232 measure it. */
    public static final ClinicalCode TROPONIN_T_CARDIAC =
            new ClinicalCode("6598-7", "Troponin T (cardiac)", "ng/L", null, "Troponin T (hjärt)");

    public static final ClinicalCode POTASSIUM = new ClinicalCode("2823-3", "Potassium", "mmol/L", null, "Kalium");
    public static final ClinicalCode SODIUM = new ClinicalCode("2951-2", "Sodium", "mmol/L", null, "Natrium");
    public static final ClinicalCode CREATININE =
            new ClinicalCode("14682-9", "Creatinine", "umol/L", null, "Kreatinin");
    public static final ClinicalCode EGFR =
            new ClinicalCode("62238-1", "eGFR (CKD-EPI)", "mL/min/{1.73_m2}", null, "eGFR (CKD-EPI)");
    public static final ClinicalCode INR = new ClinicalCode("6301-6", "INR", "{INR}", null, "PK (INR)");
    /** In g/L, as Swedish laboratories report it (135 g/L, not 13.5 g/dL). */
    public static final ClinicalCode HEMOGLOBIN = new ClinicalCode("718-7", "Hemoglobin", "g/L", null, "Hemoglobin");

    public static final ClinicalCode BODY_FAT_PERCENTAGE =
            new ClinicalCode("41982-0", "Percentage of body fat", "%", 188748, "Andel kroppsfett");
    public static final ClinicalCode HBA1C =
            new ClinicalCode("4548-4", "Hemoglobin A1c/Hemoglobin.total", "%", null, "HbA1c");

    /**
     * The unit of a symptom: 1 when the finding is present, 0 when it was asked for and is absent. A UCUM annotation
     * (dimensionless), so a rule reads a symptom as it reads any value: {@code above 0.5} holds while it is present.
     */
    public static final String PRESENCE = "{presence}";

    // Symptoms of heart failure that a patient answers at the hub and home-care staff report, as SNOMED CT findings
    // (the set of HL7 Belgium's patient-monitoring heart-failure symptoms, plus falls and orthopnoea).
    public static final ClinicalCode DYSPNOEA = symptom("267036007", "Shortness of breath", "Andfåddhet");
    public static final ClinicalCode ORTHOPNOEA =
            symptom("62744007", "Orthopnoea (must sleep sitting up)", "Måste sova med höjd huvudända");
    public static final ClinicalCode OEDEMA = symptom("267038008", "Swelling (oedema)", "Svullnad i ben eller fötter");
    public static final ClinicalCode REDUCED_APPETITE = symptom("64379006", "Reduced appetite", "Äter dåligt");
    public static final ClinicalCode CONFUSION = symptom("40917007", "Confusion", "Förvirring");
    public static final ClinicalCode FALL = symptom("161898004", "Fall", "Har fallit");
    public static final ClinicalCode DIZZINESS = symptom("404640003", "Dizziness", "Yrsel");
    public static final ClinicalCode CHEST_PAIN = symptom("29857009", "Chest pain", "Bröstsmärta");

    /** The symptoms, in the order a person is asked about them. */
    public static final List<ClinicalCode> SYMPTOMS =
            List.of(DYSPNOEA, ORTHOPNOEA, OEDEMA, DIZZINESS, CHEST_PAIN, REDUCED_APPETITE, CONFUSION, FALL);

    private static final Map<String, ClinicalCode> BY_CODE = Stream.concat(
                    Stream.of(
                            BODY_WEIGHT,
                            BODY_HEIGHT,
                            BMI,
                            SYSTOLIC,
                            DIASTOLIC,
                            MEAN_ARTERIAL_PRESSURE,
                            HEART_RATE,
                            SPO2,
                            BODY_TEMPERATURE,
                            GLUCOSE,
                            NT_PRO_BNP,
                            BNP,
                            TROPONIN_T,
                            TROPONIN_T_CARDIAC,
                            POTASSIUM,
                            SODIUM,
                            CREATININE,
                            EGFR,
                            INR,
                            HEMOGLOBIN,
                            BODY_FAT_PERCENTAGE,
                            HBA1C),
                    SYMPTOMS.stream())
            .collect(Collectors.toUnmodifiableMap(ClinicalCode::code, Function.identity()));

    private Vocabulary() {}

    private static ClinicalCode symptom(String snomed, String display, String swedish) {
        return new ClinicalCode(snomed, display, PRESENCE, null, swedish, ClinicalCode.CodeSystem.SNOMED_CT);
    }

    public static Optional<ClinicalCode> byCode(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /**
     * Converts a value a device sent in {@code deviceUnit} into the code's own unit; empty when the unit is not one
     * Nära knows for that code (the caller must then reject the value, never store it under the wrong unit).
     */
    public static Optional<Double> toVocabularyUnit(ClinicalCode code, double value, String deviceUnit) {
        return UnitConversions.convert(code, value, deviceUnit);
    }

    public static List<ClinicalCode> all() {
        return List.copyOf(BY_CODE.values());
    }
}
