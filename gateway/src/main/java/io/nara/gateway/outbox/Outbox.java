package io.nara.gateway.outbox;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.SeqRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The hub's store-and-forward queue in SQLite. Every observation and alert is written here, with its sequence number,
 * before the device is told its record was received; a row leaves only when the cloud acknowledges its sequence.
 *
 * <p>Blocking and not thread-safe: call it from one worker thread only (the hub uses a single-threaded executor).
 * WAL with {@code synchronous=FULL} makes a commit durable before it returns, so a power cut after a device was
 * acknowledged cannot lose the record; WAL also keeps the database consistent if power fails mid-write.
 */
public final class Outbox implements AutoCloseable {

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS outbox (
            seq       INTEGER PRIMARY KEY,
            kind      TEXT    NOT NULL,
            body      TEXT    NOT NULL,
            stored_at INTEGER NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS outbox_by_kind ON outbox (kind, seq)",
        // Kept apart from the outbox so a sequence number is never reused after its rows are pruned. The outbox id
        // is made once, with the database: a new database (a reinstalled hub) is a new numbering.
        """
        CREATE TABLE IF NOT EXISTS sequence (
            id        INTEGER PRIMARY KEY CHECK (id = 1),
            next_seq  INTEGER NOT NULL,
            outbox_id TEXT    NOT NULL)""",
        "INSERT OR IGNORE INTO sequence (id, next_seq, outbox_id) VALUES (1, 1, lower(hex(randomblob(16))))",
        """
        CREATE TABLE IF NOT EXISTS quarantine (
            id        INTEGER PRIMARY KEY,
            device_id TEXT    NOT NULL,
            source    TEXT    NOT NULL,
            raw       BLOB,
            problem   TEXT    NOT NULL,
            at        INTEGER NOT NULL)""",
    };

    private final Connection connection;
    private final MessageCodec codec;
    private final Clock clock;
    private final String id;

    private Outbox(Connection connection, MessageCodec codec, Clock clock, String id) {
        this.connection = connection;
        this.codec = codec;
        this.clock = clock;
        this.id = id;
    }

    /** Opens (and creates) the outbox at {@code file}. */
    public static Outbox open(Path file, MessageCodec codec, Clock clock) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            connection.setAutoCommit(false);
            String id;
            try (Statement s = connection.createStatement();
                 ResultSet row = s.executeQuery("SELECT outbox_id FROM sequence WHERE id = 1")) {
                row.next();
                id = asUuid(row.getString(1));
            }
            connection.commit();
            return new Outbox(connection, codec, clock, id);
        } catch (SQLException | java.io.IOException e) {
            throw new OutboxException("cannot open outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores the entries that {@code build} makes in one transaction. {@code build} draws sequence numbers from the
     * supplier it is given, so an alert can name the sequence of the observation that raised it.
     *
     * @return the stored entries, once they are durable
     */
    public List<OutboxEntry> append(Function<LongSupplier, List<OutboxEntry>> build) {
        try {
            long first = nextSeq();
            long[] next = {first};
            List<OutboxEntry> entries = build.apply(() -> next[0]++);
            long stamp = clock.millis();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO outbox (seq, kind, body, stored_at) VALUES (?, ?, ?, ?)")) {
                for (OutboxEntry entry : entries) {
                    if (entry.seq() < first || entry.seq() >= next[0]) {
                        throw new IllegalArgumentException("entry seq " + entry.seq() + " was not drawn for this append");
                    }
                    insert.setLong(1, entry.seq());
                    insert.setString(2, entry.kind().name());
                    insert.setString(3, codec.toJson(entry.body()));
                    insert.setLong(4, stamp);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE sequence SET next_seq = ? WHERE id = 1")) {
                update.setLong(1, next[0]);
                update.executeUpdate();
            }
            connection.commit();
            return entries;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot append to outbox: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    /** Up to {@code limit} entries of one kind with a sequence above {@code afterSeq}, in sequence order. */
    public List<OutboxEntry> pending(OutboxEntry.Kind kind, long afterSeq, int limit) {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT body FROM outbox WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            query.setString(1, kind.name());
            query.setLong(2, afterSeq);
            query.setInt(3, limit);
            List<OutboxEntry> entries = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byte[] body = rows.getString(1).getBytes(StandardCharsets.UTF_8);
                    entries.add(kind == OutboxEntry.Kind.ALERT
                            ? new OutboxEntry.AlertEntry(codec.decode(body, Alert.class))
                            : new OutboxEntry.ObservationEntry(codec.decode(body, Observation.class)));
                }
            }
            connection.commit();
            return entries;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot read outbox: " + e.getMessage(), e);
        }
    }

    /** Removes the acknowledged sequence numbers; returns how many rows went. */
    public int delete(List<SeqRange> ranges) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE seq BETWEEN ? AND ?")) {
            int removed = 0;
            for (SeqRange range : ranges) {
                delete.setLong(1, range.from());
                delete.setLong(2, range.to());
                removed += delete.executeUpdate();
            }
            connection.commit();
            return removed;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot prune outbox: " + e.getMessage(), e);
        }
    }

    /** This outbox's id (a UUID), sent with every message and echoed in every ack. */
    public String id() {
        return id;
    }

    /** Records still waiting for the cloud's acknowledgement. */
    public long size() {
        return count("SELECT count(*) FROM outbox");
    }

    /** Keeps bytes that could not be turned into observations, with the reason, for an installer to inspect. */
    public void quarantine(String deviceId, String source, byte[] raw, String problem) {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO quarantine (device_id, source, raw, problem, at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, deviceId);
            insert.setString(2, source);
            insert.setBytes(3, raw);
            insert.setString(4, problem);
            insert.setLong(5, clock.millis());
            insert.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot quarantine bytes from " + deviceId + ": " + e.getMessage(), e);
        }
    }

    /** Rows in quarantine. */
    public long quarantined() {
        return count("SELECT count(*) FROM quarantine");
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new OutboxException("cannot close outbox: " + e.getMessage(), e);
        }
    }

    /** SQLite makes 32 hex digits; written as a UUID they are what the protocol expects. */
    private static String asUuid(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private long nextSeq() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("SELECT next_seq FROM sequence WHERE id = 1")) {
            row.next();
            return row.getLong(1);
        }
    }

    private long count(String sql) {
        try (Statement s = connection.createStatement(); ResultSet row = s.executeQuery(sql)) {
            row.next();
            long n = row.getLong(1);
            connection.commit();
            return n;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot count outbox rows: " + e.getMessage(), e);
        }
    }

    private void rollback(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
