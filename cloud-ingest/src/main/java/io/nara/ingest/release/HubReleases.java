package io.nara.ingest.release;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/** The hub releases and their rollout (table {@code hub_release}, owned here). */
public final class HubReleases {

    /**
     * A release and who gets it.
     *
     * @param version    the package version (Debian)
     * @param percentage the share of all hubs that get it, 0..100 (by a stable bucket per hub id)
     * @param hubs       hubs that get it whatever the percentage (a pilot group)
     * @param downgrade  whether it may replace a newer version (going back on purpose)
     */
    public record Release(
            String version,
            int percentage,
            List<String> hubs,
            boolean downgrade,
            Instant releasedAt,
            String releasedBy) {

        public boolean includes(String hubId) {
            return hubs.contains(hubId) || bucket(hubId) < percentage;
        }
    }

    private HubReleases() {}

    /** The hub's place in a rollout, 0..99: the same every time, so raising a percentage only adds hubs. */
    public static int bucket(String hubId) {
        CRC32 crc = new CRC32();
        crc.update(hubId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }

    public static void release(Connection c, Release r) throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO hub_release (version, percentage, hubs, downgrade, released_at, released_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (version) DO UPDATE SET percentage = EXCLUDED.percentage, hubs = EXCLUDED.hubs,
                    downgrade = EXCLUDED.downgrade, released_at = EXCLUDED.released_at,
                    released_by = EXCLUDED.released_by
                """)) {
            upsert.setString(1, r.version());
            upsert.setInt(2, r.percentage());
            upsert.setArray(3, c.createArrayOf("text", r.hubs().toArray()));
            upsert.setBoolean(4, r.downgrade());
            upsert.setTimestamp(5, Timestamp.from(r.releasedAt()));
            upsert.setString(6, r.releasedBy());
            upsert.executeUpdate();
        }
    }

    /** Newest first. */
    public static List<Release> all(Connection c) throws SQLException {
        List<Release> releases = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT version, percentage, hubs, downgrade, released_at, "
                        + "released_by FROM hub_release ORDER BY released_at DESC, version DESC");
                ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                Array hubs = rs.getArray("hubs");
                releases.add(new Release(
                        rs.getString("version"),
                        rs.getInt("percentage"),
                        List.of((String[]) hubs.getArray()),
                        rs.getBoolean("downgrade"),
                        rs.getTimestamp("released_at").toInstant(),
                        rs.getString("released_by")));
            }
        }
        return releases;
    }

    /** The release a hub should run: the newest that includes it. */
    public static Optional<Release> pinned(List<Release> newestFirst, String hubId) {
        return newestFirst.stream().filter(r -> r.includes(hubId)).findFirst();
    }

    /** Versions listed in the repository's index (what a hub can actually install). */
    public static boolean published(Set<String> publishedVersions, String version) {
        return publishedVersions.contains(version);
    }
}
