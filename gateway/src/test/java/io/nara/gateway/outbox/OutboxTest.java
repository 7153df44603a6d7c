package io.nara.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.SeqRange;
import io.nara.protocol.message.Severity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against a real SQLite file: sequence numbers, acknowledgements, and the storage policy. */
class OutboxTest {

    private static final Instant T = Instant.parse("2026-11-23T07:00:00Z");
    private final MessageCodec codec = new MessageCodec();

    @TempDir
    Path dir;

    private Outbox open(long maxRecords, long maxBytes) {
        return Outbox.open(dir.resolve("outbox.db"), codec, Clock.systemUTC(), new StorageLimits(maxRecords, maxBytes));
    }

    private static OutboxEntry observation(long seq, String code, boolean continuous) {
        return new OutboxEntry.ObservationEntry(
                new Observation(seq, "p1", "dev", code, 95.0, "%", null, T.plusSeconds(seq), Set.of()), continuous);
    }

    private static OutboxEntry alert(long seq) {
        return new OutboxEntry.AlertEntry(
                new Alert(seq, "p1", "spo2-low", Severity.URGENT, "59408-5", 88.0, "%", "low", T, 0, "1", null, null));
    }

    @Test
    void theQuarantineSummaryCountsWhatIsHeldAndNamesTheNewestWithItsReason() {
        try (Outbox outbox = open(1000, 1 << 20)) {
            assertThat(outbox.quarantineSummary()).isEqualTo(new HubStatus.Quarantine(0, null, null, null));
            outbox.quarantine("scale-1", "coap:dtls", new byte[] {1, 2}, "device scale-1 is not bound to a patient");
            outbox.quarantine("poct-1", "astm", new byte[] {3}, "the analyzer names another patient");
            var summary = outbox.quarantineSummary();
            assertThat(summary.held()).isEqualTo(2);
            assertThat(summary.newestDevice()).isEqualTo("poct-1");
            assertThat(summary.newestProblem()).isEqualTo("the analyzer names another patient");
            assertThat(summary.newestAt()).isNotNull();
        }
    }

    @Test
    void aContinuousSampleGoesOutFlaggedSoEvenWhenStoredBeforeTheFlagExisted() throws Exception {
        try (Outbox outbox = open(1000, 1 << 20)) {
            outbox.append(seqs -> List.of(
                    observation(seqs.getAsLong(), "59408-5", true), observation(seqs.getAsLong(), "29463-7", false)));
        }
        // An entry an older hub version stored: continuous by its priority, no flag in its body.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(
                            "UPDATE outbox SET body = replace(body, '\"CONTINUOUS_SAMPLE\"', '') " + "WHERE seq = 1"))
                    .isEqualTo(1);
        }
        try (Outbox outbox = open(1000, 1 << 20)) {
            List<OutboxEntry> pending = outbox.pending(OutboxEntry.Kind.OBSERVATION, 0, 10);
            assertThat(pending)
                    .extracting(e -> ((Observation) e.body()).flags())
                    .containsExactly(Set.of(ObservationFlag.CONTINUOUS_SAMPLE), Set.of());
            assertThat(pending)
                    .extracting(e -> ((OutboxEntry.ObservationEntry) e).continuous())
                    .containsExactly(true, false);
        }
    }

    @Test
    void sequenceNumbersSurviveRestartsAndAreNeverReused() {
        String id;
        try (Outbox outbox = open(1000, 1 << 20)) {
            id = outbox.id();
            outbox.append(seqs -> List.of(observation(seqs.getAsLong(), "29463-7", false)));
            outbox.append(seqs -> List.of(observation(seqs.getAsLong(), "29463-7", false)));
            outbox.delete(List.of(new SeqRange(1, 2)));
            assertThat(outbox.size()).isZero();
        }
        try (Outbox outbox = open(1000, 1 << 20)) {
            assertThat(outbox.id()).isEqualTo(id);
            List<OutboxEntry> stored = outbox.append(seqs -> List.of(observation(seqs.getAsLong(), "29463-7", false)));
            assertThat(stored.get(0).seq()).isEqualTo(3);
        }
    }

    @Test
    void whenFullContinuousSamplesAreThinnedFirstAndAlertsAndNewestReadingsStay() {
        try (Outbox outbox = open(100, 1 << 22)) {
            outbox.append(seqs -> {
                List<OutboxEntry> entries = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    entries.add(observation(seqs.getAsLong(), "59408-5", true));
                }
                for (int i = 0; i < 30; i++) {
                    entries.add(observation(seqs.getAsLong(), "29463-7", false));
                }
                for (int i = 0; i < 5; i++) {
                    entries.add(alert(seqs.getAsLong()));
                }
                return entries;
            });
            // 95 stored; 20 more need 15 places: taken from the oldest continuous samples, every other one.
            outbox.append(seqs -> {
                List<OutboxEntry> entries = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    entries.add(observation(seqs.getAsLong(), "8480-6", false));
                }
                return entries;
            });
            assertThat(outbox.size()).isEqualTo(100);
            assertThat(outbox.storageState()).isEqualTo(new StorageState(15, 0, false));
            List<Long> samples = seqsOf(outbox.pending(OutboxEntry.Kind.OBSERVATION, 0, 1000), "59408-5");
            assertThat(samples).hasSize(45).startsWith(1L, 3L, 5L).contains(60L);
            assertThat(outbox.pending(OutboxEntry.Kind.ALERT, 0, 100)).hasSize(5);

            // Far more than fits: samples go, then older readings, never the newest of a signal, never alerts.
            assertThatThrownBy(() -> outbox.append(seqs -> {
                        List<OutboxEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 150; i++) {
                            entries.add(observation(seqs.getAsLong(), "8462-4", false));
                        }
                        return entries;
                    }))
                    .isInstanceOf(OutboxFullException.class)
                    .hasMessageContaining("the device keeps its record");
            assertThat(outbox.storageState().full()).isTrue();
            // The failed append rolled back: what was there is still there, and alerts are always taken.
            assertThat(outbox.size()).isEqualTo(100);
            outbox.append(seqs -> List.of(alert(seqs.getAsLong())));
            assertThat(outbox.pending(OutboxEntry.Kind.ALERT, 0, 100)).hasSize(6);
        }
    }

    @Test
    void whatThePolicyGaveUpSurvivesARestartAndIsCountedAfreshOnceEverythingReachedTheCloud() {
        try (Outbox outbox = open(10, 1 << 22)) {
            outbox.append(seqs -> {
                List<OutboxEntry> entries = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    entries.add(observation(seqs.getAsLong(), "59408-5", true));
                }
                entries.add(observation(seqs.getAsLong(), "29463-7", false));
                entries.add(observation(seqs.getAsLong(), "29463-7", false));
                return entries;
            });
            outbox.append(seqs -> List.of(
                    observation(seqs.getAsLong(), "8480-6", false), observation(seqs.getAsLong(), "8480-6", false)));
            assertThat(outbox.storageState()).isEqualTo(new StorageState(2, 0, false));
            // A write that cannot fit even so is rolled back whole: what it would have thinned is not counted.
            assertThatThrownBy(() -> outbox.append(seqs -> {
                        List<OutboxEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 30; i++) {
                            entries.add(observation(seqs.getAsLong(), "8462-4", false));
                        }
                        return entries;
                    }))
                    .isInstanceOf(OutboxFullException.class);
            assertThat(outbox.storageState()).isEqualTo(new StorageState(2, 0, true));
            assertThat(outbox.storageState().inStatus(outbox.size(), 10))
                    .isEqualTo(new HubStatus.Storage(2, 0, true, 10, 10));
        }
        try (Outbox restarted = open(10, 1 << 22)) {
            // A power cut does not hide what was given up; whether the last write failed is that run's news only.
            assertThat(restarted.storageState()).isEqualTo(new StorageState(2, 0, false));
            restarted.delete(List.of(new SeqRange(1, 5)));
            assertThat(restarted.storageState()).isEqualTo(new StorageState(2, 0, false));
            restarted.delete(List.of(new SeqRange(1, 100)));
            assertThat(restarted.size()).isZero();
            assertThat(restarted.storageState()).isEqualTo(new StorageState(0, 0, false));
        }
        try (Outbox again = open(10, 1 << 22)) {
            assertThat(again.storageState()).isEqualTo(new StorageState(0, 0, false));
        }
    }

    @Test
    void theNewestReadingOfEachSignalIsKeptWhenOlderOnesMustGo() {
        try (Outbox outbox = open(10, 1 << 22)) {
            outbox.append(seqs -> {
                List<OutboxEntry> entries = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    entries.add(observation(seqs.getAsLong(), "29463-7", false));
                    entries.add(observation(seqs.getAsLong(), "8480-6", false));
                }
                return entries;
            });
            outbox.append(seqs -> List.of(
                    observation(seqs.getAsLong(), "8462-4", false), observation(seqs.getAsLong(), "8462-4", false)));
            assertThat(outbox.storageState().droppedReadings()).isEqualTo(2);
            List<OutboxEntry> left = outbox.pending(OutboxEntry.Kind.OBSERVATION, 0, 100);
            assertThat(seqsOf(left, "29463-7")).contains(9L);
            assertThat(seqsOf(left, "8480-6")).contains(10L);
            assertThat(left).extracting(OutboxEntry::seq).doesNotContain(1L, 2L);
        }
    }

    @Test
    void aFullDiskRefusesTheWriteCleanlyAndKeepsTheDatabaseIntact() throws Exception {
        long kept = 0;
        try (Outbox outbox = open(1_000_000, 256 * 1024)) {
            for (int round = 0; round < 10_000; round++) {
                try {
                    outbox.append(seqs -> {
                        List<OutboxEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            entries.add(observation(seqs.getAsLong(), "59408-5", true));
                        }
                        return entries;
                    });
                } catch (OutboxFullException e) {
                    assertThat(e).hasMessageContaining("size limit");
                    break;
                }
            }
            assertThat(outbox.storageState().full()).isTrue();
            kept = outbox.size();
            assertThat(kept).isPositive();
            // Acknowledgements still work, and then there is room again.
            outbox.delete(List.of(new SeqRange(1, 100)));
            outbox.append(seqs -> List.of(observation(seqs.getAsLong(), "29463-7", false)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet check = s.executeQuery("PRAGMA integrity_check")) {
            check.next();
            assertThat(check.getString(1)).isEqualTo("ok");
        }
        try (Outbox reopened = open(1_000_000, 256 * 1024)) {
            assertThat(reopened.size()).isEqualTo(kept - 100 + 1);
        }
    }

    @Test
    void aDatabaseFromTheFirstVersionIsUpgradedInPlace() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, "
                    + "stored_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE sequence (id INTEGER PRIMARY KEY CHECK (id = 1), next_seq INTEGER NOT NULL, "
                    + "outbox_id TEXT NOT NULL)");
            s.execute("INSERT INTO sequence VALUES (1, 2, '0123456789abcdef0123456789abcdef')");
            s.execute("INSERT INTO outbox VALUES (1, 'ALERT', '"
                    + codec.toJson(((OutboxEntry.AlertEntry) alert(1)).alert()).replace("'", "''") + "', 0)");
            s.execute("PRAGMA user_version = 1");
        }
        try (Outbox outbox = open(1000, 1 << 20)) {
            assertThat(outbox.id()).isEqualTo("01234567-89ab-cdef-0123-456789abcdef");
            assertThat(outbox.pending(OutboxEntry.Kind.ALERT, 0, 10))
                    .extracting(OutboxEntry::seq)
                    .containsExactly(1L);
            assertThat(outbox.append(seqs -> List.of(observation(seqs.getAsLong(), "29463-7", false)))
                            .get(0)
                            .seq())
                    .isEqualTo(2);
        }
    }

    @Test
    void theRulesMemoryIsPartOfTheSchemaAndSurvivesTheUpgradeOfAHubThatMadeItUnversioned() throws Exception {
        try (Outbox outbox = open(1000, 1 << 20)) {
            try (Statement s = outbox.connection().createStatement()) {
                s.execute("INSERT INTO rule_episode VALUES ('p1', 'sys-low', 'e1', 'sys-low', 'URGENT', 0, NULL)");
            }
            outbox.connection().commit();
        }
        // A hub before version 6 created the same tables itself, unversioned: the upgrade keeps what they hold.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 5");
        }
        try (Outbox upgraded = open(1000, 1 << 20);
                Statement s = upgraded.connection().createStatement();
                ResultSet episodes = s.executeQuery("SELECT episode_id FROM rule_episode")) {
            assertThat(episodes.next()).isTrue();
            assertThat(episodes.getString("episode_id")).isEqualTo("e1");
            try (ResultSet version = s.executeQuery("PRAGMA user_version")) {
                version.next();
                assertThat(version.getInt(1)).isEqualTo(6);
            }
        }
    }

    @Test
    void aRecordTheDeviceSendsAgainAfterARestartIsNotStoredTwice() {
        Outbox.RecordKey record = new Outbox.RecordKey("AA:00:00:00:00:01", "gatt:0x2A35 1e7800");
        try (Outbox outbox = open(1000, 1 << 20)) {
            assertThat(outbox.append(record, seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .hasSize(1);
        }
        try (Outbox restarted = open(1000, 1 << 20)) {
            assertThat(restarted.append(record, seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .as("the same record after a restart")
                    .isEmpty();
            assertThat(restarted.size()).isEqualTo(1);
            // the key outlives the row: the cloud's ack prunes the reading, the device may still hold the record
            restarted.delete(List.of(new SeqRange(1, 1)));
            assertThat(restarted.append(record, seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .isEmpty();
            assertThat(restarted.append(
                            new Outbox.RecordKey("AA:00:00:00:00:02", record.record()),
                            seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .as("the same bytes from another device")
                    .hasSize(1);
        }
    }

    @Test
    void onlyTheNewestRecordKeysAreKept() throws Exception {
        try (Outbox outbox =
                Outbox.open(dir.resolve("outbox.db"), codec, Clock.systemUTC(), new StorageLimits(1000, 1 << 20, 3))) {
            for (int i = 1; i <= 5; i++) {
                outbox.append(
                        new Outbox.RecordKey("dev", "r" + i),
                        seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false)));
            }
            assertThat(outbox.append(
                            new Outbox.RecordKey("dev", "r5"),
                            seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .isEmpty();
            // r1 and r2 were forgotten to keep the table at its bound
            assertThat(outbox.append(
                            new Outbox.RecordKey("dev", "r1"),
                            seqs -> List.of(observation(seqs.getAsLong(), "8480-6", false))))
                    .hasSize(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*) FROM received_record")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(3);
        }
    }

    private static List<Long> seqsOf(List<OutboxEntry> entries, String code) {
        return entries.stream()
                .filter(e ->
                        ((OutboxEntry.ObservationEntry) e).observation().code().equals(code))
                .map(OutboxEntry::seq)
                .toList();
    }

    /**
     * A hub booted after a power cut two days behind: a cuff reading arrives, its device time on that same wrong clock
     * (set from it, or a SenML time counted back from it). When NTP answers, the receipt and the device time move
     * together; the reading is not filed two days in the past.
     */
    @Test
    void reTimingMovesADeviceTimeThatRanOnTheHubsWrongClock() {
        Instant wrongNow = Instant.parse("2026-11-21T07:30:00Z");
        try (Outbox outbox = open(1000, 1 << 20)) {
            outbox.append(seqs -> List.of(new OutboxEntry.ObservationEntry(
                    new Observation(
                            seqs.getAsLong(),
                            "p1",
                            "cuff",
                            "8480-6",
                            128.0,
                            "mm[Hg]",
                            wrongNow.minusSeconds(60),
                            wrongNow,
                            Set.of(ObservationFlag.HUB_CLOCK_UNSYNCHRONIZED)),
                    false)));
            long rightNow = Instant.parse("2026-11-23T07:30:00Z").toEpochMilli();
            outbox.retime(rightNow, System.nanoTime());
            Observation o = ((OutboxEntry.ObservationEntry)
                            outbox.pending(OutboxEntry.Kind.OBSERVATION, 0, 10).get(0))
                    .observation();
            assertThat(Duration.between(o.received(), Instant.ofEpochMilli(rightNow)))
                    .isLessThan(Duration.ofMinutes(1));
            assertThat(Duration.between(o.effective(), o.received()))
                    .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(61));
            assertThat(o.flags())
                    .contains(ObservationFlag.HUB_CLOCK_RETIMED)
                    .doesNotContain(ObservationFlag.HUB_CLOCK_UNSYNCHRONIZED);
        }
    }
}
