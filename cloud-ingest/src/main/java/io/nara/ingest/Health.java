package io.nara.ingest;

/**
 * The ingest's health as the operator sees it: each dependency, and whether the node can do its job.
 *
 * @param broker   connected and subscribed
 * @param influxdb the last write or ping succeeded
 * @param postgres the last transaction succeeded
 * @param alertFeed listening for new alerts
 */
public record Health(boolean broker, boolean influxdb, boolean postgres, boolean alertFeed) {

    public boolean healthy() {
        return broker && influxdb && postgres && alertFeed;
    }
}
