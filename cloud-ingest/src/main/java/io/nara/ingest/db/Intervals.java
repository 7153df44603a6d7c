package io.nara.ingest.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.util.PGInterval;

/** PostgreSQL intervals as Durations and back. */
public final class Intervals {

    private Intervals() {}

    public static PGInterval of(Duration d) {
        return new PGInterval(0, 0, 0, 0, 0, d.toMillis() / 1000.0);
    }

    public static Duration duration(PGInterval i) {
        if (i == null) {
            return null;
        }
        return Duration.ofDays(i.getDays())
                .plusHours(i.getHours())
                .plusMinutes(i.getMinutes())
                .plusMillis(Math.round(i.getSeconds() * 1000));
    }

    /** An interval column as a Duration; null for SQL NULL. */
    public static Duration read(ResultSet row, String column) throws SQLException {
        return duration((PGInterval) row.getObject(column));
    }
}
