package io.nara.ingest.alerting;

import io.nara.ingest.db.Database;
import io.nara.protocol.message.Alert;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alerts in PostgreSQL. Storing is idempotent by hub, outbox and sequence: a replayed alert never becomes a second row.
 */
public final class AlertStore {

    /** Work done in the transaction that stores a new alert, before the notification (routing). */
    @FunctionalInterface
    public interface StoredHook {
        void stored(Connection c, long alertId, String hubId, Alert alert) throws SQLException;
    }

    private final Database db;
    private final StoredHook hook;

    public AlertStore(Database db) {
        this(db, (c, id, hub, alert) -> {});
    }

    public AlertStore(Database db, StoredHook hook) {
        this.db = db;
        this.hook = hook;
    }

    /** Stores the alert; the id when it is new, empty when this hub and sequence were already stored. */
    public Future<Optional<Long>> store(String hubId, String outbox, Alert alert) {
        // A hub's alert: never behind the observation batches' transactions.
        return db.urgentTransaction(c -> {
            Optional<Long> id = insert(c, hubId, outbox, alert);
            if (id.isPresent()) {
                routeAndNotify(c, id.get(), hubId, alert);
            }
            return id;
        });
    }

    /**
     * What follows the insert of any new alert, in the inserting transaction: routing, then the live feed. Public so
     * the cloud's own alerts ({@code careplan.SilenceWatch}, origin CLOUD) take exactly the same path as a hub's.
     */
    public void routeAndNotify(Connection c, long id, String hubId, Alert alert) throws SQLException {
        // In the same transaction, so no alert is ever stored without being routed.
        hook.stored(c, id, hubId, alert);
        // Delivered on commit to every node's feed, so each live stream sees it exactly once.
        AlertFeed.tell(c, AlertFeed.CREATED, id);
    }

    /**
     * Stores an alert the cloud raised itself (origin CLOUD: silence, an assigned reading) in the caller's transaction
     * and routes it; empty when this (patient, rule, episode, status) is already stored, by this node or another, so
     * only the node whose insert wins routes and notifies. The row has no outbox or seq; the message wants a positive
     * seq, so the routed alert carries its own id there ({@code alert.seq()} is ignored).
     */
    public Optional<Long> storeCloud(Connection c, String hubId, Alert a) throws SQLException {
        String text = a.message().length() > 1000 ? a.message().substring(0, 1000) : a.message();
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert (hub_id, patient_id, rule_id, severity, code, value, unit, message, raised_at,
                                   observation_seq, care_plan_version, status, episode, origin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'CLOUD')
                ON CONFLICT (patient_id, rule_id, episode, status) WHERE origin = 'CLOUD' DO NOTHING
                RETURNING id""")) {
            insert.setString(1, hubId);
            insert.setString(2, a.patientId());
            insert.setString(3, a.ruleId());
            insert.setString(4, a.severity().name());
            insert.setString(5, a.code());
            if (a.value() == null) {
                insert.setNull(6, Types.DOUBLE);
            } else {
                insert.setDouble(6, a.value());
            }
            insert.setString(7, a.unit());
            insert.setString(8, text);
            insert.setTimestamp(9, Timestamp.from(a.raisedAt()));
            insert.setLong(10, a.observationSeq());
            insert.setString(11, a.carePlanVersion());
            insert.setString(12, a.status().name());
            insert.setString(13, a.episode());
            try (ResultSet row = insert.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                long id = row.getLong("id");
                routeAndNotify(c, id, hubId, a.withSeq(id));
                return Optional.of(id);
            }
        }
    }

    /** The newest alerts first. */
    public static List<AlertView> newest(Connection c, int limit) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT " + AlertView.COLUMNS + " FROM alert ORDER BY received_at DESC, id DESC LIMIT ?")) {
            query.setInt(1, limit);
            List<AlertView> alerts = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    alerts.add(AlertView.from(rows));
                }
            }
            return alerts;
        }
    }

    /** The ids of the alerts stored after {@code id}, oldest first; all of them when {@code id} is negative. */
    public static List<Long> idsAfter(Connection c, long id) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT id FROM alert WHERE id > ? ORDER BY id")) {
            query.setLong(1, id);
            try (ResultSet rows = query.executeQuery()) {
                List<Long> ids = new ArrayList<>();
                while (rows.next()) {
                    ids.add(rows.getLong("id"));
                }
                return ids;
            }
        }
    }

    /** The id of the newest alert; 0 when there is none. */
    public static long newestId(Connection c) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT coalesce(max(id), 0) AS newest_id FROM alert");
                ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong("newest_id");
        }
    }

    public static Optional<AlertView> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT " + AlertView.COLUMNS + " FROM alert WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(AlertView.from(row)) : Optional.empty();
            }
        }
    }

    private static Optional<Long> insert(Connection c, String hubId, String outbox, Alert a) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alert (hub_id, seq, patient_id, rule_id, severity, code, value, unit, message, raised_at,
                                   observation_seq, care_plan_version, outbox, status, episode)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::uuid, ?, ?)
                ON CONFLICT (hub_id, outbox, seq) DO NOTHING
                RETURNING id""")) {
            insert.setString(1, hubId);
            insert.setLong(2, a.seq());
            insert.setString(3, a.patientId());
            insert.setString(4, a.ruleId());
            insert.setString(5, a.severity().name());
            insert.setString(6, a.code());
            if (a.value() == null) {
                insert.setNull(7, Types.DOUBLE);
            } else {
                insert.setDouble(7, a.value());
            }
            insert.setString(8, a.unit());
            insert.setString(9, a.message());
            insert.setTimestamp(10, Timestamp.from(a.raisedAt()));
            insert.setLong(11, a.observationSeq());
            insert.setString(12, a.carePlanVersion());
            insert.setString(13, outbox);
            insert.setString(14, a.status().name()); // episode columns: V20__care_plans.sql
            insert.setString(15, a.episode());
            try (ResultSet row = insert.executeQuery()) {
                return row.next() ? Optional.of(row.getLong("id")) : Optional.empty();
            }
        }
    }
}
