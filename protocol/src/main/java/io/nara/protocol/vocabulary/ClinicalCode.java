package io.nara.protocol.vocabulary;

/**
 * One entry of the clinical vocabulary: what a value means and in which unit Nära stores it.
 *
 * @param loinc   LOINC code
 * @param display a short English name
 * @param ucum    the UCUM unit Nära stores the value in
 * @param mdc     the IEEE 11073-10101 nomenclature code, or null where the signal has none
 * @param swedish the short Swedish name a nurse reads (the web app is Swedish first)
 */
public record ClinicalCode(String loinc, String display, String ucum, Integer mdc, String swedish) {}
