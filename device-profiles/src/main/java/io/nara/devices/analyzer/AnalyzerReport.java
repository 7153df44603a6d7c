package io.nara.devices.analyzer;

import io.nara.devices.Measurement;
import java.util.List;

/**
 * What one analyzer message held.
 *
 * @param results the results mapped to the vocabulary
 * @param skipped results that could not be mapped, each naming why (unknown test code, unknown unit); they are kept for
 *                inspection, never silently dropped
 */
public record AnalyzerReport(List<AnalyzerResult> results, List<String> skipped) {

    public AnalyzerReport {
        results = List.copyOf(results);
        skipped = List.copyOf(skipped);
    }

    public List<Measurement> measurements() {
        return results.stream().map(AnalyzerResult::measurement).toList();
    }
}
