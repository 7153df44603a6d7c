package io.nara.gateway.careplan;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import io.nara.rules.episode.AlertEvent;
import io.nara.rules.episode.CarePlanEngine;
import io.nara.rules.episode.Episode;
import io.nara.rules.episode.Evaluation;
import io.nara.rules.episode.PatientState;
import io.nara.rules.episode.Reading;
import io.nara.rules.episode.ReadingHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the hub's rules remember, in the outbox's SQLite database: readings for window, baseline and repetition rules,
 * and the open episodes. It writes on the outbox's connection inside {@code Outbox.append}, so an alert and the
 * episode state that raised it are committed together or not at all: a power cut can neither lose an episode (and
 * raise it again) nor keep one whose alert was never stored.
 *
 * <p>Each patient's state is also kept in memory between readings, so a reading costs one evaluation, not a reload
 * of days of history (with a continuous oximeter that reload made every reading slower than the last). SQLite stays
 * the truth: the memory is dropped whenever an outbox transaction rolls back ({@link #forget()}) and reloaded.
 * History is bounded to {@link #MAX_READINGS_PER_SIGNAL} newest readings per signal, in memory and on disk: enough
 * for every rule on daily or weekly measurements, and about 80 minutes of a 1 Hz oximeter, whose rules are thresholds.
 *
 * <p>Blocking and not thread-safe: the outbox's single worker thread owns it.
 */
public final class RuleStateStore implements HubRules {

    /** The most readings of one signal the rules remember. */
    public static final int MAX_READINGS_PER_SIGNAL = 5_000;
    /** Trim the stored history of a signal every this many readings of it, not on every one. */
    private static final int TRIM_EVERY = 256;

    private final Connection connection;
    private final CarePlanEngine engine = new CarePlanEngine();
    private final Map<String, PatientState> memory = new HashMap<>();
    private final Map<String, Integer> sinceTrim = new HashMap<>();

    private RuleStateStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param connection the outbox's (auto-commit off); its tables are the outbox's schema (version 6 of
     *                   {@code Outbox}'s migrations)
     */
    public static RuleStateStore open(Connection connection) {
        return new RuleStateStore(connection);
    }

    /** Loads the patient's state, evaluates, and writes the changes in the caller's (the outbox's) transaction. */
    @Override
    public List<AlertEvent> evaluate(CarePlan plan, Observation observation, Instant now) {
        if (observation.patientId() == null || !observation.patientId().equals(plan.patientId())) {
            return List.of();
        }
        try {
            Instant since = observation.time().minus(plan.historyNeeded());
            PatientState state = memory.get(plan.patientId());
            if (state == null) {
                state = load(plan.patientId(), since);
            }
            Evaluation e = engine.evaluate(plan, state, observation, now);
            save(plan.patientId(), e, since);
            memory.put(
                    plan.patientId(),
                    new PatientState(
                            e.state().history().trimmed(since.minus(Duration.ofDays(1)), MAX_READINGS_PER_SIGNAL),
                            e.state().open()));
            return e.events();
        } catch (SQLException e) {
            // Thrown into Outbox.append, which rolls the whole reading back: the device is not acknowledged.
            throw new IllegalStateException("cannot read or write the rule state: " + e.getMessage(), e);
        }
    }

    /**
     * Wipes the rule state (readings and episodes) of every patient who is no longer in the hub's config: monitoring
     * ended for them, and the hub keeps nothing of a patient it no longer serves. On the outbox's thread.
     *
     * @return the number of rows removed
     */
    public int wipeAllBut(Set<String> patients) {
        String keep = patients.isEmpty()
                ? ""
                : " WHERE patient_id NOT IN (" + String.join(",", Collections.nCopies(patients.size(), "?")) + ")";
        int removed = 0;
        try {
            for (String table : List.of("rule_reading", "rule_episode")) {
                try (PreparedStatement d = connection.prepareStatement("DELETE FROM " + table + keep)) {
                    int i = 1;
                    for (String p : patients) {
                        d.setString(i++, p);
                    }
                    removed += d.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot wipe the rule state of patients no longer served: " + e.getMessage(), e);
        } finally {
            memory.keySet().removeIf(p -> !patients.contains(p));
        }
        return removed;
    }

    /**
     * The patient's readings the rules hold since a time, oldest first (what the tablet shows as done today and
     * the answers given). On the outbox's thread.
     */
    public List<Reading> readingsSince(String patientId, Instant since) {
        List<Reading> readings = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("""
                SELECT code, device_id, time_ms, value, unit, failed, not_patient, seq FROM rule_reading
                WHERE patient_id = ? AND time_ms >= ? ORDER BY time_ms, seq""")) {
            q.setString(1, patientId);
            q.setLong(2, since.toEpochMilli());
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    readings.add(reading(rows));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the patient's readings: " + e.getMessage(), e);
        }
        return readings;
    }

    /** A row of {@code SELECT code, device_id, time_ms, value, unit, failed, not_patient, seq FROM rule_reading}. */
    private static Reading reading(ResultSet rows) throws SQLException {
        double v = rows.getDouble(4);
        Double value = rows.wasNull() ? null : v;
        return new Reading(
                rows.getLong(8),
                rows.getString(2),
                rows.getString(1),
                value,
                rows.getString(5),
                Instant.ofEpochMilli(rows.getLong(3)),
                rows.getInt(6) != 0,
                rows.getInt(7) != 0);
    }

    /** Drops what is held in memory; the next reading reloads from SQLite. Called when a transaction rolls back. */
    public void forget() {
        memory.clear();
    }

    PatientState load(String patientId, Instant since) throws SQLException {
        List<Reading> readings = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("""
                SELECT code, device_id, time_ms, value, unit, failed, not_patient, seq FROM (
                    SELECT *, row_number() OVER (PARTITION BY code ORDER BY time_ms DESC) AS newest
                    FROM rule_reading WHERE patient_id = ? AND time_ms >= ?)
                WHERE newest <= ?""")) {
            q.setString(1, patientId);
            q.setLong(2, since.toEpochMilli());
            q.setInt(3, MAX_READINGS_PER_SIGNAL);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    readings.add(reading(rows));
                }
            }
        }
        Map<String, Episode> open = new HashMap<>();
        try (PreparedStatement q = connection.prepareStatement("""
                SELECT episode_key, episode_id, rule_id, severity, opened_ms, reference FROM rule_episode
                WHERE patient_id = ?""")) {
            q.setString(1, patientId);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    double r = rows.getDouble(6);
                    Double reference = rows.wasNull() ? null : r;
                    open.put(
                            rows.getString(1),
                            new Episode(
                                    rows.getString(1),
                                    rows.getString(2),
                                    rows.getString(3),
                                    Severity.valueOf(rows.getString(4)),
                                    Instant.ofEpochMilli(rows.getLong(5)),
                                    reference));
                }
            }
        }
        return new PatientState(ReadingHistory.of(readings), open);
    }

    private void save(String patientId, Evaluation e, Instant keepSince) throws SQLException {
        if (e.stored() != null) {
            Reading r = e.stored();
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO rule_reading
                        (patient_id, code, device_id, time_ms, value, unit, failed, not_patient, seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, patientId);
                insert.setString(2, r.code());
                insert.setString(3, r.deviceId());
                insert.setLong(4, r.time().toEpochMilli());
                if (r.value() == null) {
                    insert.setNull(5, Types.REAL);
                } else {
                    insert.setDouble(5, r.value());
                }
                insert.setString(6, r.unit());
                insert.setInt(7, r.failed() ? 1 : 0);
                insert.setInt(8, r.notPatientData() ? 1 : 0);
                insert.setLong(9, r.seq());
                insert.executeUpdate();
            }
            // The engine has already dropped a re-sent record (same device, code, time and value).
            // Readings older than any rule looks back are of no further use on the hub (the cloud has them).
            try (PreparedStatement prune =
                    connection.prepareStatement("DELETE FROM rule_reading WHERE patient_id = ? AND time_ms < ?")) {
                prune.setString(1, patientId);
                prune.setLong(2, keepSince.minus(Duration.ofDays(1)).toEpochMilli());
                prune.executeUpdate();
            }
            String signal = patientId + "|" + r.code();
            if (sinceTrim.merge(signal, 1, Integer::sum) >= TRIM_EVERY) {
                sinceTrim.put(signal, 0);
                try (PreparedStatement trim = connection.prepareStatement("""
                        DELETE FROM rule_reading WHERE patient_id = ? AND code = ? AND time_ms < (
                            SELECT time_ms FROM rule_reading WHERE patient_id = ? AND code = ?
                            ORDER BY time_ms DESC LIMIT 1 OFFSET ?)""")) {
                    trim.setString(1, patientId);
                    trim.setString(2, r.code());
                    trim.setString(3, patientId);
                    trim.setString(4, r.code());
                    trim.setInt(5, MAX_READINGS_PER_SIGNAL - 1);
                    trim.executeUpdate();
                }
            }
        }
        for (Episode ep : e.changed()) {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT OR REPLACE INTO rule_episode
                        (patient_id, episode_key, episode_id, rule_id, severity, opened_ms, reference)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                upsert.setString(1, patientId);
                upsert.setString(2, ep.key());
                upsert.setString(3, ep.id());
                upsert.setString(4, ep.ruleId());
                upsert.setString(5, ep.severity().name());
                upsert.setLong(6, ep.openedAt().toEpochMilli());
                if (ep.reference() == null) {
                    upsert.setNull(7, Types.REAL);
                } else {
                    upsert.setDouble(7, ep.reference());
                }
                upsert.executeUpdate();
            }
        }
        for (String key : e.closed()) {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM rule_episode WHERE patient_id = ? AND episode_key = ?")) {
                delete.setString(1, patientId);
                delete.setString(2, key);
                delete.executeUpdate();
            }
        }
    }
}
