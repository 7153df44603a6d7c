package io.nara.devices.analyzer;

import io.nara.devices.Measurement;

/**
 * One analyzer result with what identifies its sample.
 *
 * @param patientId   the patient id entered on the analyzer, or null; the hub binds by device, this is for checking
 * @param sampleId    the specimen or sample id, or null
 * @param testCode    the analyzer's own test code, as sent
 * @param measurement the decoded value
 */
public record AnalyzerResult(String patientId, String sampleId, String testCode, Measurement measurement) {}
