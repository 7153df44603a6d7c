package io.nara.ingest;

import io.nara.ingest.enrol.EnrolmentSettings;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.retention.Retention;
import java.nio.file.Path;

/**
 * The parts of an ingest node that a deployment turns on or tunes by option, apart from what every node needs
 * ({@link IngestSettings}): one record, so a new part adds a field here instead of another constructor.
 *
 * @param metrics           where {@code GET /metrics} is served ({@link NodeMetrics.Settings#none()}: nowhere)
 * @param retention         how long PostgreSQL keeps sessions, refused payloads and delivered notifications
 * @param enrolment         the hub CA and its EST listener; null on a node that does not enrol hubs
 * @param releaseRepository the signed apt repository of hub releases served under {@code /apt/}; null for none
 */
public record NodeOptions(
        NodeMetrics.Settings metrics,
        Retention.Settings retention,
        EnrolmentSettings enrolment,
        Path releaseRepository) {

    public NodeOptions {
        if (metrics == null || retention == null) {
            throw new IllegalArgumentException("metrics and retention settings are required (use the defaults)");
        }
    }

    /** No metrics port, the default retention, no enrolment, no releases. */
    public static NodeOptions defaults() {
        return new NodeOptions(NodeMetrics.Settings.none(), Retention.Settings.defaults(), null, null);
    }

    public NodeOptions withMetrics(NodeMetrics.Settings newMetrics) {
        return new NodeOptions(newMetrics, retention, enrolment, releaseRepository);
    }

    public NodeOptions withRetention(Retention.Settings newRetention) {
        return new NodeOptions(metrics, newRetention, enrolment, releaseRepository);
    }

    public NodeOptions withEnrolment(EnrolmentSettings newEnrolment) {
        return new NodeOptions(metrics, retention, newEnrolment, releaseRepository);
    }

    public NodeOptions withReleaseRepository(Path newReleaseRepository) {
        return new NodeOptions(metrics, retention, enrolment, newReleaseRepository);
    }
}
