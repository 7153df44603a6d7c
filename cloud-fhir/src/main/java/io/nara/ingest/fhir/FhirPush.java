package io.nara.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.db.Database;
import io.nara.ingest.workqueue.WorkQueue;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes new readings to an external FHIR server as Observations, each until the server accepts it and never twice:
 * every POST is a conditional create ({@code If-None-Exist: identifier=urn:nara:observation|<hub>/<outbox>/<seq>}, a
 * blood-pressure panel's with {@code /bp} after its systolic reading's), so a retry after a lost answer finds the one the
 * server already has. The values of one cuff reading go out once, as one panel ({@link BloodPressurePanels}).
 *
 * <p>The queue is {@code fhir_push} in PostgreSQL, filled in the transaction that records the reading
 * ({@link #enqueue}). Every node delivers: a round claims due rows with {@code FOR UPDATE SKIP LOCKED} and a lease, sends
 * them without holding a lock or a thread, then records the answer. A row the server refuses is retried with
 * exponential backoff and ends DEAD after {@code maxAttempts}, listed for the operator.
 */
public final class FhirPush {

    private static final Logger LOG = LoggerFactory.getLogger(FhirPush.class);
    private static final int BATCH = 50;

    /**
     * @param baseUrl     the server's FHIR base, e.g. {@code https://journal.example/fhir}; null: no push
     * @param bearerToken sent as {@code Authorization: Bearer}; null for none
     * @param panelHold   how long a blood-pressure value waits for the other values of its cuff reading when they are
     *                    not in its batch, before it goes out alone
     */
    public record Settings(
            URI baseUrl,
            String bearerToken,
            int maxAttempts,
            Duration retryBase,
            Duration retryCap,
            Duration every,
            Duration timeout,
            Duration panelHold) {

        public Settings {
            if (baseUrl != null && !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
                throw new IllegalArgumentException("the FHIR push URL must be http(s)://..., not " + baseUrl);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("the FHIR push needs at least one attempt");
            }
        }

        public static Settings none() {
            return new Settings(
                    null,
                    null,
                    20,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(30),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60));
        }

        public boolean enabled() {
            return baseUrl != null;
        }

        public Settings withServer(URI url, String token) {
            return new Settings(url, token, maxAttempts, retryBase, retryCap, every, timeout, panelHold);
        }

        public Settings withRetries(int attempts, Duration base, Duration cap, Duration every) {
            return new Settings(baseUrl, bearerToken, attempts, base, cap, every, timeout, panelHold);
        }

        public Settings withPanelHold(Duration hold) {
            return new Settings(baseUrl, bearerToken, maxAttempts, retryBase, retryCap, every, timeout, hold);
        }

        @Override
        public String toString() {
            return "FhirPush.Settings[" + (baseUrl == null ? "off" : baseUrl) + ", " + maxAttempts + " attempts]";
        }
    }

    /** A row as the work queue claimed it: its id, the attempt this is, and its own reading. */
    private record ClaimedRow(long id, int attempts, Reading reading) {}

    /** A claimed row: one reading, or a panel's systolic with the values merged into it. */
    private record Due(long id, int attempts, List<Reading> readings) {

        /** What goes out: the readings were paired by {@link #enqueue}, so they make one panel or one reading. */
        BloodPressurePanels.Entry entry() {
            List<BloodPressurePanels.Entry> entries = BloodPressurePanels.pair(readings);
            if (entries.size() != 1) {
                throw new IllegalStateException("fhir_push row " + id + " holds " + readings.size()
                        + " readings that are not one blood-pressure panel");
            }
            return entries.get(0);
        }

        String identifierValue() {
            return readings.size() == 1 ? FhirMapping.identifierValue(readings.get(0)) : entry().identifierValue();
        }
    }

    private final Vertx vertx;
    private final Database db;
    private final Clock clock;
    private final Settings settings;
    private final FhirContext fhir;
    private final HttpClient http;
    /** The claim, lease and settle of the {@code fhir_push} table. */
    private final WorkQueue queue;
    /** One round at a time on this node; other nodes' rounds are kept apart by the database. */
    private final AtomicBoolean running = new AtomicBoolean();

    public FhirPush(Vertx vertx, Database db, Clock clock, Settings settings, FhirContext fhir) {
        this.vertx = vertx;
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.fhir = fhir;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.queue = new WorkQueue(
                "fhir_push", new WorkQueue.Policy(settings.maxAttempts(), settings.retryBase(), settings.retryCap()));
    }

    /**
     * Queues the batch's journal readings, in the caller's transaction; a replayed batch adds nothing.
     *
     * <p>Blood pressure: the values of one cuff reading come as separate readings and go out as one panel. Each gets
     * its row; the systolic's carries the panel and the others are MERGED into it. The hub sends them in one batch in
     * practice; when a batch boundary parts them, a value waits {@code panelHold} for the rest (its row is due only
     * then) and each later batch pairs what is still unsent. A value whose partner comes later than that, or after the
     * first attempt to send, goes alone: late, but never twice. Batches touching the same cuff reading queue one after
     * the other (an advisory lock per cuff reading), so two nodes never each queue a half.
     */
    /** Queues a stored batch's readings for export; called inside the batch's own transaction. */
    public void enqueue(Connection c, String hubId, ObservationBatch batch, Instant now) throws SQLException {
        enqueue(c, hubId, batch, now, settings.panelHold());
    }

    static void enqueue(Connection c, String hubId, ObservationBatch batch, Instant now, Duration panelHold)
            throws SQLException {
        List<Reading> readings = batch.observations().stream()
                .map(o -> Reading.of(hubId, batch.outbox(), o))
                .filter(Reading::exportable)
                .toList();
        if (readings.isEmpty()) {
            return;
        }
        List<BloodPressurePanels.Key> cuffReadings = readings.stream()
                .filter(r -> BloodPressurePanels.PARTS.contains(r.code()))
                .map(BloodPressurePanels.Key::of)
                .distinct()
                .toList();
        // Taken in one order by every transaction, so two batches that share cuff readings cannot deadlock.
        for (long key : cuffReadings.stream()
                .mapToLong(BloodPressurePanels.Key::lockKey)
                .distinct()
                .sorted()
                .toArray()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, key);
                lock.execute();
            }
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO fhir_push (hub_id, outbox, seq, patient_id, device_id, code, value, unit, effective,
                                       received, flags, next_attempt_at, created_at)
                VALUES (?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hub_id, outbox, seq) DO NOTHING""")) {
            for (Reading r : readings) {
                insert.setString(1, hubId);
                insert.setString(2, r.outbox());
                insert.setLong(3, r.seq());
                insert.setString(4, r.patientId());
                insert.setString(5, r.deviceId());
                insert.setString(6, r.code());
                if (r.value() == null) {
                    insert.setNull(7, Types.DOUBLE);
                } else {
                    insert.setDouble(7, r.value());
                }
                insert.setString(8, r.unit());
                // Whole microseconds, as PostgreSQL keeps them: rounding must not move a time into the next
                // millisecond,
                // which would part it from the other values of its cuff reading.
                insert.setTimestamp(9, Timestamp.from(r.time().truncatedTo(ChronoUnit.MICROS)));
                insert.setTimestamp(10, Timestamp.from(r.received()));
                insert.setString(
                        11,
                        r.flags().stream().map(ObservationFlag::name).sorted().collect(Collectors.joining(",")));
                boolean part = BloodPressurePanels.PARTS.contains(r.code());
                insert.setTimestamp(12, Timestamp.from(part ? now.plus(panelHold) : now));
                insert.setTimestamp(13, Timestamp.from(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        for (BloodPressurePanels.Key cuff : cuffReadings) {
            pair(c, cuff, now);
        }
    }

    /**
     * Pairs the unsent values of one cuff reading (those of this batch and any still waiting from earlier ones): a
     * panel's systolic row becomes due now and carries the others.
     */
    private static void pair(Connection c, BloodPressurePanels.Key cuff, Instant now) throws SQLException {
        List<Reading> unsent = new ArrayList<>();
        Map<String, Long> rowOf = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT f.id, f.hub_id, f.outbox::text AS outbox, f.seq, f.patient_id, f.device_id, f.code, f.value,
                       f.unit, f.effective, f.received, f.flags
                FROM fhir_push f
                WHERE f.hub_id = ? AND f.patient_id = ? AND f.device_id = ? AND f.effective >= ? AND f.effective < ?
                  AND f.attempts = 0 AND f.code IN (?, ?, ?)
                  AND (f.state = 'PENDING' OR (f.state = 'MERGED' AND EXISTS (SELECT 1 FROM fhir_push p
                       WHERE p.id = f.panel_id AND p.state = 'PENDING' AND p.attempts = 0)))
                ORDER BY f.seq FOR UPDATE OF f""")) {
            q.setString(1, cuff.hubId());
            q.setString(2, cuff.patientId());
            q.setString(3, cuff.deviceId());
            q.setTimestamp(4, Timestamp.from(cuff.time()));
            q.setTimestamp(5, Timestamp.from(cuff.time().plusMillis(1)));
            for (int i = 0; i < BloodPressurePanels.PARTS.size(); i++) {
                q.setString(6 + i, BloodPressurePanels.PARTS.get(i));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Reading reading = reading(r);
                    unsent.add(reading);
                    rowOf.put(FhirMapping.identifierValue(reading), r.getLong("id"));
                }
            }
        }
        for (BloodPressurePanels.Entry entry : BloodPressurePanels.pair(unsent)) {
            if (!(entry instanceof BloodPressurePanels.Panel panel)) {
                continue;
            }
            long carrier = rowOf.get(FhirMapping.identifierValue(panel.systolic()));
            try (PreparedStatement due = c.prepareStatement("UPDATE fhir_push SET state = 'PENDING', panel_id = NULL, "
                            + "next_attempt_at = ? WHERE id = ?");
                    PreparedStatement merge = c.prepareStatement(
                            "UPDATE fhir_push SET state = 'MERGED', panel_id = ? " + "WHERE id = ?")) {
                due.setTimestamp(1, Timestamp.from(now));
                due.setLong(2, carrier);
                due.executeUpdate();
                for (Reading part : panel.readings()) {
                    long row = rowOf.get(FhirMapping.identifierValue(part));
                    if (row != carrier) {
                        merge.setLong(1, carrier);
                        merge.setLong(2, row);
                        merge.addBatch();
                    }
                }
                merge.executeBatch();
            }
        }
    }

    /**
     * The reading in the columns hub_id, outbox (as text), seq, patient_id, device_id, code, value, unit, effective,
     * received, flags.
     */
    private static Reading reading(ResultSet r) throws SQLException {
        double value = r.getDouble("value");
        Double v = r.wasNull() ? null : value;
        return new Reading(
                r.getString("hub_id"),
                r.getString("outbox"),
                r.getLong("seq"),
                r.getString("patient_id"),
                r.getString("device_id"),
                r.getString("code"),
                v,
                r.getString("unit"),
                r.getTimestamp("effective").toInstant(),
                r.getTimestamp("received").toInstant(),
                Reading.flags(r.getString("flags")));
    }

    /** Starts this node's delivery rounds. */
    public void start() {
        vertx.setPeriodic(
                settings.every().toMillis(),
                id -> deliverDue().onFailure(e -> LOG.warn("FHIR push round failed: {}", e.getMessage())));
    }

    /** One round: claims what is due and sends it; the number of readings the server accepted. */
    public Future<Integer> deliverDue() {
        if (!running.compareAndSet(false, true)) {
            return Future.succeededFuture(0);
        }
        return db.transaction(this::claim)
                .compose(due -> {
                    List<Future<Boolean>> sent = new ArrayList<>();
                    for (Due d : due) {
                        sent.add(send(d));
                    }
                    return Future.join(sent)
                            .transform(r -> Future.succeededFuture((int) sent.stream()
                                    .filter(f -> f.succeeded() && f.result())
                                    .count()));
                })
                .andThen(r -> running.set(false));
    }

    private List<Due> claim(Connection c) throws SQLException {
        Instant now = clock.instant();
        // The lease outlives the request's timeout, so a node that dies mid-send frees its rows for others.
        List<ClaimedRow> claimed = queue.claim(
                c,
                now,
                settings.timeout().multipliedBy(3),
                BATCH,
                "hub_id, outbox::text AS outbox, seq, "
                        + "patient_id, device_id, code, value, unit, effective, received, flags",
                r -> new ClaimedRow(r.getLong("id"), r.getInt("attempts"), reading(r)));
        if (claimed.isEmpty()) {
            return List.of();
        }
        Map<Long, List<Reading>> readings = new HashMap<>();
        claimed.forEach(row ->
                readings.computeIfAbsent(row.id(), id -> new ArrayList<>()).add(row.reading()));
        // The other values of the panels among them; a MERGED row never changes once its panel has been tried.
        try (PreparedStatement q = c.prepareStatement("""
                SELECT panel_id, hub_id, outbox::text AS outbox, seq, patient_id, device_id, code, value, unit,
                       effective, received, flags
                FROM fhir_push WHERE state = 'MERGED' AND panel_id = ANY (?) ORDER BY seq""")) {
            q.setArray(1, c.createArrayOf("bigint", readings.keySet().toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    readings.get(r.getLong("panel_id")).add(reading(r));
                }
            }
        }
        List<Due> due = new ArrayList<>();
        claimed.forEach(row -> due.add(new Due(row.id(), row.attempts(), List.copyOf(readings.get(row.id())))));
        return due;
    }

    private Future<Boolean> send(Due d) {
        BloodPressurePanels.Entry entry;
        String body;
        try {
            entry = d.entry();
            body = fhir.newJsonParser().encodeResourceToString(FhirMapping.forPush(FhirMapping.observation(entry)));
        } catch (RuntimeException e) {
            return failed(d, "could not make the Observation: " + e).map(false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(stripSlash(settings.baseUrl()) + "/Observation"))
                .timeout(settings.timeout())
                .header("Content-Type", "application/fhir+json; charset=utf-8")
                .header("Accept", "application/fhir+json")
                .header(
                        "If-None-Exist",
                        "identifier="
                                + URLEncoder.encode(
                                        FhirMapping.OBSERVATION_SYSTEM + "|" + entry.identifierValue(),
                                        StandardCharsets.UTF_8))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.bearerToken() != null) {
            request.header("Authorization", "Bearer " + settings.bearerToken());
        }
        return Future.fromCompletionStage(
                        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()),
                        vertx.getOrCreateContext())
                .transform(r -> {
                    if (r.succeeded() && r.result().statusCode() / 100 == 2) {
                        return delivered(d).map(true);
                    }
                    String problem = r.succeeded()
                            ? "HTTP " + r.result().statusCode() + ": "
                                    + abbreviate(r.result().body())
                            : String.valueOf(r.cause());
                    return failed(d, problem).map(false);
                });
    }

    private Future<Void> delivered(Due d) {
        return db.transaction(c -> {
            queue.done(c, d.id(), clock.instant());
            return null;
        });
    }

    private Future<Void> failed(Due d, String problem) {
        boolean dead =
                queue.policy().afterFailure(d.attempts(), clock.instant()).dead();
        if (dead) {
            LOG.error("FHIR push of {} gave up after {} attempts: {}", safeIdentifier(d), d.attempts(), problem);
        } else {
            LOG.warn(
                    "FHIR push of {} failed (attempt {} of {}): {}",
                    safeIdentifier(d),
                    d.attempts(),
                    settings.maxAttempts(),
                    problem);
        }
        return db.transaction(c -> {
            queue.failed(c, d.id(), d.attempts(), problem, clock.instant());
            return null;
        });
    }

    /** For the log: the pushed identifier, or the row's first reading's when its readings are not one entry. */
    private static String safeIdentifier(Due d) {
        try {
            return d.identifierValue();
        } catch (IllegalStateException e) {
            return FhirMapping.identifierValue(d.readings().get(0)) + " (row " + d.id() + ")";
        }
    }

    /** The wait after the n-th failed attempt: doubling from the base, at most the cap. */
    Duration backoff(int attempts) {
        return queue.policy().backoff(attempts);
    }

    /** For the operator: rows by state, and the dead ones with their last error. */
    static Map<String, Object> status(Connection c) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                        "SELECT state, count(*) AS n FROM fhir_push GROUP BY state " + "ORDER BY state");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString("state"), r.getLong("n"));
            }
        }
        out.put("counts", counts);
        List<Map<String, Object>> dead = new ArrayList<>();
        // A panel's row is its systolic reading's: it shows with the panel's identifier and code.
        try (PreparedStatement q =
                        c.prepareStatement("SELECT id, hub_id, outbox::text AS outbox, seq, patient_id, code, "
                                + "attempts, last_error, created_at, EXISTS (SELECT 1 FROM fhir_push m WHERE m.panel_id = f.id) AS panel "
                                + "FROM fhir_push f WHERE state = 'DEAD' ORDER BY id DESC LIMIT 200");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", r.getLong("id"));
                boolean panel = r.getBoolean("panel");
                row.put(
                        "identifier",
                        r.getString("hub_id") + "/" + r.getString("outbox") + "/" + r.getLong("seq")
                                + (panel ? "/" + BloodPressurePanels.SUFFIX : ""));
                row.put("patientId", r.getString("patient_id"));
                row.put("code", panel ? BloodPressurePanels.PANEL : r.getString("code"));
                row.put("attempts", r.getInt("attempts"));
                row.put("lastError", r.getString("last_error"));
                row.put("createdAt", r.getTimestamp("created_at").toInstant());
                dead.add(row);
            }
        }
        out.put("dead", dead);
        return out;
    }

    private static String stripSlash(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
