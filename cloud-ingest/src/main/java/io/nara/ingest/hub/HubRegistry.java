package io.nara.ingest.hub;

import io.nara.ingest.careplan.DeviceBatteries;
import io.nara.ingest.db.Database;
import io.nara.protocol.message.HubStatus;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the cloud knows of each hub: when it was last heard from and what its status message said. */
public final class HubRegistry {

    private final Database db;

    /** How long the readings of unbound devices are kept for the nurse to see. */
    static final Duration HELD_READINGS_KEPT = Duration.ofDays(30);

    public HubRegistry(Database db) {
        this.db = db;
    }

    public Future<Void> seen(String hubId, Instant at) {
        return db.transaction(c -> {
            seen(c, hubId, at);
            return null;
        });
    }

    /** As {@link #seen(String, Instant)}, inside the caller's transaction (with what the hub's message stored). */
    public static void seen(Connection c, String hubId, Instant at) throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO hub (hub_id, last_seen_at) VALUES (?, ?)
                ON CONFLICT (hub_id) DO UPDATE SET last_seen_at = GREATEST(hub.last_seen_at, EXCLUDED.last_seen_at)
                """)) {
            upsert.setString(1, hubId);
            upsert.setTimestamp(2, Timestamp.from(at));
            upsert.executeUpdate();
        }
    }

    /**
     * What only an online hub's own status says, in one UPDATE. The update the hub last failed, while that is its
     * updater's last word; a status without one clears it (the update went through since, or an older hub that has
     * no updater to report). The last will says nothing of updates and leaves it. Quarantine and storage: an older
     * hub that does not say leaves the last word as it was.
     */
    private static void onlineDetails(Connection c, String hubId, HubStatus status) throws SQLException {
        HubStatus.FailedUpdate failed = status.failedUpdate();
        HubStatus.Quarantine held = status.quarantine();
        HubStatus.Storage storage = status.storage();
        List<Object> values = new ArrayList<>();
        StringBuilder set = new StringBuilder(
                "failed_update_version = ?, failed_update_outcome = ?, failed_update_reason = ?, failed_update_at = ?");
        values.add(failed == null ? null : failed.version());
        values.add(failed == null ? null : failed.outcome().name());
        values.add(failed == null ? null : failed.reason());
        values.add(failed == null || failed.at() == null ? null : Timestamp.from(failed.at()));
        if (held != null) {
            set.append(", quarantine_held = ?, quarantine_newest_device = ?, quarantine_newest_problem = ?, "
                    + "quarantine_newest_at = ?");
            values.add(held.held());
            values.add(held.newestDevice());
            values.add(held.newestProblem());
            values.add(held.newestAt() == null ? null : Timestamp.from(held.newestAt()));
        }
        if (storage != null) {
            // with its level as the protocol defines it (the fleet page's filter)
            set.append(", storage_thinned_samples = ?, storage_dropped_readings = ?, storage_full = ?, "
                    + "storage_records = ?, storage_max_records = ?, storage_level = ?");
            values.add(storage.thinnedSamples());
            values.add(storage.droppedReadings());
            values.add(storage.full());
            values.add(storage.records());
            values.add(storage.maxRecords());
            values.add(storage.level().name());
        }
        values.add(hubId);
        try (PreparedStatement u = c.prepareStatement("UPDATE hub SET " + set + " WHERE hub_id = ?")) {
            for (int i = 0; i < values.size(); i++) {
                u.setObject(i + 1, values.get(i));
            }
            u.executeUpdate();
        }
    }

    public Future<Void> status(String hubId, HubStatus status, Instant receivedAt) {
        return db.transaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO hub (hub_id, state, software, clock, outbox_pending, status_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (hub_id) DO UPDATE SET state = EXCLUDED.state, software = EXCLUDED.software,
                        clock = EXCLUDED.clock, outbox_pending = EXCLUDED.outbox_pending,
                        status_at = EXCLUDED.status_at,
                        last_seen_at = GREATEST(hub.last_seen_at, EXCLUDED.last_seen_at)
                    """)) {
                upsert.setString(1, hubId);
                upsert.setString(2, status.state().name());
                upsert.setString(3, status.software());
                upsert.setString(4, status.clock().name());
                upsert.setLong(5, status.outboxPending());
                upsert.setTimestamp(6, Timestamp.from(receivedAt));
                upsert.setTimestamp(7, Timestamp.from(receivedAt));
                upsert.executeUpdate();
            }
            if (status.state() == HubStatus.State.ONLINE) {
                onlineDetails(c, hubId, status);
            }
            // Battery levels for the cloud's low-battery rule, with the status they came in.
            DeviceBatteries.record(c, hubId, status.devices(), receivedAt);
            if (status.configVersion() != null) {
                // The version the hub applied never goes back: a delayed older status must not undo "applied".
                try (PreparedStatement u =
                        c.prepareStatement("UPDATE hub SET config_applied = ?, config_applied_at = ? "
                                + "WHERE hub_id = ? AND (config_applied IS NULL OR config_applied < ?)")) {
                    u.setLong(1, status.configVersion());
                    u.setTimestamp(2, Timestamp.from(receivedAt));
                    u.setString(3, hubId);
                    u.setLong(4, status.configVersion());
                    u.executeUpdate();
                }
            }
            for (HubStatus.DiscoveredDevice d : status.discovered()) {
                try (PreparedStatement u = c.prepareStatement("""
                        INSERT INTO discovered_device (hub_id, device_id, transport, name, model, detail, first_seen,
                                                       last_seen)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (hub_id, device_id) DO UPDATE SET transport = EXCLUDED.transport,
                            name = EXCLUDED.name, model = EXCLUDED.model, detail = EXCLUDED.detail,
                            last_seen = GREATEST(discovered_device.last_seen, EXCLUDED.last_seen)""")) {
                    Instant seen = d.lastSeen() == null ? receivedAt : d.lastSeen();
                    u.setString(1, hubId);
                    u.setString(2, d.deviceId());
                    u.setString(3, d.transport());
                    u.setString(4, d.name());
                    u.setString(5, d.model());
                    u.setString(6, d.detail());
                    u.setTimestamp(7, Timestamp.from(seen));
                    u.setTimestamp(8, Timestamp.from(seen));
                    u.executeUpdate();
                }
                keepHeldReadings(c, hubId, d, receivedAt);
            }
            return null;
        });
    }

    /**
     * The readings the hub reports for a device that is not bound: kept apart from every patient's data (idempotent:
     * a status repeats them), and kept for {@link #HELD_READINGS_KEPT}.
     */
    private static void keepHeldReadings(Connection c, String hubId, HubStatus.DiscoveredDevice d, Instant receivedAt)
            throws SQLException {
        if (d.readings().isEmpty()) {
            return;
        }
        try (PreparedStatement u = c.prepareStatement("""
                INSERT INTO discovered_reading (hub_id, device_id, code, value, unit, device_time, received_at,
                                                reported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            for (HubStatus.HeldReading r : d.readings()) {
                u.setString(1, hubId);
                u.setString(2, d.deviceId());
                u.setString(3, r.code());
                if (r.value() == null) {
                    u.setNull(4, Types.DOUBLE);
                } else {
                    u.setDouble(4, r.value());
                }
                u.setString(5, r.unit());
                u.setObject(6, r.deviceTime());
                u.setTimestamp(7, Timestamp.from(r.received()));
                u.setTimestamp(8, Timestamp.from(receivedAt));
                u.addBatch();
            }
            u.executeBatch();
        }
        try (PreparedStatement old =
                c.prepareStatement("DELETE FROM discovered_reading WHERE hub_id = ? AND received_at < ?")) {
            old.setString(1, hubId);
            old.setTimestamp(2, Timestamp.from(receivedAt.minus(HELD_READINGS_KEPT)));
            old.executeUpdate();
        }
    }
}
