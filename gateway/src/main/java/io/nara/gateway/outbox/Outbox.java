package io.nara.gateway.outbox;

import io.nara.gateway.clock.HubClock;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.SeqRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's store-and-forward queue in SQLite. Every observation and alert is written here, with its sequence number,
 * before the device is told its record was received; a row leaves only when the cloud acknowledges its sequence, or
 * when the storage policy must make room (see {@link StorageLimits}; alerts are never dropped).
 *
 * <p>Blocking and not thread-safe: call it from one worker thread only (the hub uses a single-threaded executor).
 * WAL with {@code synchronous=FULL} makes a commit durable before it returns, so a power cut after a device was
 * acknowledged cannot lose the record; WAL also keeps the database consistent if power fails mid-write.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** Priorities, in the order the storage policy gives rows up. */
    private static final int CONTINUOUS_SAMPLE = 0;

    private static final int OBSERVATION = 1;
    private static final int ALERT = 2;

    /** SQLite's result code for "database or disk is full". */
    private static final int SQLITE_FULL = 13;

    /**
     * Schema versions, applied in order and recorded in {@code PRAGMA user_version}, so a hub's existing database is
     * upgraded in place. Append; never edit a version that has shipped.
     */
    private static final String[][] MIGRATIONS = {
        { // 1: the walking skeleton
            """
            CREATE TABLE IF NOT EXISTS outbox (
                seq       INTEGER PRIMARY KEY,
                kind      TEXT    NOT NULL,
                body      TEXT    NOT NULL,
                stored_at INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS outbox_by_kind ON outbox (kind, seq)",
            // Kept apart from the outbox so a sequence number is never reused after its rows are pruned. The outbox
            // id is made once, with the database: a new database (a reinstalled hub) is a new numbering.
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
        },
        { // 2: the storage policy needs each row's priority and, for observations, its series (patient and code)
            "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE outbox ADD COLUMN series TEXT",
            "UPDATE outbox SET priority = 2 WHERE kind = 'ALERT'",
            "CREATE INDEX outbox_by_priority ON outbox (priority, seq)",
        },
        { // 3: observations received while the hub's clock was not synchronised wait here, with the monotonic time
            // and boot they were received in, until the clock is right and they can be re-timed
            "ALTER TABLE outbox ADD COLUMN held_mono INTEGER", "ALTER TABLE outbox ADD COLUMN held_boot TEXT",
        },
        { // 4: the keys of device records already stored, so that a record the device sends again (its stored records
            // replayed after a link that dropped before the device was told) is not stored twice, even after a restart.
            // Kept apart from the outbox: a record acknowledged by the cloud and pruned may still be on the device.
            """
            CREATE TABLE received_record (
                id        INTEGER PRIMARY KEY,
                device_id TEXT    NOT NULL,
                record    TEXT    NOT NULL,
                UNIQUE (device_id, record))""",
        },
        { // 5: what the storage policy gave up since the outbox was last empty, kept with the rows so that a restart
            // (a power cut during a long time offline) does not hide it from the cloud
            """
            CREATE TABLE storage_policy (
                id               INTEGER PRIMARY KEY CHECK (id = 1),
                thinned_samples  INTEGER NOT NULL,
                dropped_readings INTEGER NOT NULL)""", "INSERT INTO storage_policy (id, thinned_samples, dropped_readings) VALUES (1, 0, 0)",
        },
        { // 6: what the care plan's rules remember (RuleStateStore): readings for window, baseline and repetition
            // rules, and the open episodes. IF NOT EXISTS because hubs before this version created them unversioned.
            """
            CREATE TABLE IF NOT EXISTS rule_reading (
                patient_id  TEXT    NOT NULL,
                code        TEXT    NOT NULL,
                device_id   TEXT    NOT NULL,
                time_ms     INTEGER NOT NULL,
                value       REAL,
                unit        TEXT    NOT NULL,
                failed      INTEGER NOT NULL,
                not_patient INTEGER NOT NULL,
                seq         INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS rule_reading_by_time ON rule_reading (patient_id, time_ms)",
            "CREATE INDEX IF NOT EXISTS rule_reading_by_signal ON rule_reading (patient_id, code, time_ms)",
            """
            CREATE TABLE IF NOT EXISTS rule_episode (
                patient_id  TEXT    NOT NULL,
                episode_key TEXT    NOT NULL,
                episode_id  TEXT    NOT NULL,
                rule_id     TEXT    NOT NULL,
                severity    TEXT    NOT NULL,
                opened_ms   INTEGER NOT NULL,
                reference   REAL,
                PRIMARY KEY (patient_id, episode_key))""",
        },
    };

    /**
     * A device record by what identifies it, e.g. the characteristic and the bytes of a time-stamped GATT record.
     *
     * @param deviceId the device
     * @param record   the record's identity on that device
     */
    public record RecordKey(String deviceId, String record) {}

    private final Connection connection;
    private final MessageCodec codec;
    private final Clock clock;
    private final String id;
    private final StorageLimits limits;
    /** Rows in the outbox, as of the last commit; volatile so the status page may read it from another thread. */
    private volatile long count;
    // Written by the outbox's thread, read by the status page: volatile, like the count. The two counts mirror the
    // storage_policy row (since the outbox was last empty); full is only the last write's outcome.
    private volatile long thinnedSamples;
    private volatile long droppedReadings;
    private volatile boolean full;
    private Runnable onRollback = () -> {};
    private LongConsumer onCommit = nanos -> {};
    private final String bootId = HubClock.bootId();

    private Outbox(
            Connection connection, MessageCodec codec, Clock clock, String id, StorageLimits limits, long count) {
        this.connection = connection;
        this.codec = codec;
        this.clock = clock;
        this.id = id;
        this.limits = limits;
        this.count = count;
    }

    /** Opens (and creates or upgrades) the outbox at {@code file}. */
    public static Outbox open(Path file, MessageCodec codec, Clock clock, StorageLimits limits) {
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
                long pageSize = single(s, "PRAGMA page_size");
                s.execute("PRAGMA max_page_count=" + Math.max(16, limits.maxBytes() / pageSize));
            }
            connection.setAutoCommit(false);
            migrate(connection);
            String id;
            long count;
            try (Statement s = connection.createStatement()) {
                try (ResultSet row = s.executeQuery("SELECT outbox_id FROM sequence WHERE id = 1")) {
                    row.next();
                    id = asUuid(row.getString(1));
                }
                count = single(s, "SELECT count(*) FROM outbox");
            }
            connection.commit();
            Outbox outbox = new Outbox(connection, codec, clock, id, limits, count);
            outbox.readPolicy();
            connection.commit();
            return outbox;
        } catch (SQLException | IOException e) {
            throw new OutboxException("cannot open outbox " + file + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            int version = (int) single(s, "PRAGMA user_version");
            for (int v = version; v < MIGRATIONS.length; v++) {
                for (String ddl : MIGRATIONS[v]) {
                    s.execute(ddl);
                }
                s.execute("PRAGMA user_version = " + (v + 1));
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Stores the entries that {@code build} makes in one transaction. {@code build} draws sequence numbers from the
     * supplier it is given, so an alert can name the sequence of the observation that raised it.
     *
     * @return the stored entries, once they are durable
     * @throws OutboxFullException when the outbox cannot take the observations even after making room; alerts are
     *                             taken whatever the record limit
     */
    public List<OutboxEntry> append(Function<LongSupplier, List<OutboxEntry>> build) {
        return append(null, build);
    }

    /**
     * Like {@link #append(Function)}, once per {@code key}: a record whose key the outbox already has is not stored
     * again (nor are its rules evaluated again), and the result is empty. The key is written in the same transaction as
     * the entries, so it exists exactly when they were stored; the oldest keys beyond
     * {@link StorageLimits#maxRecordKeys()} are forgotten.
     *
     * @param key the record's key, or null for a reading that has none
     */
    public List<OutboxEntry> append(RecordKey key, Function<LongSupplier, List<OutboxEntry>> build) {
        try {
            if (key != null && !claim(key)) {
                connection.rollback();
                return List.of();
            }
            long first = nextSeq();
            long[] next = {first};
            List<OutboxEntry> entries = build.apply(() -> next[0]++);
            makeRoom(entries);
            long stamp = clock.millis();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO outbox (seq, kind, body, stored_at, priority, series, held_mono, held_boot) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (OutboxEntry entry : entries) {
                    if (entry.seq() < first || entry.seq() >= next[0]) {
                        throw new IllegalArgumentException(
                                "entry seq " + entry.seq() + " was not drawn for this append");
                    }
                    insert.setLong(1, entry.seq());
                    insert.setString(2, entry.kind().name());
                    insert.setString(3, codec.toJson(entry.body()));
                    insert.setLong(4, stamp);
                    insert.setInt(5, priority(entry));
                    insert.setString(6, series(entry));
                    if (heldForClock(entry)) {
                        // Appended within milliseconds of receipt: close enough to re-time from.
                        insert.setLong(7, System.nanoTime());
                        insert.setString(8, bootId);
                    } else {
                        insert.setNull(7, Types.INTEGER);
                        insert.setNull(8, Types.VARCHAR);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE sequence SET next_seq = ? WHERE id = 1")) {
                update.setLong(1, next[0]);
                update.executeUpdate();
            }
            long committing = System.nanoTime();
            connection.commit();
            onCommit.accept(System.nanoTime() - committing);
            count += entries.size();
            full = false;
            return entries;
        } catch (SQLException e) {
            rollback(e);
            recount();
            if (e.getErrorCode() == SQLITE_FULL
                    || String.valueOf(e.getMessage()).contains("SQLITE_FULL")) {
                full = true;
                throw new OutboxFullException(
                        "the outbox has reached its size limit of " + limits.maxBytes()
                                + " bytes (or the disk is full); the device keeps its record",
                        e);
            }
            throw new OutboxException("cannot append to outbox: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback(e);
            recount();
            throw e;
        }
    }

    /**
     * Makes room for {@code entries} under the record limit, inside the caller's transaction. Continuous samples go
     * first: every other one of the oldest (a night sampled every other second still shows the night), then the
     * oldest of the rest; then the oldest observations. The newest reading of each patient's signal stays, and alerts
     * are never dropped.
     */
    private void makeRoom(List<OutboxEntry> entries) throws SQLException {
        long needed = count + entries.size() - limits.maxRecords();
        if (needed <= 0) {
            return;
        }
        List<Long> samples = seqs(
                "SELECT seq FROM outbox WHERE priority = " + CONTINUOUS_SAMPLE + " ORDER BY seq LIMIT ?", needed * 2);
        List<Long> everyOther = new ArrayList<>();
        for (int i = 1; i < samples.size() && everyOther.size() < needed; i += 2) {
            everyOther.add(samples.get(i));
        }
        deleteSeqs(everyOther);
        thinnedSamples += everyOther.size();
        needed -= everyOther.size();
        long dropped = dropOldest(CONTINUOUS_SAMPLE, needed);
        thinnedSamples += dropped;
        needed -= dropped;
        long thinned = everyOther.size() + dropped;
        dropped = dropOldest(OBSERVATION, needed);
        droppedReadings += dropped;
        needed -= dropped;
        if (thinned + dropped > 0) {
            // In the append's transaction: a rollback undoes the count with the rows (recount reads it back).
            try (PreparedStatement update = connection.prepareStatement("UPDATE storage_policy SET thinned_samples = "
                    + "thinned_samples + ?, dropped_readings = dropped_readings + ? WHERE id = 1")) {
                update.setLong(1, thinned);
                update.setLong(2, dropped);
                update.executeUpdate();
            }
        }
        count = single("SELECT count(*) FROM outbox");
        boolean onlyAlerts = entries.stream().allMatch(e -> e.kind() == OutboxEntry.Kind.ALERT);
        if (needed > 0 && !onlyAlerts) {
            full = true;
            throw new OutboxFullException("the outbox holds " + count + " records, its limit is " + limits.maxRecords()
                    + ", and only alerts and the newest reading of each signal are left; the device keeps its record");
        }
    }

    /** Deletes up to {@code n} of the oldest rows of one priority, never the newest of a series; returns how many. */
    private long dropOldest(int priority, long n) throws SQLException {
        if (n <= 0) {
            return 0;
        }
        List<Long> oldest = seqs(
                "SELECT seq FROM outbox WHERE priority = " + priority + " AND seq NOT IN "
                        + "(SELECT max(seq) FROM outbox WHERE priority = " + priority + " GROUP BY series) "
                        + "ORDER BY seq LIMIT ?",
                n);
        deleteSeqs(oldest);
        return oldest.size();
    }

    /**
     * Writes the key in the append's transaction, so it exists exactly when the record's entries do, and forgets the
     * oldest beyond the limit (ids only grow).
     *
     * @return false when the outbox already has the key: the record was stored before
     */
    private boolean claim(RecordKey key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO received_record (device_id, record) VALUES (?, ?)")) {
            insert.setString(1, key.deviceId());
            insert.setString(2, key.record());
            if (insert.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement prune =
                connection.prepareStatement("DELETE FROM received_record WHERE id <= last_insert_rowid() - ?")) {
            prune.setLong(1, limits.maxRecordKeys());
            prune.executeUpdate();
        }
        return true;
    }

    /** Up to {@code limit} entries of one kind with a sequence above {@code afterSeq}, in sequence order. */
    public List<OutboxEntry> pending(OutboxEntry.Kind kind, long afterSeq, int limit) {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT body, priority FROM outbox WHERE kind = ? AND seq > ? AND held_boot IS NULL ORDER BY seq LIMIT ?")) {
            query.setString(1, kind.name());
            query.setLong(2, afterSeq);
            query.setInt(3, limit);
            List<OutboxEntry> entries = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byte[] body = rows.getString(1).getBytes(StandardCharsets.UTF_8);
                    entries.add(
                            kind == OutboxEntry.Kind.ALERT
                                    ? new OutboxEntry.AlertEntry(codec.decode(body, Alert.class))
                                    : new OutboxEntry.ObservationEntry(
                                            codec.decode(body, Observation.class),
                                            rows.getInt(2) == CONTINUOUS_SAMPLE));
                }
            }
            connection.commit();
            return entries;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot read outbox: " + e.getMessage(), e);
        }
    }

    /**
     * Releases the observations held because the hub's clock was not synchronised, now that it is: those received in
     * this boot get their time of receipt from the monotonic clock ({@code wallMillis} minus the monotonic time since
     * they were stored) and the flag {@code HUB_CLOCK_RETIMED}; those from an earlier boot cannot be re-timed and go
     * as they are, flagged {@code HUB_CLOCK_UNSYNCHRONIZED}.
     *
     * @return how many were re-timed and how many released as they were
     */
    public long[] retime(long wallMillis, long monoNanos) {
        try {
            List<Object[]> held = new ArrayList<>();
            try (Statement s = connection.createStatement();
                    ResultSet rows = s.executeQuery(
                            "SELECT seq, body, held_mono, held_boot FROM outbox WHERE held_boot IS NOT NULL")) {
                while (rows.next()) {
                    held.add(new Object[] {rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4)});
                }
            }
            long retimed = 0;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE outbox SET body = ?, held_mono = NULL, held_boot = NULL WHERE seq = ?")) {
                for (Object[] row : held) {
                    Observation o = codec.decode(((String) row[1]).getBytes(StandardCharsets.UTF_8), Observation.class);
                    if (bootId.equals(row[3])) {
                        long ageMillis = (monoNanos - (long) row[2]) / 1_000_000;
                        EnumSet<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
                        flags.addAll(o.flags());
                        flags.remove(ObservationFlag.HUB_CLOCK_UNSYNCHRONIZED);
                        flags.add(ObservationFlag.HUB_CLOCK_RETIMED);
                        Instant received = Instant.ofEpochMilli(wallMillis - ageMillis);
                        Instant effective = HeldDeviceTime.retime(o.effective(), o.received(), received);
                        if (o.effective() != null && effective == null) {
                            flags.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
                        }
                        o = new Observation(
                                o.seq(),
                                o.patientId(),
                                o.deviceId(),
                                o.code(),
                                o.value(),
                                o.unit(),
                                effective,
                                received,
                                flags);
                        retimed++;
                    }
                    update.setString(1, codec.toJson(o));
                    update.setLong(2, (long) row[0]);
                    update.addBatch();
                }
                update.executeBatch();
            }
            connection.commit();
            return new long[] {retimed, held.size() - retimed};
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot re-time held observations: " + e.getMessage(), e);
        }
    }

    private static boolean heldForClock(OutboxEntry entry) {
        return entry instanceof OutboxEntry.ObservationEntry o
                && o.observation().has(ObservationFlag.HUB_CLOCK_UNSYNCHRONIZED);
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
            // Everything the hub held has reached the cloud: what the policy gave up to get here is told (in the
            // status, and to the patients' nurses as a storage alert) and the next shortage is counted afresh.
            int drained;
            try (Statement reset = connection.createStatement()) {
                drained = reset.executeUpdate("UPDATE storage_policy SET thinned_samples = 0, dropped_readings = 0 "
                        + "WHERE (thinned_samples > 0 OR dropped_readings > 0) AND NOT EXISTS (SELECT 1 FROM outbox)");
            }
            connection.commit();
            count -= removed;
            if (drained > 0) {
                thinnedSamples = 0;
                droppedReadings = 0;
            }
            return removed;
        } catch (SQLException e) {
            rollback(e);
            recount();
            throw new OutboxException("cannot prune outbox: " + e.getMessage(), e);
        }
    }

    /**
     * Called after a transaction rolled back, so whoever keeps state derived from this database's tables in memory
     * (the rules) can drop it.
     */
    public void onRollback(Runnable listener) {
        this.onRollback = listener;
    }

    /** Told how long each append's commit took, in nanoseconds (the fsync a reading waits for; the hub's metrics). */
    public void onCommit(LongConsumer listener) {
        this.onCommit = listener;
    }

    /** When the oldest entry still waiting for an ack was stored (epoch ms), or null when the outbox is empty. */
    public Long oldestStoredAt() {
        try {
            Long oldest;
            try (PreparedStatement q = connection.prepareStatement("SELECT MIN(stored_at) FROM outbox");
                    ResultSet rs = q.executeQuery()) {
                long value = rs.next() ? rs.getLong(1) : 0;
                oldest = rs.wasNull() ? null : value;
            }
            connection.commit();
            return oldest;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot read the oldest entry: " + e.getMessage(), e);
        }
    }

    /** The last sequence number this outbox gave out (0 before the first); on the outbox's thread. */
    public long lastSeq() {
        try {
            long last = nextSeq() - 1;
            connection.commit();
            return last;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot read the outbox's sequence: " + e.getMessage(), e);
        }
    }

    /** This outbox's id (a UUID), sent with every message and echoed in every ack. */
    public String id() {
        return id;
    }

    /**
     * The outbox's connection, for a store that the same worker thread owns and that must write in the transaction of
     * {@link #append} (the care-plan rule state, {@code io.nara.gateway.careplan.RuleStateStore}). Never commit,
     * roll back or close it from such a store's per-reading work; append does that.
     */
    public Connection connection() {
        return connection;
    }

    /** Records still waiting for the cloud's acknowledgement; safe to call from any thread. */
    public long size() {
        return count;
    }

    /**
     * What the storage policy has done since the outbox was last empty (kept across restarts), and whether the last
     * write found it full; for the status page, the hub's status and its storage alert. Any thread.
     */
    public StorageState storageState() {
        return new StorageState(thinnedSamples, droppedReadings, full);
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

    /** What the quarantine holds: its size and its newest row (without the bytes); for the hub's status. */
    public HubStatus.Quarantine quarantineSummary() {
        try (PreparedStatement q = connection.prepareStatement(
                        "SELECT (SELECT count(*) FROM quarantine), device_id, problem, at FROM quarantine "
                                + "ORDER BY id DESC LIMIT 1");
                ResultSet r = q.executeQuery()) {
            HubStatus.Quarantine summary = r.next()
                    ? new HubStatus.Quarantine(
                            r.getLong(1), r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)))
                    : new HubStatus.Quarantine(0, null, null, null);
            connection.commit();
            return summary;
        } catch (SQLException e) {
            rollback(e);
            throw new OutboxException("cannot read the quarantine: " + e.getMessage(), e);
        }
    }

    /** Rows in quarantine. */
    public long quarantined() {
        return quarantineSummary().held();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new OutboxException("cannot close outbox: " + e.getMessage(), e);
        }
    }

    private static int priority(OutboxEntry entry) {
        if (entry instanceof OutboxEntry.ObservationEntry o) {
            return o.continuous() ? CONTINUOUS_SAMPLE : OBSERVATION;
        }
        return ALERT;
    }

    private static String series(OutboxEntry entry) {
        if (entry instanceof OutboxEntry.ObservationEntry o) {
            return o.observation().patientId() + "|" + o.observation().code();
        }
        return null;
    }

    /** SQLite makes 32 hex digits; written as a UUID they are what the protocol expects. */
    private static String asUuid(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private long nextSeq() throws SQLException {
        return single("SELECT next_seq FROM sequence WHERE id = 1");
    }

    private List<Long> seqs(String sql, long limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, limit);
            List<Long> seqs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
            return seqs;
        }
    }

    private void deleteSeqs(List<Long> seqs) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
            for (long seq : seqs) {
                delete.setLong(1, seq);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** After a failed transaction the cached count may be off; read it again. */
    private void recount() {
        try {
            count = single("SELECT count(*) FROM outbox");
            readPolicy();
            connection.commit();
        } catch (SQLException e) {
            // The connection itself is failing; the caller reports the original error and the next write recounts.
            rollback(e);
            LOG.warn("cannot recount the outbox: {}", e.getMessage());
        }
    }

    /** Reads what the storage policy gave up, as committed, into the fields the status reads. */
    private void readPolicy() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet row =
                        s.executeQuery("SELECT thinned_samples, dropped_readings FROM storage_policy WHERE id = 1")) {
            row.next();
            thinnedSamples = row.getLong(1);
            droppedReadings = row.getLong(2);
        }
    }

    private long single(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return single(s, sql);
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private void rollback(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            restartTransaction(cause);
        }
        onRollback.run();
    }

    /**
     * After some errors (SQLITE_FULL among them) SQLite has already rolled the transaction back, so our rollback fails
     * and the driver never begins the next transaction: every later commit would fail with "no transaction is
     * active". Toggling auto-commit makes the driver begin a fresh one.
     */
    private void restartTransaction(Exception cause) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // Expected: the driver's implicit COMMIT finds no transaction; the flag is switched all the same.
            cause.addSuppressed(e);
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            cause.addSuppressed(e);
            LOG.error("cannot begin a new outbox transaction after a failed one: {}", e.getMessage());
        }
    }
}
