package io.nara.ingest.hub;

import io.nara.ingest.careplan.DeviceBatteries;
import io.nara.ingest.db.Database;
import io.nara.protocol.message.HubStatus;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;

/** What the cloud knows of each hub: when it was last heard from and what its status message said. */
public final class HubRegistry {

    private final Database db;

    public HubRegistry(Database db) {
        this.db = db;
    }

    public Future<Void> seen(String hubId, Instant at) {
        return db.transaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO hub (hub_id, last_seen_at) VALUES (?, ?)
                    ON CONFLICT (hub_id) DO UPDATE SET last_seen_at = GREATEST(hub.last_seen_at, EXCLUDED.last_seen_at)
                    """)) {
                upsert.setString(1, hubId);
                upsert.setTimestamp(2, Timestamp.from(at));
                upsert.executeUpdate();
            }
            return null;
        });
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
            // Battery levels for the cloud's low-battery rule, with the status they came in (issue 6).
            DeviceBatteries.record(c, hubId, status.devices(), receivedAt);
            return null;
        });
    }
}
