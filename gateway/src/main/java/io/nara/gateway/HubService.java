package io.nara.gateway;

import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.ReadingAssembler;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.sim.SimulatedHome;
import io.nara.gateway.status.StatusPage;
import io.nara.gateway.status.StatusView;
import io.nara.gateway.uplink.Uplink;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.HubStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/** The hub: wires outbox, pipeline, uplink, status page and (for demo and tests) the simulated home. */
public final class HubService extends VerticleBase {

    private static final String VERSION = "0.1.0";

    private final HubSettings settings;
    private final Clock clock;
    private final MessageCodec codec = new MessageCodec();
    private final Map<String, Instant> lastReadings = new ConcurrentHashMap<>();

    private WorkerExecutor outboxWorker;
    private Outbox outbox;
    private HubConfigStore configStore;
    private Uplink uplink;
    private StatusPage statusPage;
    private SimulatedHome simulatedHome;
    private volatile long pending;
    private volatile long quarantined;

    public HubService(HubSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        // One thread owns SQLite: no lock contention, and writes keep their order.
        outboxWorker = vertx.createSharedWorkerExecutor("nara-outbox-" + settings.hubId(), 1);
        return outboxWorker.executeBlocking(() -> {
            outbox = Outbox.open(settings.dataDir().resolve("outbox.db"), codec, clock);
            configStore = HubConfigStore.load(settings.dataDir().resolve("hub-config.json"),
                    settings.bootstrapConfig(), codec);
            return null;
        }).compose(v -> {
            ReadingPipeline pipeline = new ReadingPipeline(outboxWorker, outbox, configStore,
                    new ReadingAssembler(settings.deviceZone()), clock, settings::clockTrusted, this::stored);
            uplink = new Uplink(vertx, settings.hubId(), settings.broker(), outbox, outboxWorker, configStore, codec,
                    settings.uplink(), this::hubStatus);
            uplink.start();
            vertx.setPeriodic(1_000, id -> refreshCounts());
            if (settings.simulate()) {
                HubConfig config = configStore.current();
                simulatedHome = new SimulatedHome(vertx, pipeline, deviceOfModel(config, "sim-cuff"),
                        deviceOfModel(config, "sim-scale"), clock, settings.deviceZone(), RandomGenerator.getDefault());
                if (settings.simulateEveryMs() > 0) {
                    simulatedHome.scheduleEvery(settings.simulateEveryMs());
                }
            }
            statusPage = new StatusPage(vertx, codec, this::statusView, simulatedHome);
            return statusPage.listen(settings.httpHost(), settings.httpPort());
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> stopped = uplink == null ? Future.succeededFuture() : uplink.stop();
        return stopped.eventually(() -> outboxWorker.executeBlocking(() -> {
            if (outbox != null) {
                outbox.close();
            }
            return null;
        })).eventually(() -> {
            outboxWorker.close();
            return Future.succeededFuture();
        });
    }

    /** The port the status page listens on (useful when configured as 0). */
    public int statusPort() {
        return statusPage.port();
    }

    public SimulatedHome simulatedHome() {
        return simulatedHome;
    }

    private void stored(List<OutboxEntry> entries) {
        for (OutboxEntry entry : entries) {
            if (entry instanceof OutboxEntry.ObservationEntry o) {
                lastReadings.put(o.observation().deviceId(), o.observation().received());
            }
        }
        uplink.wake();
    }

    private void refreshCounts() {
        outboxWorker.executeBlocking(() -> new long[] {outbox.size(), outbox.quarantined()}).onSuccess(counts -> {
            pending = counts[0];
            quarantined = counts[1];
        });
    }

    private HubStatus hubStatus() {
        List<HubStatus.DeviceStatus> devices = configStore.current().devices().stream()
                .map(d -> new HubStatus.DeviceStatus(d.deviceId(), d.model(), lastReadings.get(d.deviceId()), null))
                .toList();
        return new HubStatus(SchemaVersion.CURRENT, HubStatus.State.ONLINE, clock.instant(), VERSION, clockState(),
                pending, devices);
    }

    private StatusView statusView() {
        HubConfig config = configStore.current();
        List<StatusView.Device> devices = config.devices().stream()
                .map(d -> new StatusView.Device(d.deviceId(), d.model(), d.patientId(), lastReadings.get(d.deviceId())))
                .toList();
        long lastAck = uplink.lastAckAt();
        return new StatusView(settings.hubId(), uplink.connected(), lastAck == 0 ? null : Instant.ofEpochMilli(lastAck),
                pending, quarantined, clockState(), config.version(), devices);
    }

    private HubStatus.ClockState clockState() {
        return settings.clockTrusted() ? HubStatus.ClockState.SYNCHRONIZED : HubStatus.ClockState.UNSYNCHRONIZED;
    }

    private static String deviceOfModel(HubConfig config, String model) {
        return config.devices().stream().filter(d -> model.equals(d.model())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "the simulated home needs a device of model '" + model + "' in the hub config"))
                .deviceId();
    }
}
