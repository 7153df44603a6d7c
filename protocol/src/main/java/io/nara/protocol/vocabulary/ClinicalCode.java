package io.nara.protocol.vocabulary;

/**
 * One entry of the clinical vocabulary: what a value means and in which unit Nära stores it.
 *
 * @param code    the code in {@code system}: a LOINC code for a measurement, a SNOMED CT concept for a symptom
 * @param display a short English name
 * @param ucum    the UCUM unit Nära stores the value in
 * @param mdc     the IEEE 11073-10101 nomenclature code, or null where the signal has none
 * @param swedish the short Swedish name a nurse reads (the web app is Swedish first)
 * @param system  the code system {@code code} belongs to
 */
public record ClinicalCode(String code, String display, String ucum, Integer mdc, String swedish, CodeSystem system) {

    /** Where a code comes from; the codes of the two systems never collide (LOINC codes carry a check digit). */
    public enum CodeSystem {
        LOINC("http://loinc.org"),
        SNOMED_CT("http://snomed.info/sct");

        private final String uri;

        CodeSystem(String uri) {
            this.uri = uri;
        }

        /** The system's URI as FHIR names it. */
        public String uri() {
            return uri;
        }
    }

    /** A measurement, coded in LOINC. */
    public ClinicalCode(String code, String display, String ucum, Integer mdc, String swedish) {
        this(code, display, ucum, mdc, swedish, CodeSystem.LOINC);
    }

    /** Whether this is a symptom: a finding the patient or the people around them report, 1 present, 0 absent. */
    public boolean symptom() {
        return system == CodeSystem.SNOMED_CT;
    }
}
