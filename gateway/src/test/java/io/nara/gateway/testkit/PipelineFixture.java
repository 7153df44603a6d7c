package io.nara.gateway.testkit;

import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.pipeline.ReadingAssembler;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real pipeline with a real SQLite outbox in a temporary folder, for transport tests: what a transport hands over
 * travels exactly as on a hub, and the test can hold the outbox's thread to prove a device is answered only after
 * the outbox has its reading.
 */
public final class PipelineFixture implements AutoCloseable {

    public static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");

    public final Vertx vertx = Vertx.vertx();
    public final WorkerExecutor worker;
    public final Outbox outbox;
    public final ReadingPipeline pipeline;
    public final List<OutboxEntry> stored = new CopyOnWriteArrayList<>();
    /** The hub's config store: a test can offer a newer config (another patient, a shared device) as the cloud would. */
    public final HubConfigStore configStore;

    private final Path dir;
    private final MessageCodec codec = new MessageCodec();

    /** @param devices bindings as "deviceId:model" for patient-1, who has a systolic-low and a potassium-high rule */
    public PipelineFixture(Path dir, String... devices) throws Exception {
        this(dir, () -> true, devices);
    }

    /** ... with the hub's clock synchronised only while {@code clockTrusted} says so. */
    public PipelineFixture(Path dir, BooleanSupplier clockTrusted, String... devices) throws Exception {
        StringBuilder bindings = new StringBuilder();
        for (String d : devices) {
            // the model is after the last colon: a BLE device id is a Bluetooth address with colons of its own
            String[] parts = {d.substring(0, d.lastIndexOf(':')), d.substring(d.lastIndexOf(':') + 1)};
            if (bindings.length() > 0) {
                bindings.append(',');
            }
            bindings.append("{\"deviceId\":\"")
                    .append(parts[0])
                    .append("\",\"model\":\"")
                    .append(parts[1])
                    .append("\",\"patientId\":\"patient-1\"}");
        }
        String config = """
                {"v":1,"version":1,"carePlans":[{"patientId":"patient-1","version":"p1","rules":[
                 {"id":"systolic-low","code":"8480-6","below":90.0,"above":null,"severity":"URGENT",
                  "message":"Systolic below 90"},
                 {"id":"potassium-high","code":"2823-3","below":null,"above":5.5,"severity":"URGENT",
                  "message":"Potassium above 5.5"}]}],
                 "devices":[%s]}""".formatted(bindings);
        this.dir = dir;
        Path bootstrap = dir.resolve("bootstrap.json");
        Files.writeString(bootstrap, config, StandardCharsets.UTF_8);
        worker = vertx.createSharedWorkerExecutor("test-outbox-" + System.nanoTime(), 1);
        outbox = Outbox.open(dir.resolve("outbox.db"), codec, Clock.systemUTC(), StorageLimits.defaults());
        HubConfigStore store = HubConfigStore.load(dir.resolve("hub-config.json"), bootstrap, codec);
        configStore = store;
        pipeline = new ReadingPipeline(
                worker,
                outbox,
                store,
                new ReadingAssembler(ZONE, new InMemoryRules()),
                Clock.systemUTC(),
                clockTrusted,
                stored::addAll);
    }

    public List<Observation> observations() {
        return stored.stream()
                .filter(e -> e instanceof OutboxEntry.ObservationEntry)
                .map(e -> ((OutboxEntry.ObservationEntry) e).observation())
                .toList();
    }

    /** The observations the outbox holds, including those stored by an earlier fixture on the same folder. */
    public List<Observation> held() {
        try {
            return worker
                    .executeBlocking(() -> outbox.pending(OutboxEntry.Kind.OBSERVATION, 0, Integer.MAX_VALUE))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .stream()
                    .map(e -> ((OutboxEntry.ObservationEntry) e).observation())
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the outbox", e);
        }
    }

    public long quarantined() throws Exception {
        return worker.executeBlocking(outbox::quarantined)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** Why each quarantined reading was kept apart, oldest first (read beside the outbox, as an installer would). */
    public List<String> quarantineProblems() throws Exception {
        List<String> problems = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
                var q = c.createStatement();
                var r = q.executeQuery("SELECT problem FROM quarantine ORDER BY rowid")) {
            while (r.next()) {
                problems.add(r.getString(1));
            }
        }
        return problems;
    }

    /** Gives the household's patients national ids, as the cloud's config does. */
    public void nationalIds(Map<String, String> ids) {
        HubConfig c = configStore.current();
        if (!configStore.offer(
                new HubConfig(c.v(), c.version() + 1, c.carePlans(), c.devices(), c.pairingUntil(), ids))) {
            throw new IllegalStateException("the hub did not adopt the config with national ids");
        }
    }

    public long outboxSize() throws Exception {
        return worker.executeBlocking(outbox::size)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** Occupies the outbox's only thread until the returned latch is counted down. */
    public CountDownLatch holdOutbox() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        worker.executeBlocking(() -> {
            holding.countDown();
            return release.await(60, TimeUnit.SECONDS);
        });
        try {
            if (!holding.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the outbox worker did not start the hold");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return release;
    }

    @Override
    public void close() throws Exception {
        worker.executeBlocking(() -> {
                    outbox.close();
                    return null;
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        worker.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
