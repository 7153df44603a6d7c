package io.nara.ingest.careplan;

import io.nara.protocol.message.HubStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest battery level of each device ({@code device_battery}, V21), as the hub's status reports it, for the
 * low-battery rule of {@link SilenceWatch}.
 */
public final class DeviceBatteries {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceBatteries.class);

    /** A device's level and when its current discharge began (the low-battery episode's start). */
    public record Level(int percent, Instant since) {}

    private DeviceBatteries() {}

    /**
     * Notes the levels in a status, in the caller's transaction. A device without a level (the hub does not know it)
     * or missing from the status (the last will lists none) keeps its last known level: unknown is not "charged".
     * A status received before the stored one (two nodes, out of order) changes nothing.
     */
    public static void record(Connection c, String hubId, List<HubStatus.DeviceStatus> devices, Instant receivedAt)
            throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO device_battery (hub_id, device_id, percent, since, reported_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (hub_id, device_id) DO UPDATE SET percent = EXCLUDED.percent,
                    since = CASE WHEN EXCLUDED.percent > device_battery.percent THEN EXCLUDED.since
                                 ELSE device_battery.since END,
                    reported_at = EXCLUDED.reported_at
                WHERE device_battery.reported_at <= EXCLUDED.reported_at""")) {
            for (HubStatus.DeviceStatus d : devices) {
                Integer percent = d.batteryPercent();
                if (percent == null || d.deviceId() == null) {
                    continue;
                }
                if (percent < 0 || percent > 100) {
                    // A broken battery report must not cost the rest of the status (hub state, last seen).
                    LOG.warn("hub {} reports battery {} % for {}; ignored", hubId, percent, d.deviceId());
                    continue;
                }
                upsert.setString(1, hubId);
                upsert.setString(2, d.deviceId());
                upsert.setInt(3, percent);
                upsert.setTimestamp(4, Timestamp.from(receivedAt));
                upsert.setTimestamp(5, Timestamp.from(receivedAt));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** The known levels of a hub's devices, by device id. */
    static Map<String, Level> of(Connection c, String hubId) throws SQLException {
        Map<String, Level> levels = new HashMap<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT device_id, percent, since FROM device_battery WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    levels.put(
                            r.getString("device_id"),
                            new Level(
                                    r.getInt("percent"), r.getTimestamp("since").toInstant()));
                }
            }
        }
        return levels;
    }
}
