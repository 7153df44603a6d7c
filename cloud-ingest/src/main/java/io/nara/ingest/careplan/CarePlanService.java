package io.nara.ingest.careplan;

import io.nara.ingest.db.Database;
import io.nara.protocol.HubTopic;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Care plans in PostgreSQL with their history, and the config each hub should hold, published retained on
 * {@code nara/v1/hub/{hubId}/config}.
 *
 * <p>Versions: a plan's version counts up per patient (1, 2, ...) and is what alerts name. A hub config's version is
 * the larger of the previous one plus one and the cloud's clock in milliseconds, so a config from the cloud always
 * supersedes a hand-written bootstrap file (versions 1, 2, ...) and never goes backwards.
 *
 * <p>Publishing happens while the hub's config row is locked, so two ingest nodes publish a hub's versions in order
 * and the retained message is never an older version than the one a hub adopted. A publish that fails leaves
 * {@code published_version} behind {@code version}; {@link #republishPending} (every node, periodically) retries.
 */
public final class CarePlanService {

    private static final Logger LOG = LoggerFactory.getLogger(CarePlanService.class);

    /** Publishes retained with QoS 1 and completes when the broker has it. */
    @FunctionalInterface
    public interface RetainedPublisher {
        Future<Void> publish(String topic, byte[] payload);
    }

    /** One saved version of a plan: who changed it, when and why. */
    public record PlanVersion(
            String patientId,
            int version,
            String hubId,
            CarePlan plan,
            String changedBy,
            Instant changedAt,
            String reason) {}

    /** The plan changed since the version the editor started from: someone else saved in between. */
    public static final class StaleVersion extends RuntimeException {
        private final int current;

        public StaleVersion(int basedOn, int current) {
            super("planen har ändrats sedan version " + basedOn + " (nu version " + current + ") / the plan changed"
                    + " since version " + basedOn + " (now version " + current + "); reload it and edit again");
            this.current = current;
        }

        public int current() {
            return current;
        }
    }

    private final Database db;
    private final MessageCodec codec;
    private final RetainedPublisher publisher;
    private final Clock clock;
    private final DeviceBindings bindings;

    public CarePlanService(Database db, MessageCodec codec, RetainedPublisher publisher, Clock clock) {
        this.db = db;
        this.codec = codec;
        this.publisher = publisher;
        this.clock = clock;
        this.bindings = new DeviceBindings(codec);
    }

    /**
     * Saves a new version of the patient's plan (validated: it is a {@link CarePlan}), records who changed it and why,
     * and publishes the hub's new config. The version in {@code plan} is ignored; the saved one is returned.
     */
    public Future<PlanVersion> save(String hubId, CarePlan plan, String changedBy, String reason) {
        return save(hubId, plan, changedBy, reason, null);
    }

    /**
     * As {@link #save(String, CarePlan, String, String)}, but only if the plan in force is still {@code basedOn}
     * (0: there is none yet), else {@link StaleVersion}: two editors never overwrite each other unseen. Null: no check.
     */
    public Future<PlanVersion> save(String hubId, CarePlan plan, String changedBy, String reason, Integer basedOn) {
        Instant now = clock.instant();
        return db.transaction(c -> save(c, hubId, plan, changedBy, reason, basedOn, now))
                .compose(v -> publishOrLeavePending(hubId).map(v));
    }

    /**
     * As {@link #save(String, CarePlan, String, String, Integer)}, in the caller's transaction, so a plan change can
     * commit with the work that caused it (a hospital's discharge): the caller publishes after its commit with
     * {@link #publishAfterCommit}; should it not, the next housekeeping round publishes the pending config.
     */
    public PlanVersion save(
            Connection c, String hubId, CarePlan plan, String changedBy, String reason, Integer basedOn, Instant now)
            throws SQLException {
        lockHub(c, hubId, now);
        int version = 1;
        Instant since = now;
        try (PreparedStatement q =
                c.prepareStatement("SELECT version, since FROM care_plan WHERE patient_id = ? FOR UPDATE")) {
            q.setString(1, plan.patientId());
            try (ResultSet row = q.executeQuery()) {
                if (row.next()) {
                    version = row.getInt("version") + 1;
                    since = row.getTimestamp("since").toInstant();
                }
            }
        }
        if (basedOn != null && basedOn != version - 1) {
            throw new StaleVersion(basedOn, version - 1);
        }
        CarePlan saved = plan.withVersion(Integer.toString(version));
        String document = codec.toJson(saved);
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO care_plan (patient_id, hub_id, version, document, since, changed_by, changed_at)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (patient_id) DO UPDATE SET hub_id = EXCLUDED.hub_id, version = EXCLUDED.version,
                    document = EXCLUDED.document, changed_by = EXCLUDED.changed_by,
                    changed_at = EXCLUDED.changed_at""")) {
            upsert.setString(1, plan.patientId());
            upsert.setString(2, hubId);
            upsert.setInt(3, version);
            upsert.setString(4, document);
            upsert.setTimestamp(5, Timestamp.from(since));
            upsert.setString(6, changedBy);
            upsert.setTimestamp(7, Timestamp.from(now));
            upsert.executeUpdate();
        }
        try (PreparedStatement history = c.prepareStatement("""
                INSERT INTO care_plan_history (patient_id, version, hub_id, document, changed_by, changed_at, reason)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            history.setString(1, plan.patientId());
            history.setInt(2, version);
            history.setString(3, hubId);
            history.setString(4, document);
            history.setString(5, changedBy);
            history.setTimestamp(6, Timestamp.from(now));
            history.setString(7, reason);
            history.executeUpdate();
        }
        bump(c, hubId, changedBy, now, "care plan of " + plan.patientId() + " version " + version);
        return new PlanVersion(plan.patientId(), version, hubId, saved, changedBy, now, reason);
    }

    /** Publishes the hub's config after a caller's transaction saved a plan; a failure leaves it pending. */
    public Future<Void> publishAfterCommit(String hubId) {
        return publishOrLeavePending(hubId);
    }

    /**
     * Binds the devices to the hub, in addition to those bound already (removing one is {@link #unbindDevice}, an
     * explicit act), and publishes the hub's new config. A device bound elsewhere is refused
     * ({@link DeviceBindings.AlreadyBound}) and nothing changes; binding what is bound already changes nothing.
     */
    public Future<Long> bindDevices(String hubId, List<DeviceBinding> devices, String changedBy) {
        return change(hubId, changedBy, c -> {
            List<String> bound = new ArrayList<>();
            for (DeviceBinding d : devices) {
                if (bindings.bind(c, hubId, d, changedBy, clock.instant())) {
                    bound.add(d.deviceId());
                }
            }
            return bound.isEmpty() ? null : "bound " + String.join(", ", bound);
        });
    }

    /** Retires the device's binding on the hub (an explicit removal) and publishes the hub's new config. */
    public Future<Long> unbindDevice(String hubId, String deviceId, String changedBy) {
        return change(hubId, changedBy, c -> {
            bindings.retire(c, hubId, deviceId, changedBy, clock.instant());
            return "unbound " + deviceId;
        });
    }

    /**
     * Replaces a device by a new one for the same patient or users (a new cuff): the old binding is retired, the new
     * one takes its place, and the readings of both are the patient's one history.
     */
    public Future<Long> replaceDevice(
            String hubId, String oldDeviceId, String newDeviceId, String model, String changedBy) {
        return change(hubId, changedBy, c -> {
            bindings.replace(c, hubId, oldDeviceId, newDeviceId, model, changedBy, clock.instant());
            return "replaced " + oldDeviceId + " by " + newDeviceId;
        });
    }

    /**
     * Ends the patient's monitoring on the hub: her plan leaves the hub's config (every version stays in the history)
     * and her devices are unbound, so the hub forgets her once it applies the new version. Readings she took before
     * are still accepted when the hub sends them afterwards (message authorisation honours a binding for what was
     * measured while it was in force): the hub's outbox drains and nothing is lost.
     */
    public Future<Long> endMonitoring(String hubId, String patientId, String changedBy) {
        return change(hubId, changedBy, c -> {
            try (PreparedStatement d =
                    c.prepareStatement("DELETE FROM care_plan WHERE patient_id = ? AND hub_id = ?")) {
                d.setString(1, patientId);
                d.setString(2, hubId);
                d.executeUpdate();
            }
            List<String> devices = bindings.removePatient(c, hubId, patientId, changedBy, clock.instant());
            return "monitoring of " + patientId + " ended"
                    + (devices.isEmpty() ? "" : "; unbound " + String.join(", ", devices));
        });
    }

    /**
     * Opens pairing mode on the hub until {@code until} (a nurse binding a device that needs bonding, from the cloud):
     * published as a new config version, the hub pairs its bound devices that ask for it until then.
     */
    public Future<Long> openPairing(String hubId, Instant until, String changedBy) {
        return change(hubId, changedBy, c -> {
            try (PreparedStatement u = c.prepareStatement("""
                    INSERT INTO hub_pairing (hub_id, until, opened_by) VALUES (?, ?, ?)
                    ON CONFLICT (hub_id) DO UPDATE SET until = EXCLUDED.until, opened_by = EXCLUDED.opened_by""")) {
                u.setString(1, hubId);
                u.setTimestamp(2, Timestamp.from(until));
                u.setString(3, changedBy);
                u.executeUpdate();
            }
            return "pairing mode until " + until;
        });
    }

    /** The device bindings the hub ever had, newest first, in the caller's transaction. */
    public List<DeviceBindings.Row> bindingHistory(Connection c, String hubId) throws SQLException {
        return bindings.history(c, hubId);
    }

    /** A change of the hub's bindings: returns what changed (null: nothing, no new version); publishes the config. */
    @FunctionalInterface
    private interface BindingChange {
        String apply(Connection c) throws SQLException;
    }

    private Future<Long> change(String hubId, String changedBy, BindingChange work) {
        Instant now = clock.instant();
        return db.transaction(c -> {
                    lockHub(c, hubId, now);
                    String what = work.apply(c);
                    if (what == null) {
                        return currentVersion(c, hubId);
                    }
                    try (PreparedStatement u =
                            c.prepareStatement("UPDATE hub_config SET devices = ?::jsonb WHERE hub_id = ?")) {
                        u.setString(1, codec.toJson(bindings.inForce(c, hubId)));
                        u.setString(2, hubId);
                        u.executeUpdate();
                    }
                    return bump(c, hubId, changedBy, now, what);
                })
                .compose(version -> publishOrLeavePending(hubId).map(version));
    }

    private static long currentVersion(Connection c, String hubId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT version FROM hub_config WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getLong("version") : 0;
            }
        }
    }

    /** The config the hub should hold, as it is published. */
    public Future<Optional<HubConfig>> config(String hubId) {
        return db.transaction(c -> config(c, hubId));
    }

    /** Every saved version of the patient's plan, oldest first. */
    public Future<List<PlanVersion>> history(String patientId) {
        return db.transaction(c -> history(c, patientId));
    }

    /** Every saved version of the patient's plan, oldest first, in the caller's transaction. */
    public List<PlanVersion> history(Connection c, String patientId) throws SQLException {
        List<PlanVersion> versions = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT version, hub_id, document::text AS document, changed_by, changed_at, reason FROM care_plan_history
                WHERE patient_id = ? ORDER BY version""")) {
            q.setString(1, patientId);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    versions.add(planVersion(patientId, rows));
                }
            }
        }
        return versions;
    }

    /** One saved version of the patient's plan (an alert names the version that raised it), in the caller's transaction. */
    public Optional<PlanVersion> version(Connection c, String patientId, int version) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT version, hub_id, document::text AS document, changed_by, changed_at, reason FROM care_plan_history
                WHERE patient_id = ? AND version = ?""")) {
            q.setString(1, patientId);
            q.setInt(2, version);
            try (ResultSet row = q.executeQuery()) {
                return row.next() ? Optional.of(planVersion(patientId, row)) : Optional.empty();
            }
        }
    }

    /** The plan in force for the patient, in the caller's transaction. */
    public Optional<PlanVersion> current(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT p.version, p.hub_id, p.document::text AS document, p.changed_by, p.changed_at, h.reason FROM care_plan p
                LEFT JOIN care_plan_history h ON h.patient_id = p.patient_id AND h.version = p.version
                WHERE p.patient_id = ?""")) {
            q.setString(1, patientId);
            try (ResultSet row = q.executeQuery()) {
                return row.next() ? Optional.of(planVersion(patientId, row)) : Optional.empty();
            }
        }
    }

    private PlanVersion planVersion(String patientId, ResultSet row) throws SQLException {
        return new PlanVersion(
                patientId,
                row.getInt("version"),
                row.getString("hub_id"),
                decodePlan(row.getString("document")),
                row.getString("changed_by"),
                row.getTimestamp("changed_at").toInstant(),
                row.getString("reason"));
    }

    /**
     * The hub of the patient's home: the one their plan is on, else the one whose device bindings name them (a
     * first plan); empty when no hub knows the patient yet.
     */
    public static Optional<String> hubOf(Connection c, String patientId) throws SQLException {
        // The plan's hub first; among hubs that only bind the patient's devices, the first by id.
        try (PreparedStatement q = c.prepareStatement(
                "SELECT h.hub_id FROM patient_household h LEFT JOIN care_plan p ON p.patient_id = h.patient_id "
                        + "AND p.hub_id = h.hub_id WHERE h.patient_id = ? ORDER BY p.hub_id IS NULL, h.hub_id LIMIT 1")) {
            q.setString(1, patientId);
            try (ResultSet row = q.executeQuery()) {
                return row.next() ? Optional.of(row.getString("hub_id")) : Optional.empty();
            }
        }
    }

    /**
     * The patients of a hub's household: those with a plan on it, its household's members and those its device
     * bindings name (the SQL view {@code patient_household}).
     */
    public static List<String> household(Connection c, String hubId) throws SQLException {
        List<String> patients = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT patient_id FROM patient_household WHERE hub_id = ? ORDER BY patient_id")) {
            q.setString(1, hubId);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    patients.add(rows.getString("patient_id"));
                }
            }
        }
        return patients;
    }

    /** Publishes the hub's current config, retained, unless the broker already holds that version. */
    public Future<Void> publish(String hubId) {
        return db.transaction(c -> {
            long published;
            try (PreparedStatement q =
                    c.prepareStatement("SELECT published_version FROM hub_config WHERE hub_id = ? FOR UPDATE")) {
                q.setString(1, hubId);
                try (ResultSet row = q.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    published = row.getLong("published_version");
                }
            }
            Optional<HubConfig> config = config(c, hubId);
            if (config.isEmpty() || config.get().version() <= published) {
                return null;
            }
            // Published while the row is locked: a node with an older version waits and then finds nothing to do.
            try {
                publisher
                        .publish(HubTopic.of(hubId, HubTopic.Kind.CONFIG).name(), codec.encode(config.get()))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new SQLException(
                        "cannot publish config " + config.get().version() + " for hub " + hubId + ": " + e.getMessage(),
                        e);
            }
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE hub_config SET published_version = ? WHERE hub_id = ?")) {
                u.setLong(1, config.get().version());
                u.setString(2, hubId);
                u.executeUpdate();
            }
            LOG.info("published config version {} for hub {}", config.get().version(), hubId);
            return null;
        });
    }

    /**
     * Publishes after a committed change. The change stands when the broker cannot be reached (this node reconnecting):
     * the config stays pending ({@code published_version} behind {@code version}, the pages say it waits) and the
     * next housekeeping round publishes it, rather than the caller being told a saved change failed.
     */
    private Future<Void> publishOrLeavePending(String hubId) {
        return publish(hubId).recover(e -> {
            LOG.warn("{}; it stays pending and the next housekeeping round publishes it", e.getMessage());
            return Future.succeededFuture();
        });
    }

    /** Retries configs whose publish failed (a broker outage while a doctor saved a plan). */
    public Future<Void> republishPending() {
        return db.<List<String>>transaction(c -> {
                    List<String> hubs = new ArrayList<>();
                    try (PreparedStatement q =
                            c.prepareStatement("SELECT hub_id FROM hub_config WHERE published_version < version")) {
                        try (ResultSet rows = q.executeQuery()) {
                            while (rows.next()) {
                                hubs.add(rows.getString("hub_id"));
                            }
                        }
                    }
                    return hubs;
                })
                .compose(hubs -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (String hub : hubs) {
                        chain = chain.compose(v -> publishOrLeavePending(hub));
                    }
                    return chain;
                });
    }

    /**
     * Remembers the newest reading per patient, code and device, for the silence rules, in the caller's transaction
     * beside its other work. One row per key, written in key order: batches of one hub are stored in parallel, and
     * rows locked in different orders would deadlock.
     */
    public static void noteReadings(Connection c, String hubId, ObservationBatch batch, Instant now)
            throws SQLException {
        SortedMap<List<String>, Instant> newest =
                new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0))
                        .thenComparing(k -> k.get(1))
                        .thenComparing(k -> k.get(2)));
        for (Observation o : batch.observations()) {
            if (o.patientId() != null) {
                // Never past now: a reading "from tomorrow" would keep the signal fresh and hide its silence.
                Instant at = o.time().isAfter(now) ? now : o.time();
                newest.merge(List.of(o.patientId(), o.code(), o.deviceId()), at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (newest.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO latest_reading (patient_id, code, device_id, hub_id, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (patient_id, code, device_id) DO UPDATE
                    SET at = GREATEST(latest_reading.at, EXCLUDED.at), hub_id = EXCLUDED.hub_id""")) {
            for (var entry : newest.entrySet()) {
                upsert.setString(1, entry.getKey().get(0));
                upsert.setString(2, entry.getKey().get(1));
                upsert.setString(3, entry.getKey().get(2));
                upsert.setString(4, hubId);
                upsert.setTimestamp(5, Timestamp.from(entry.getValue()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Starts the periodic work of this node: republishing, and the cloud's silence rules. */
    public void start(Vertx vertx, SilenceWatch silence, long periodMillis) {
        // One round at a time: a round longer than the period (thousands of patients on a busy database) would
        // otherwise start another beside it, each holding a pooled connection, until none is left for storing.
        AtomicBoolean running = new AtomicBoolean();
        vertx.setPeriodic(periodMillis, id -> {
            if (!running.compareAndSet(false, true)) {
                LOG.warn(
                        "care-plan housekeeping (republishing, silence rules) still runs from the last round, longer"
                                + " than its {} ms period; this round is skipped",
                        periodMillis);
                return;
            }
            republishPending()
                    .compose(v -> silence.check())
                    .onFailure(e -> LOG.warn("care-plan housekeeping failed: {}", e.getMessage()))
                    .onComplete(r -> running.set(false));
        });
    }

    private void lockHub(Connection c, String hubId, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO hub_config (hub_id, version) VALUES (?, 0) ON CONFLICT (hub_id) DO NOTHING""")) {
            insert.setString(1, hubId);
            insert.executeUpdate();
        }
        try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM hub_config WHERE hub_id = ? FOR UPDATE")) {
            lock.setString(1, hubId);
            lock.executeQuery().close();
        }
    }

    /** A new config version of the hub, with its history row: who changed what. */
    private long bump(Connection c, String hubId, String changedBy, Instant now, String change) throws SQLException {
        long version;
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE hub_config SET version = GREATEST(version + 1, ?), changed_by = ?, changed_at = ?
                WHERE hub_id = ? RETURNING version""")) {
            u.setLong(1, now.toEpochMilli());
            u.setString(2, changedBy);
            u.setTimestamp(3, Timestamp.from(now));
            u.setString(4, hubId);
            try (ResultSet row = u.executeQuery()) {
                row.next();
                version = row.getLong("version");
            }
        }
        DeviceBindings.stampRetired(c, hubId, version);
        try (PreparedStatement h = c.prepareStatement("""
                INSERT INTO hub_config_history (hub_id, version, document, changed_by, changed_at, change)
                VALUES (?, ?, ?::jsonb, ?, ?, ?)""")) {
            h.setString(1, hubId);
            h.setLong(2, version);
            h.setString(3, codec.toJson(config(c, hubId).orElseThrow()));
            h.setString(4, changedBy);
            h.setTimestamp(5, Timestamp.from(now));
            h.setString(6, change);
            h.executeUpdate();
        }
        return version;
    }

    /** The hub's config versions, newest first: version, who, when, what changed. */
    public static List<Map<String, Object>> configHistory(Connection c, String hubId, int limit) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT version, changed_by, changed_at, change "
                + "FROM hub_config_history WHERE hub_id = ? ORDER BY version DESC LIMIT ?")) {
            q.setString(1, hubId);
            q.setInt(2, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    rows.add(Map.of(
                            "version",
                            r.getLong("version"),
                            "changedBy",
                            r.getString("changed_by"),
                            "changedAt",
                            r.getTimestamp("changed_at").toInstant(),
                            "change",
                            r.getString("change")));
                }
            }
        }
        return rows;
    }

    private Optional<HubConfig> config(Connection c, String hubId) throws SQLException {
        long version;
        String devices;
        try (PreparedStatement q =
                c.prepareStatement("SELECT version, devices::text AS devices FROM hub_config WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet row = q.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                version = row.getLong("version");
                devices = row.getString("devices");
            }
        }
        if (version < 1) {
            return Optional.empty();
        }
        List<CarePlan> plans = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT document::text AS document FROM care_plan WHERE hub_id = ? ORDER BY patient_id")) {
            q.setString(1, hubId);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    plans.add(decodePlan(rows.getString("document")));
                }
            }
        }
        List<DeviceBinding> bindings = decodeBindings(devices);
        Instant pairingUntil = null;
        try (PreparedStatement q = c.prepareStatement("SELECT until FROM hub_pairing WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet row = q.executeQuery()) {
                if (row.next()) {
                    pairingUntil = row.getTimestamp("until").toInstant();
                }
            }
        }
        HubConfig config = new HubConfig(SchemaVersion.CURRENT, version, plans, bindings, pairingUntil);
        return Optional.of(new HubConfig(
                config.v(),
                config.version(),
                config.carePlans(),
                config.devices(),
                config.pairingUntil(),
                nationalIds(c, config.patients())));
    }

    /**
     * The national ids of the household's patients: a point-of-care analyzer names the patient by it, and the hub
     * refuses a result that names someone else. Only the patients this hub serves, never anyone else's.
     */
    private static Map<String, String> nationalIds(Connection c, List<String> patients) throws SQLException {
        Map<String, String> ids = new HashMap<>();
        if (patients.isEmpty()) {
            return ids;
        }
        try (PreparedStatement q = c.prepareStatement(
                "SELECT id, national_id FROM patient WHERE id = ANY(?) AND national_id IS NOT NULL")) {
            q.setArray(1, c.createArrayOf("text", patients.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ids.put(r.getString("id"), r.getString("national_id"));
                }
            }
        }
        return ids;
    }

    CarePlan decodePlan(String document) {
        return codec.decode(document.getBytes(StandardCharsets.UTF_8), CarePlan.class);
    }

    private List<DeviceBinding> decodeBindings(String devices) {
        try {
            // Bindings validate in their constructors; the codec's mapper is not exposed, so read them as a config.
            String wrapped = "{\"v\":1,\"version\":1,\"devices\":" + devices + "}";
            return codec.decode(wrapped.getBytes(StandardCharsets.UTF_8), HubConfig.class)
                    .devices();
        } catch (RuntimeException e) {
            throw new IllegalStateException("stored device bindings are invalid: " + e.getMessage(), e);
        }
    }
}
