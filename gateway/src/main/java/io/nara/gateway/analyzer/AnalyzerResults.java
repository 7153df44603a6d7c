package io.nara.gateway.analyzer;

import io.nara.devices.Measurement;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.analyzer.AnalyzerResult;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.DecodedReading;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands an analyzer message's results to the pipeline, one reading per patient the message names (an ASTM message may
 * hold several patient records), so the pipeline checks each patient id against the binding on its own.
 */
final class AnalyzerResults {

    private AnalyzerResults() {}

    /**
     * Succeeds with what was stored when any of the message's results were stored (the others were quarantined with
     * their reason); fails with {@link RejectedReadingException} when all were refused, or with the storage error.
     */
    static Future<List<OutboxEntry>> store(
            ReadingPipeline pipeline, AnalyzerEndpoint endpoint, byte[] raw, AnalyzerReport report) {
        Map<Optional<String>, List<Measurement>> byPatient = new LinkedHashMap<>();
        for (AnalyzerResult r : report.results()) {
            byPatient
                    .computeIfAbsent(Optional.ofNullable(r.patientId()), k -> new ArrayList<>())
                    .add(r.measurement());
        }
        List<Future<List<OutboxEntry>>> readings = new ArrayList<>();
        byPatient.forEach((patient, measurements) -> readings.add(pipeline.accept(
                new DecodedReading(endpoint.deviceId(), endpoint.source(), raw, measurements, patient.orElse(null)))));
        return Future.join(readings).transform(done -> {
            List<OutboxEntry> stored = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (Future<List<OutboxEntry>> f : readings) {
                if (f.succeeded()) {
                    stored.addAll(f.result());
                } else if (f.cause() instanceof RejectedReadingException) {
                    refused.add(f.cause().getMessage());
                } else {
                    return Future.failedFuture(f.cause());
                }
            }
            return refused.size() == readings.size()
                    ? Future.failedFuture(new RejectedReadingException(String.join("; ", refused)))
                    : Future.succeededFuture(stored);
        });
    }
}
