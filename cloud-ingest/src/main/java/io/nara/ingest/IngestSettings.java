package io.nara.ingest;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.web.WebTls;
import io.nara.mqtt.BrokerConnection;

/**
 * Everything an ingest node needs to start.
 *
 * @param nodeId     this node's MQTT client id; unique per node
 * @param shareGroup the shared-subscription group all nodes of one deployment join
 * @param broker     the broker and the ingest's certificate
 * @param influx     InfluxDB
 * @param postgres   PostgreSQL
 * @param httpHost   web address
 * @param httpPort   web port; 0 picks a free one
 * @param apiKey     the operator key for programs (Bearer only)
 * @param tls        HTTPS for the web app and FHIR on {@code httpPort}, with a redirecting plain port; null: plain
 * @param alertBroker the broker and a second certificate for the node's alert connection, so alerts never wait
 *                    behind observation batches (the broker makes a certificate's name the client id: one connection
 *                    per certificate); null: alerts share the one connection
 *
 * <p>There is no setting to trust hubs: every hub message is checked against the hub's bindings in the cloud (a hub
 * speaks only for the patients and devices bound to it), always.
 */
public record IngestSettings(
        String nodeId,
        String shareGroup,
        BrokerConnection broker,
        ObservationStore.Settings influx,
        Database.Settings postgres,
        String httpHost,
        int httpPort,
        String apiKey,
        WebTls tls,
        BrokerConnection alertBroker) {

    /** Plain HTTP. */
    public IngestSettings(
            String nodeId,
            String shareGroup,
            BrokerConnection broker,
            ObservationStore.Settings influx,
            Database.Settings postgres,
            String httpHost,
            int httpPort,
            String apiKey) {
        this(nodeId, shareGroup, broker, influx, postgres, httpHost, httpPort, apiKey, null, null);
    }

    /** The same settings with a connection of its own for alerts. */
    public IngestSettings withAlertBroker(BrokerConnection alerts) {
        return new IngestSettings(
                nodeId, shareGroup, broker, influx, postgres, httpHost, httpPort, apiKey, tls, alerts);
    }

    public IngestSettings {
        if (apiKey == null || apiKey.length() < 16) {
            throw new IllegalArgumentException("the API key must be at least 16 characters");
        }
    }

    @Override
    public String toString() {
        return "IngestSettings[" + nodeId + ", group " + shareGroup + ", " + broker.serverUri() + ", " + influx + ", "
                + postgres + (tls == null ? ", http " : ", https ") + httpHost + ":" + httpPort
                + (alertBroker == null ? ", alerts on the one connection" : ", alerts on a connection of their own")
                + "]";
    }
}
