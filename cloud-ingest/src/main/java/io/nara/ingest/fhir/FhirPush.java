package io.nara.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.db.Database;
import io.nara.protocol.message.Observation;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes new readings to an external FHIR server as Observations, each until the server accepts it and never twice:
 * every POST is a conditional create ({@code If-None-Exist: identifier=urn:nara:observation|<hub>/<outbox>/<seq>}),
 * so a retry after a lost answer finds the one the server already has.
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
     */
    public record Settings(URI baseUrl, String bearerToken, int maxAttempts, Duration retryBase, Duration retryCap,
                           Duration every, Duration timeout) {

        public Settings {
            if (baseUrl != null && !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
                throw new IllegalArgumentException("the FHIR push URL must be http(s)://..., not " + baseUrl);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("the FHIR push needs at least one attempt");
            }
        }

        public static Settings none() {
            return new Settings(null, null, 20, Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
        }

        public boolean enabled() {
            return baseUrl != null;
        }

        public Settings withServer(URI url, String token) {
            return new Settings(url, token, maxAttempts, retryBase, retryCap, every, timeout);
        }

        public Settings withRetries(int attempts, Duration base, Duration cap, Duration every) {
            return new Settings(baseUrl, bearerToken, attempts, base, cap, every, timeout);
        }

        @Override
        public String toString() {
            return "FhirPush.Settings[" + (baseUrl == null ? "off" : baseUrl) + ", " + maxAttempts + " attempts]";
        }
    }

    private record Due(long id, int attempts, Reading reading) {
    }

    private final Vertx vertx;
    private final Database db;
    private final Clock clock;
    private final Settings settings;
    private final FhirContext fhir;
    private final HttpClient http;
    /** One round at a time on this node; other nodes' rounds are kept apart by the database. */
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();

    public FhirPush(Vertx vertx, Database db, Clock clock, Settings settings, FhirContext fhir) {
        this.vertx = vertx;
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.fhir = fhir;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    /** Queues the batch's journal readings, in the caller's transaction; a replayed batch adds nothing. */
    public static void enqueue(Connection c, String hubId, ObservationBatch batch, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO fhir_push (hub_id, outbox, seq, patient_id, device_id, code, value, unit, effective,
                                       received, flags, next_attempt_at, created_at)
                VALUES (?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hub_id, outbox, seq) DO NOTHING""")) {
            int rows = 0;
            for (Observation o : batch.observations()) {
                if (!Reading.of(hubId, batch.outbox(), o).exportable()) {
                    continue;
                }
                insert.setString(1, hubId);
                insert.setString(2, batch.outbox());
                insert.setLong(3, o.seq());
                insert.setString(4, o.patientId());
                insert.setString(5, o.deviceId());
                insert.setString(6, o.code());
                if (o.value() == null) {
                    insert.setNull(7, java.sql.Types.DOUBLE);
                } else {
                    insert.setDouble(7, o.value());
                }
                insert.setString(8, o.unit());
                insert.setTimestamp(9, Timestamp.from(o.time()));
                insert.setTimestamp(10, Timestamp.from(o.received()));
                insert.setString(11, o.flags().stream().map(ObservationFlag::name).sorted().collect(Collectors.joining(",")));
                insert.setTimestamp(12, Timestamp.from(now));
                insert.setTimestamp(13, Timestamp.from(now));
                insert.addBatch();
                rows++;
            }
            if (rows > 0) {
                insert.executeBatch();
            }
        }
    }

    /** Starts this node's delivery rounds. */
    public void start() {
        vertx.setPeriodic(settings.every().toMillis(), id -> deliverDue()
                .onFailure(e -> LOG.warn("FHIR push round failed: {}", e.getMessage())));
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
                    return Future.join(sent).transform(r -> Future.succeededFuture(
                            (int) sent.stream().filter(f -> f.succeeded() && f.result()).count()));
                })
                .andThen(r -> running.set(false));
    }

    private List<Due> claim(Connection c) throws SQLException {
        Instant now = clock.instant();
        List<Due> due = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                UPDATE fhir_push SET attempts = attempts + 1, lease_until = ?
                WHERE id IN (SELECT id FROM fhir_push
                             WHERE state = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                             ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id, attempts, hub_id, outbox::text, seq, patient_id, device_id, code, value, unit, effective,
                          received, flags""")) {
            // The lease outlives the request's timeout, so a node that dies mid-send frees its rows for others.
            q.setTimestamp(1, Timestamp.from(now.plus(settings.timeout().multipliedBy(3))));
            q.setTimestamp(2, Timestamp.from(now));
            q.setTimestamp(3, Timestamp.from(now));
            q.setInt(4, BATCH);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    double value = r.getDouble(9);
                    Double v = r.wasNull() ? null : value;
                    due.add(new Due(r.getLong(1), r.getInt(2), new Reading(r.getString(3), r.getString(4), r.getLong(5),
                            r.getString(6), r.getString(7), r.getString(8), v, r.getString(10),
                            r.getTimestamp(11).toInstant(), r.getTimestamp(12).toInstant(),
                            Reading.flags(r.getString(13)))));
                }
            }
        }
        return due;
    }

    private Future<Boolean> send(Due d) {
        String body = fhir.newJsonParser().encodeResourceToString(FhirMapping.forPush(FhirMapping.observation(d.reading())));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stripSlash(settings.baseUrl()) + "/Observation"))
                .timeout(settings.timeout())
                .header("Content-Type", "application/fhir+json; charset=utf-8")
                .header("Accept", "application/fhir+json")
                .header("If-None-Exist", "identifier=" + URLEncoder.encode(FhirMapping.OBSERVATION_SYSTEM + "|"
                        + FhirMapping.identifierValue(d.reading()), StandardCharsets.UTF_8))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.bearerToken() != null) {
            request.header("Authorization", "Bearer " + settings.bearerToken());
        }
        return Future.fromCompletionStage(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()),
                        vertx.getOrCreateContext())
                .transform(r -> {
                    if (r.succeeded() && r.result().statusCode() / 100 == 2) {
                        return delivered(d).map(true);
                    }
                    String problem = r.succeeded() ? "HTTP " + r.result().statusCode() + ": " + abbreviate(r.result().body())
                            : String.valueOf(r.cause());
                    return failed(d, problem).map(false);
                });
    }

    private Future<Void> delivered(Due d) {
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE fhir_push SET state = 'DELIVERED', delivered_at = ?, "
                    + "lease_until = NULL, last_error = NULL WHERE id = ?")) {
                u.setTimestamp(1, Timestamp.from(clock.instant()));
                u.setLong(2, d.id());
                u.executeUpdate();
            }
            return null;
        });
    }

    private Future<Void> failed(Due d, String problem) {
        boolean dead = d.attempts() >= settings.maxAttempts();
        if (dead) {
            LOG.error("FHIR push of {} gave up after {} attempts: {}", FhirMapping.identifierValue(d.reading()),
                    d.attempts(), problem);
        } else {
            LOG.warn("FHIR push of {} failed (attempt {} of {}): {}", FhirMapping.identifierValue(d.reading()),
                    d.attempts(), settings.maxAttempts(), problem);
        }
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE fhir_push SET state = ?, next_attempt_at = ?, "
                    + "lease_until = NULL, last_error = ? WHERE id = ?")) {
                u.setString(1, dead ? "DEAD" : "PENDING");
                u.setTimestamp(2, Timestamp.from(clock.instant().plus(backoff(d.attempts()))));
                u.setString(3, problem);
                u.setLong(4, d.id());
                u.executeUpdate();
            }
            return null;
        });
    }

    /** The wait after the n-th failed attempt: doubling from the base, at most the cap. */
    Duration backoff(int attempts) {
        Duration d = settings.retryBase().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
        return d.compareTo(settings.retryCap()) > 0 ? settings.retryCap() : d;
    }

    /** For the operator: rows by state, and the dead ones with their last error. */
    static Map<String, Object> status(Connection c) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT state, count(*) FROM fhir_push GROUP BY state ORDER BY state");
             ResultSet r = q.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getLong(2));
            }
        }
        out.put("counts", counts);
        List<Map<String, Object>> dead = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, hub_id, outbox::text, seq, patient_id, code, attempts, "
                + "last_error, created_at FROM fhir_push WHERE state = 'DEAD' ORDER BY id DESC LIMIT 200");
             ResultSet r = q.executeQuery()) {
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", r.getLong(1));
                row.put("identifier", r.getString(2) + "/" + r.getString(3) + "/" + r.getLong(4));
                row.put("patientId", r.getString(5));
                row.put("code", r.getString(6));
                row.put("attempts", r.getInt(7));
                row.put("lastError", r.getString(8));
                row.put("createdAt", r.getTimestamp(9).toInstant());
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
