package io.nara.ingest.feedback;

import io.nara.ingest.careplan.CarePlanService.RetainedPublisher;
import io.nara.ingest.db.Database;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertSeen;
import io.nara.protocol.message.AlertSeen.SeenBy;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a hub that a person acknowledged an alert about one of its patients (topic {@code alertseen}, retained), so
 * the patient learns that a nurse or doctor saw it: the LED's "seen" pattern and a spoken sentence at home.
 *
 * <p>Only a person's acknowledgement counts (the lifecycle refuses the system and operators), and only a nurse's or a
 * doctor's: the patient is told "sjuksköterskan" or "läkaren", never a name. The message is written in the
 * acknowledging transaction (table {@code hub_alert_seen}, one row per hub, like the broker's one retained message)
 * and published after it commits; a publish that fails is retried by {@link #publishPending} on every node. It goes
 * only to a hub the patient belongs to now ({@code patient_household}): for a hub's own alert, the hub that raised
 * it; for an alert the cloud raised, every hub of the patient.
 */
public final class AlertSeenPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(AlertSeenPublisher.class);

    private final Database db;
    private final MessageCodec codec;
    private final RetainedPublisher publisher;

    public AlertSeenPublisher(Database db, MessageCodec codec, RetainedPublisher publisher) {
        this.db = db;
        this.codec = codec;
        this.publisher = publisher;
    }

    /**
     * In the acknowledging transaction: records what each of the patient's hubs is to be told and returns the hubs to
     * publish to once it committed (empty when nobody at home is to be told).
     */
    public List<String> acknowledged(Connection c, long alertId, String personId, String teamId, Instant now)
            throws SQLException {
        Optional<SeenBy> by = kindOfPerson(c, personId, teamId);
        if (by.isEmpty()) {
            LOG.info(
                    "alert {} acknowledged by {}, neither nurse nor doctor: the patient's hub is not told",
                    alertId,
                    personId);
            return List.of();
        }
        String hubId;
        String patientId;
        String outbox;
        long seq;
        String episode;
        boolean cloud;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT hub_id, patient_id, outbox::text AS outbox, seq, episode, origin = 'CLOUD' AS cloud"
                        + " FROM alert WHERE id = ?")) {
            q.setLong(1, alertId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return List.of();
                }
                hubId = r.getString("hub_id");
                patientId = r.getString("patient_id");
                outbox = r.getString("outbox");
                seq = r.getLong("seq");
                episode = r.getString("episode");
                cloud = r.getBoolean("cloud");
            }
        }
        AlertSeen seen = cloud || outbox == null
                ? AlertSeen.ofCloudAlert(patientId, episode, now, by.get())
                : AlertSeen.ofHubAlert(patientId, outbox, seq, episode, now, by.get());
        List<String> hubs = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT DISTINCT hub_id FROM patient_household WHERE patient_id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String hub = r.getString("hub_id");
                    // A hub's own alert goes to that hub only; a hub the patient left is told nothing.
                    if (hub != null && (!seen.hubRaised() || hub.equals(hubId))) {
                        hubs.add(hub);
                    }
                }
            }
        }
        byte[] payload = codec.encode(seen);
        for (String hub : hubs) {
            try (PreparedStatement u = c.prepareStatement("""
                    INSERT INTO hub_alert_seen (hub_id, payload, alert_id, seen_at, version)
                    VALUES (?, ?, ?, ?, 1)
                    ON CONFLICT (hub_id) DO UPDATE SET payload = excluded.payload, alert_id = excluded.alert_id,
                        seen_at = excluded.seen_at, version = hub_alert_seen.version + 1""")) {
                u.setString(1, hub);
                u.setBytes(2, payload);
                u.setLong(3, alertId);
                u.setTimestamp(4, Timestamp.from(now));
                u.executeUpdate();
            }
        }
        return hubs;
    }

    /** After the commit: publishes to each hub; a failure stays pending for {@link #publishPending}. */
    public Future<Void> publishAfterCommit(List<String> hubs) {
        Future<Void> chain = Future.succeededFuture();
        for (String hub : hubs) {
            chain = chain.compose(v -> publish(hub).recover(e -> {
                LOG.warn("{}; it stays pending and the next housekeeping round publishes it", e.getMessage());
                return Future.succeededFuture();
            }));
        }
        return chain;
    }

    /** Publishes what a broker outage left unpublished. */
    public Future<Void> publishPending() {
        return db.<List<String>>transaction(c -> {
                    List<String> hubs = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(
                                    "SELECT hub_id FROM hub_alert_seen WHERE published_version < version");
                            ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            hubs.add(r.getString("hub_id"));
                        }
                    }
                    return hubs;
                })
                .compose(this::publishAfterCommit);
    }

    /** Publishes the hub's latest message while its row is locked, so two nodes never leave an older one retained. */
    private Future<Void> publish(String hubId) {
        return db.transaction(c -> {
            byte[] payload;
            long version;
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT payload, version FROM hub_alert_seen WHERE hub_id = ? AND published_version < version"
                            + " FOR UPDATE")) {
                q.setString(1, hubId);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    payload = r.getBytes("payload");
                    version = r.getLong("version");
                }
            }
            try {
                publisher
                        .publish(HubTopic.of(hubId, HubTopic.Kind.ALERT_SEEN).name(), payload)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new SQLException("cannot publish 'alert seen' for hub " + hubId + ": " + e.getMessage(), e);
            }
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE hub_alert_seen SET published_version = ? WHERE hub_id = ?")) {
                u.setLong(1, version);
                u.setString(2, hubId);
                u.executeUpdate();
            }
            if (payload.length == 0) {
                LOG.info("cleared what hub {} was last told about the alert of a patient erased since", hubId);
            } else {
                LOG.info("told hub {} that a person saw an alert about its patient", hubId);
            }
            return null;
        });
    }

    /**
     * In an erasure's transaction: blanks what a hub was last told about one of her alerts. The broker keeps that
     * message retained, with her id; the empty payload the next {@link #publishPending} publishes in its place
     * deletes it, and the hub takes an empty message for "nothing seen". The number of hubs affected.
     */
    public static int erase(Connection c, String patientId) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE hub_alert_seen SET payload = ''::bytea, alert_id = NULL, version = version + 1"
                        + " WHERE alert_id IN (SELECT id FROM alert WHERE patient_id = ?)")) {
            u.setString(1, patientId);
            return u.executeUpdate();
        }
    }

    /** A nurse or a doctor, by the person's role in the alert's team (else in any team); empty for anyone else. */
    static Optional<SeenBy> kindOfPerson(Connection c, String personId, String teamId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT role FROM team_member WHERE person_id = ? ORDER BY (team_id = ?) DESC, role LIMIT 1")) {
            q.setString(1, personId);
            q.setString(2, teamId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? seenBy(r.getString("role")) : Optional.empty();
            }
        }
    }

    /** What the patient is told about a role: the doctors are "läkaren", the nursing roles "sjuksköterskan". */
    static Optional<SeenBy> seenBy(String role) {
        return switch (role) {
            case "DOCTOR", "CARDIOLOGY" -> Optional.of(SeenBy.DOCTOR);
            case "NURSE", "DISTRICT_NURSE", "MAS", "MOBILE_TEAM" -> Optional.of(SeenBy.NURSE);
            default -> Optional.empty(); // home-care staff, operators: not what "seen by a nurse" promises
        };
    }
}
