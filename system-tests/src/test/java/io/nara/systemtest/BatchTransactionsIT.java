package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.alerting.AlertStore;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.consumer.HubMessageHandler;
import io.nara.ingest.consumer.StoreHealth;
import io.nara.ingest.db.Database;
import io.nara.ingest.hub.HubRegistry;
import io.nara.ingest.metrics.NodeMetrics;
import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationStore;
import io.nara.ingest.observation.Resends;
import io.nara.ingest.rejected.RejectedMessages;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An observation batch costs the ingest two PostgreSQL transactions, one before its InfluxDB write and one after, and
 * is acknowledged only once both committed and InfluxDB has it: the node's own message handler on a real PostgreSQL
 * and InfluxDB, its transactions counted by the database's observer (the one that feeds
 * {@code nara_postgres_transaction_seconds}), a home enrolled through the product's API.
 */
class BatchTransactionsIT {

    private static final String HUB = "hub-it-batch-tx";
    private static final String PATIENT = "patient-it-batch-tx";
    private static final String OTHER = "patient-it-batch-tx-2";
    private static final String SCALE = "scale-batch-tx";
    private static final String SHARED_SCALE = "shared-scale-batch-tx";
    private static final String WEIGHT = "29463-7";
    private static final MessageCodec CODEC = new MessageCodec();

    private static Services.Ingest ingest;
    private static Database.Settings postgres;
    private static Vertx vertx;
    private static Database db;
    private static InfluxDatabase influx;
    private static ObservationStore observations;
    private static NodeMetrics metrics;
    private static final AtomicInteger transactions = new AtomicInteger();
    /** The transactions counted when each acknowledgement was published. */
    private static final List<Integer> transactionsAtAck = new CopyOnWriteArrayList<>();

    private static final List<byte[]> acks = new CopyOnWriteArrayList<>();
    private static HubMessageHandler handler;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        postgres = stack.freshPostgres();
        ObservationStore.Settings influxSettings = stack.freshInflux();
        // A node of its own makes the schema and the retention policy, and enrols the home as a nurse would.
        ingest = Services.startIngest(
                stack, "it-" + UUID.randomUUID().toString().substring(0, 8), postgres, influxSettings);
        Services.awaitHealthy(ingest);
        HomeEnrolment.enrol(
                ingest,
                HUB,
                new HubConfig(
                        1,
                        1,
                        List.of(),
                        List.of(
                                new DeviceBinding(SCALE, "sim-scale", PATIENT),
                                new DeviceBinding(
                                        SHARED_SCALE,
                                        "sim-scale",
                                        null,
                                        List.of(
                                                new DeviceBinding.DeviceUser(PATIENT, null),
                                                new DeviceBinding.DeviceUser(OTHER, null))))));

        vertx = Vertx.vertx();
        db = Database.open(vertx, postgres, (nanos, ok) -> transactions.incrementAndGet());
        influx = InfluxDatabase.connect(influxSettings);
        observations = new ObservationStore(influx);
        metrics = new NodeMetrics("it-batch-tx");
        WorkerExecutor influxWorker = vertx.createSharedWorkerExecutor("it-batch-tx-influx", 2);
        Clock clock = Clock.systemUTC();
        handler = new HubMessageHandler(
                new HubMessageHandler.Stores(
                        db,
                        observations,
                        influxWorker,
                        new AlertStore(
                                db,
                                new AlertLifecycle(
                                        db,
                                        clock,
                                        AlertingSettings.defaults().escalation(),
                                        AlertingSettings.defaults().channels(),
                                        "it-batch-tx")),
                        new HubRegistry(db),
                        new RejectedMessages(db)),
                CODEC,
                clock,
                List.of(),
                metrics,
                new StoreHealth(),
                Duration.ofDays(7),
                BatchTransactionsIT::ack,
                BatchTransactionsIT::ack);
    }

    private static Future<Void> ack(String topic, byte[] payload) {
        transactionsAtAck.add(transactions.get());
        acks.add(payload);
        return Future.succeededFuture();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        if (db != null) {
            db.close();
        }
        if (influx != null) {
            influx.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        Services.closeAll(ingest);
    }

    @Test
    void aBatchIsStoredInTwoTransactionsAndAcknowledgedAfterBoth() throws Exception {
        String outbox = UUID.randomUUID().toString();
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        // A reading of the patient's own scale, and one of the shared scale the hub could not attribute.
        ObservationBatch batch = ObservationBatch.of(
                outbox,
                List.of(
                        new Observation(1, PATIENT, SCALE, WEIGHT, 71.5, "kg", at, at, Set.of()),
                        new Observation(2, null, SHARED_SCALE, WEIGHT, 80.25, "kg", at, at, Set.of())));

        handle(batch);

        assertThat(transactions.get()).isEqualTo(2);
        assertThat(transactionsAtAck).containsExactly(2);
        assertThat(acks).hasSize(1);
        assertThat(new String(acks.get(0), StandardCharsets.UTF_8)).contains(outbox);
        // Both readings in InfluxDB, the unattributed one kept for the nurses, the outbox's stored sequence noted.
        assertThat(observations.storedCopies(HUB, outbox, batch.observations()))
                .extracting(Observation::value)
                .containsExactlyInAnyOrder(71.5, 80.25);
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            assertThat(Resends.storedTo(c, HUB, outbox)).isEqualTo(2);
            try (var s = c.prepareStatement(
                            "SELECT seq FROM unattributed_reading WHERE hub_id = ? AND outbox = ?::uuid");
                    var r = prepared(s, outbox).executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getLong("seq")).isEqualTo(2);
                assertThat(r.next()).isFalse();
            }
            try (var s = c.prepareStatement("SELECT last_seen_at FROM hub WHERE hub_id = ?")) {
                s.setString(1, HUB);
                try (var r = s.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getTimestamp("last_seen_at")).isNotNull();
                }
            }
        }

        // The hub sends it again (its ack was lost): compared with the stored copies, written again, two again.
        transactions.set(0);
        transactionsAtAck.clear();
        handle(batch);
        assertThat(transactions.get()).isEqualTo(2);
        assertThat(transactionsAtAck).containsExactly(2);
    }

    @Test
    void anAlertIsStoredAndAcknowledgedWhileEveryOrdinaryWorkerWaits() throws Exception {
        int transactionsBefore = transactions.get();
        int acksBefore = acks.size();
        List<Future<Object>> waiting = new ArrayList<>();
        try (Connection holder = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                var lock = holder.createStatement()) {
            // As in a reconnect storm: more ordinary transactions than the node has workers, all held up (here by a
            // lock this test holds; in a storm by the batches before them).
            lock.execute("SELECT pg_advisory_lock(4242)");
            for (int i = 0; i < 20; i++) {
                waiting.add(db.transaction(c -> {
                    try (var s = c.createStatement()) {
                        s.execute("SELECT pg_advisory_xact_lock(4242)");
                    }
                    return null;
                }));
            }
            String outbox = UUID.randomUUID().toString();
            Instant sent = Instant.now();
            CompletableFuture<Void> handled = new CompletableFuture<>();
            vertx.runOnContext(v -> handler.handle(
                            HubTopic.of(HUB, HubTopic.Kind.ALERT).name(),
                            CODEC.encode(AlertMessage.of(outbox, Alerting.alert(PATIENT, 1, Instant.now()))))
                    .onComplete(r -> handled.complete(null)));

            // The alert is stored, routed and acknowledged although every ordinary worker waits.
            await().atMost(Services.DEADLINE)
                    .until(() -> acks.stream()
                            .skip(acksBefore)
                            .anyMatch(a -> new String(a, StandardCharsets.UTF_8).contains(outbox)));
            assertThat(waiting).noneMatch(Future::isComplete);
            // The message is done too (the broker gets its PUBACK): noting the hub's last contact does not hold it.
            await().atMost(Services.DEADLINE).until(handled::isDone);
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                    var s = c.prepareStatement("SELECT count(*) FROM alert WHERE hub_id = ? AND outbox = ?::uuid");
                    var r = prepared(s, outbox).executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isEqualTo(1);
            }

            lock.execute("SELECT pg_advisory_unlock(4242)");
            await().atMost(Services.DEADLINE).until(() -> waiting.stream().allMatch(Future::isComplete));
            // ... and follows once the workers are free.
            await().atMost(Services.DEADLINE).until(() -> lastSeen().isAfter(sent));
        } finally {
            await().atMost(Services.DEADLINE).until(() -> waiting.stream().allMatch(Future::isComplete));
            // The other test counts its own transactions from zero.
            transactions.set(transactionsBefore);
            transactionsAtAck.clear();
            acks.clear();
        }
    }

    private static Instant lastSeen() throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                var s = c.prepareStatement("SELECT last_seen_at FROM hub WHERE hub_id = ?")) {
            s.setString(1, HUB);
            try (var r = s.executeQuery()) {
                return r.next() && r.getTimestamp(1) != null ? r.getTimestamp(1).toInstant() : Instant.EPOCH;
            }
        }
    }

    private static PreparedStatement prepared(PreparedStatement s, String outbox) throws SQLException {
        s.setString(1, HUB);
        s.setString(2, outbox);
        return s;
    }

    /** Hands the batch to the handler on a Vert.x context, as the consumer does, and waits until it is handled. */
    private static void handle(ObservationBatch batch) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(v -> handler.handle(
                        HubTopic.of(HUB, HubTopic.Kind.OBS).name(), CODEC.encode(batch))
                .onComplete(r -> {
                    if (r.succeeded()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(r.cause());
                    }
                }));
        await().atMost(Services.DEADLINE).until(done::isDone);
        done.get();
    }
}
