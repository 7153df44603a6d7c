package io.nara.ingest;

import io.nara.ingest.db.Database;
import io.nara.ingest.observation.ObservationStore;
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
 * @param authorise  whether every hub message is checked against the hub's bindings in the cloud (a hub speaks only
 *                   for the patients and devices bound to it); false only for tests written before enrolment
 */
public record IngestSettings(String nodeId, String shareGroup, BrokerConnection broker,
                             ObservationStore.Settings influx, Database.Settings postgres, String httpHost,
                             int httpPort, String apiKey, io.nara.ingest.web.WebTls tls, boolean authorise) {

    /** Plain HTTP, without message authorisation: the settings of tests whose hubs were configured by file only. */
    public IngestSettings(String nodeId, String shareGroup, BrokerConnection broker, ObservationStore.Settings influx,
                          Database.Settings postgres, String httpHost, int httpPort, String apiKey) {
        this(nodeId, shareGroup, broker, influx, postgres, httpHost, httpPort, apiKey, null, false);
    }

    /** HTTPS where {@code tls} says, without message authorisation. */
    public IngestSettings(String nodeId, String shareGroup, BrokerConnection broker, ObservationStore.Settings influx,
                          Database.Settings postgres, String httpHost, int httpPort, String apiKey,
                          io.nara.ingest.web.WebTls tls) {
        this(nodeId, shareGroup, broker, influx, postgres, httpHost, httpPort, apiKey, tls, false);
    }

    /** The same settings, authorising every hub message or not. */
    public IngestSettings authorising(boolean on) {
        return new IngestSettings(nodeId, shareGroup, broker, influx, postgres, httpHost, httpPort, apiKey, tls, on);
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
                + (authorise ? "" : ", hub messages NOT authorised") + "]";
    }
}
