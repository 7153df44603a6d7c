package io.nara.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A v1 topic of one hub: {@code nara/v1/hub/{hubId}/{kind}}.
 *
 * <p>The hub id is the common name of the hub's client certificate; the broker's ACL lets a hub write only under its
 * own id, so a consumer may trust the id it parses from the topic and need not repeat it in the payload.
 */
public record HubTopic(String hubId, Kind kind) {

    public static final String PREFIX = "nara/v1/hub/";
    private static final Pattern HUB_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** What a topic carries, and in which direction. */
    public enum Kind {
        /** hub to cloud: a batch of observations, QoS 1. */
        OBS("obs"),
        /** hub to cloud: an alert raised on the hub, QoS 1. */
        ALERT("alert"),
        /** hub to cloud: retained; the last will says offline. */
        STATUS("status"),
        /** cloud to hub: the sequence ranges durably stored. */
        ACK("ack"),
        /** cloud to hub: retained; care plans and device bindings. */
        CONFIG("config"),
        /** cloud to hub: retained; a person acknowledged an alert about a patient of the hub (AlertSeen). */
        ALERT_SEEN("alertseen");

        private final String segment;

        Kind(String segment) {
            this.segment = segment;
        }

        public String segment() {
            return segment;
        }
    }

    public HubTopic {
        requireValidHubId(hubId);
        if (kind == null) {
            throw new IllegalArgumentException("topic kind is missing");
        }
    }

    public static HubTopic of(String hubId, Kind kind) {
        return new HubTopic(hubId, kind);
    }

    /** The topic name to publish or subscribe to. */
    public String name() {
        return PREFIX + hubId + "/" + kind.segment();
    }

    /** The filter that matches this kind for every hub, e.g. {@code nara/v1/hub/+/obs}. */
    public static String filterForAllHubs(Kind kind) {
        return PREFIX + "+/" + kind.segment();
    }

    /** Parses a topic name; empty if it is not a v1 hub topic. */
    public static Optional<HubTopic> parse(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] rest = topic.substring(PREFIX.length()).split("/", -1);
        if (rest.length != 2 || !isValidHubId(rest[0])) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind.segment().equals(rest[1])) {
                return Optional.of(new HubTopic(rest[0], kind));
            }
        }
        return Optional.empty();
    }

    public static boolean isValidHubId(String hubId) {
        return hubId != null && HUB_ID.matcher(hubId).matches();
    }

    public static String requireValidHubId(String hubId) {
        if (!isValidHubId(hubId)) {
            throw new IllegalArgumentException(
                    "hub id '" + hubId + "' is not valid: lower-case letters, digits and '-', at most 63 characters");
        }
        return hubId;
    }
}
