package io.nara.gateway;

import io.nara.devices.Measurement;
import io.nara.gateway.careplan.RuleStateStore;
import io.nara.gateway.clock.HubClock;
import io.nara.gateway.config.HubConfigStore;
import io.nara.gateway.enrol.Enrolment;
import io.nara.gateway.gpio.HubSignals;
import io.nara.gateway.installer.DeviceStates;
import io.nara.gateway.installer.DeviceTransports;
import io.nara.gateway.installer.InstallerApi;
import io.nara.gateway.metrics.HubMetrics;
import io.nara.gateway.outbox.Outbox;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.outbox.StorageState;
import io.nara.gateway.pipeline.ReadingAssembler;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.sim.SimulatedHome;
import io.nara.gateway.status.InstallerToken;
import io.nara.gateway.status.StatusPage;
import io.nara.gateway.status.StatusView;
import io.nara.gateway.tablet.PairedTablets;
import io.nara.gateway.tablet.TabletApi;
import io.nara.gateway.update.UpdateResult;
import io.nara.gateway.uplink.Uplink;
import io.nara.gateway.voice.Phrases;
import io.nara.gateway.voice.SeenFeedback;
import io.nara.gateway.voice.Speaker;
import io.nara.gateway.voice.Voice;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub: wires outbox, pipeline, uplink, status page and (for demo and tests) the simulated home. */
public final class HubService extends VerticleBase {

    private static final long CLOCK_CHECK_MILLIS = 2_000;
    /** How often the updater's last-result file is read: it changes at most a few times a day. */
    private static final long UPDATE_RESULT_CHECK_MILLIS = 15_000;

    private static final Logger LOG = LoggerFactory.getLogger(HubService.class);

    /** The installed package's version (the launcher passes it as nara.hub.version); the build's otherwise. */
    public static final String VERSION = System.getProperty("nara.hub.version", "0.1.0");

    private final HubSettings settings;
    private final Clock clock;
    private final HubClock hubClock;
    private volatile boolean clockSynchronized;
    private final List<Long> timers = new ArrayList<>();
    private final MessageCodec codec = new MessageCodec();
    private final Map<String, Instant> lastReadings = new ConcurrentHashMap<>();

    private WorkerExecutor outboxWorker;
    private Outbox outbox;
    private HubConfigStore configStore;
    private RuleStateStore ruleState;
    private PairedTablets pairedTablets;
    private Uplink uplink;
    private final Enrolment enrolment;
    private StatusPage statusPage;
    private InstallerToken installerToken;
    private Set<String> ownNames = Set.of();
    private SimulatedHome simulatedHome;
    // Device transports (BLE, CoAP, analyzers, GPIO) and what they report for the installer and the LED.
    private final DeviceStates deviceStates;
    private final HubSignals signals;
    private final Map<String, Instant> lastByCode = new ConcurrentHashMap<>();
    private DeviceTransports transports;
    private volatile long quarantined;
    /** The quarantine as the status tells the cloud; refreshed with the outbox counts. */
    private volatile HubStatus.Quarantine quarantine = new HubStatus.Quarantine(0, null, null, null);

    private volatile boolean quarantineChanged;
    /** Epoch ms of the oldest unacknowledged entry, 0 when none; refreshed each second on the outbox thread. */
    private volatile long oldestPending;

    private HubMetrics metrics;
    /** The update the updater last refused or rolled back, while that is its last word; null otherwise. */
    private volatile HubStatus.FailedUpdate failedUpdate;
    /** The storage state the last storage alert reported; a new alert only when it got worse. */
    private StorageState announcedStorage = new StorageState(0, 0, false);
    /** The storage level the cloud was last told of; the status goes at once when it changes. */
    private volatile HubStatus.Storage.Level storageLevel = HubStatus.Storage.Level.OK;

    private volatile boolean storageLevelChanged;
    /** The hub's voice, or null when it does not speak (no --voice). */
    private Voice voice;

    public HubService(HubSettings settings, Clock clock) {
        this(settings, clock, settings.clockTrusted() ? HubClock.assumeSynchronized() : HubClock.timesyncd());
    }

    /** @param hubClock tells whether the wall clock is right; readings taken while it is not wait to be re-timed */
    public HubService(HubSettings settings, Clock clock, HubClock hubClock) {
        this(settings, clock, hubClock, null);
    }

    /**
     * @param enrolment gets the hub its certificate from the cloud and renews it; the uplink starts once enrolled.
     *                  Null when the hub's certificate is given (dev PKI, tests).
     */
    public HubService(HubSettings settings, Clock clock, HubClock hubClock, Enrolment enrolment) {
        this.enrolment = enrolment;
        this.settings = settings;
        this.clock = clock;
        this.deviceStates = new DeviceStates(clock);
        this.signals = new HubSignals(
                clock,
                settings.transports().gpio() == null
                        ? Duration.ofHours(2)
                        : settings.transports().gpio().alertShown());
        this.hubClock = hubClock;
    }

    @Override
    public Future<?> start() {
        if (settings.simulate() && !StatusPage.loopbackOnly(settings.httpHost())) {
            return Future.failedFuture(new IllegalArgumentException("the simulated home raises real alerts, so it runs "
                    + "only with the status page on loopback (--http-host 127.0.0.1), not on " + settings.httpHost()));
        }
        // One thread owns SQLite: no lock contention, and writes keep their order.
        outboxWorker = vertx.createSharedWorkerExecutor("nara-outbox-" + settings.hubId(), 1);
        return outboxWorker
                .executeBlocking(() -> {
                    outbox = Outbox.open(settings.dataDir().resolve("outbox.db"), codec, clock, settings.storage());
                    // What the policy gave up before a restart was announced then (the alert is in the outbox already).
                    announcedStorage = outbox.storageState();
                    configStore = HubConfigStore.load(
                            settings.dataDir().resolve("hub-config.json"), settings.bootstrapConfig(), codec);
                    // Episodes and rule history live in the outbox database, written in the outbox's own transactions.
                    clockSynchronized = hubClock.synchronizedNow();
                    if (clockSynchronized) {
                        releaseHeldReadings(); // held by an earlier run whose clock never became right
                    }
                    ruleState = RuleStateStore.open(outbox.connection());
                    outbox.onRollback(ruleState::forget);
                    installerToken = InstallerToken.loadOrCreate(settings.dataDir());
                    pairedTablets = PairedTablets.load(settings.dataDir());
                    ownNames = StatusPage.ownNames();
                    metrics = new HubMetrics(new HubMetrics.Sources(
                            () -> outbox.size(),
                                    () -> oldestPending == 0 ? 0 : Math.max(0, clock.millis() - oldestPending),
                            () -> uplink == null ? 0.0 : uplink.progress().recordsPerSecond(), () -> quarantined,
                            () -> uplink == null ? 0 : uplink.connections(), deviceStates));
                    outbox.onCommit(metrics::committed);
                    return null;
                })
                .compose(v -> {
                    ReadingPipeline pipeline = new ReadingPipeline(
                            outboxWorker,
                            outbox,
                            configStore,
                            new ReadingAssembler(settings.deviceZone(), ruleState),
                            clock,
                            () -> clockSynchronized,
                            this::stored);
                    uplink = new Uplink(
                            vertx,
                            settings.hubId(),
                            settings.broker(),
                            outbox,
                            outboxWorker,
                            configStore,
                            codec,
                            settings.uplink(),
                            this::hubStatus);
                    startFeedback();
                    if (enrolment == null) {
                        return uplink.start().map(pipeline);
                    }
                    // Readings are kept meanwhile; the status page and the LED say the hub waits for enrolment, and
                    // why.
                    enrolment.start().onSuccess(enrolled -> uplink.start());
                    return Future.succeededFuture(pipeline);
                })
                .compose(pipeline -> {
                    timers.add(vertx.setPeriodic(1_000, id -> refreshCounts()));
                    timers.add(vertx.setPeriodic(CLOCK_CHECK_MILLIS, id -> checkClock()));
                    if (settings.updateResult() != null) {
                        // The updater writes its result after it has (re)started this hub: read again until it appears.
                        readUpdateResult();
                        timers.add(vertx.setPeriodic(UPDATE_RESULT_CHECK_MILLIS, id -> readUpdateResult()));
                    }
                    if (settings.simulate()) {
                        simulatedHome = new SimulatedHome(
                                vertx,
                                pipeline,
                                () -> deviceOfModel(configStore.current(), "sim-cuff"),
                                () -> deviceOfModel(configStore.current(), "sim-scale"),
                                clock,
                                settings.deviceZone(),
                                RandomGenerator.getDefault());
                        if (settings.simulateEveryMs() > 0) {
                            simulatedHome.scheduleEvery(settings.simulateEveryMs());
                        }
                    }
                    timers.add(vertx.setPeriodic(1_000, id -> {
                        signals.connected(uplink.connected());
                        signals.waitingForEnrolment(
                                enrolment != null && !enrolment.status().enrolled());
                        signals.outboxPending(uplink.progress().pending());
                    }));
                    transports = new DeviceTransports(
                            vertx,
                            settings.transports(),
                            pipeline,
                            clock,
                            settings.deviceZone(),
                            deviceStates,
                            signals,
                            lastByCode::get);
                    configStore.onAdopted(transports::configChanged);
                    // A device that sends readings without being bound (a CoAP scale with a known key, an analyzer on
                    // its
                    // port, a BLE device) is offered to the cloud; its readings wait in the quarantine.
                    pipeline.onUnbound((device, source, measurements, received) -> {
                        deviceStates
                                .discovered()
                                .seen(
                                        device,
                                        source.startsWith("coap")
                                                ? "coap"
                                                : source.startsWith("ble") ? "ble" : "analyzer",
                                        null,
                                        null,
                                        "readings held in quarantine (" + source + ")");
                        // What it measured goes with it to the cloud, for the nurse; newest (the message's last) first.
                        List<HubStatus.HeldReading> held = new ArrayList<>();
                        for (Measurement m : measurements) {
                            held.add(
                                    0,
                                    new HubStatus.HeldReading(
                                            m.code().code(),
                                            m.value() != null && Double.isFinite(m.value()) ? m.value() : null,
                                            m.code().ucum(),
                                            m.deviceTime(),
                                            received));
                        }
                        deviceStates.discovered().held(device, held);
                    });
                    // On the outbox's thread (the uplink offers configs there): a patient no longer served is wiped.
                    configStore.onAdopted(config -> {
                        int wiped = ruleState.wipeAllBut(Set.copyOf(config.patients()));
                        if (wiped > 0) {
                            LOG.info("wiped {} rule-state rows of patients this hub no longer serves", wiped);
                        }
                    });
                    deviceStates.discovered().onNew(() -> vertx.runOnContext(x -> uplink.statusChanged()));
                    statusPage =
                            new StatusPage(vertx, codec, this::statusView, simulatedHome, installerToken, ownNames);
                    statusPage.routes(router -> {
                        new InstallerApi(deviceStates, transports, clock, codec).mount(router);
                        new TabletApi(
                                        vertx,
                                        codec,
                                        clock,
                                        pairedTablets,
                                        pipeline,
                                        (patient, since) -> outboxWorker.executeBlocking(
                                                () -> ruleState.readingsSince(patient, since)),
                                        uplink::connected)
                                .mount(router);
                        metrics.mount(router);
                    });
                    return transports.start().compose(t -> statusPage.listen(settings.httpHost(), settings.httpPort()));
                });
    }

    /**
     * The patient's feedback: the voice (measurements confirmed, reminders) and what the hub does when the cloud says a
     * nurse or doctor saw an alert (the LED's "seen", a sentence).
     */
    private void startFeedback() {
        if (settings.transports().voice() != null) {
            voice = new Voice(
                    new Speaker(settings.transports().voice(), Path.of(System.getProperty("java.io.tmpdir"))),
                    configStore::current,
                    clock);
            signals.onReminder(codes -> voice.say(configStore.current().patients(), Phrases.reminder(codes)));
        }
        SeenFeedback seen = new SeenFeedback(signals, voice, HubSignals.SEEN_SHOWN);
        uplink.onAlertSeen(message -> outboxWorker
                .executeBlocking(outbox::lastSeq)
                .onSuccess(
                        lastSeq -> seen.accept(message, configStore.current(), outbox.id(), lastSeq, clock.instant()))
                .onFailure(e -> LOG.error("cannot check 'alert seen' against the outbox: {}", e.getMessage())));
    }

    /** The hub's voice, or null when it does not speak. */
    public Voice voice() {
        return voice;
    }

    /** The device transports, the pins among them; null before the hub started. */
    public DeviceTransports transports() {
        return transports;
    }

    /** What the LED is told (tests and the status page read its state through it). */
    public HubSignals signals() {
        return signals;
    }

    @Override
    public Future<?> stop() {
        // Timers first, so none touches the outbox while it closes; then devices: nothing new arrives meanwhile.
        timers.forEach(vertx::cancelTimer);
        if (enrolment != null) {
            enrolment.stop();
        }
        Future<Void> devicesStopped = transports == null ? Future.succeededFuture() : transports.stop();
        Future<Void> stopped =
                devicesStopped.eventually(() -> uplink == null ? Future.succeededFuture() : uplink.stop());
        if (voice != null) {
            voice.speaker().close();
        }
        return stopped.eventually(() -> outboxWorker.executeBlocking(() -> {
                    if (outbox != null) {
                        outbox.close();
                    }
                    return null;
                }))
                .eventually(() -> {
                    outboxWorker.close();
                    return Future.succeededFuture();
                });
    }

    /** Completes once the outbox thread has answered: the event loop and SQLite are not stuck (systemd's watchdog). */
    public Future<Long> alive() {
        return outboxWorker.executeBlocking(() -> outbox.size());
    }

    /** The port the status page listens on (useful when configured as 0). */
    public int statusPort() {
        return statusPage.port();
    }

    /** What an installer shows to change anything through the status page (kept in the data folder). */
    public InstallerToken installerToken() {
        return installerToken;
    }

    public SimulatedHome simulatedHome() {
        return simulatedHome;
    }

    private void stored(List<OutboxEntry> entries) {
        confirm(entries);
        for (OutboxEntry entry : entries) {
            if (entry instanceof OutboxEntry.ObservationEntry o) {
                metrics.evaluated(1);
                lastReadings.put(o.observation().deviceId(), o.observation().received());
                lastByCode.put(o.observation().code(), o.observation().received());
            } else if (entry instanceof OutboxEntry.AlertEntry) {
                metrics.alertRaised();
                signals.alertStored();
            }
        }
        uplink.wake();
    }

    /**
     * Says that a reading was registered, once per patient and reading, now that the outbox holds it. Not for samples
     * of a continuous stream (a pulse oximeter's, every second), a failed measurement or an unattributed reading.
     */
    private void confirm(List<OutboxEntry> entries) {
        if (voice == null) {
            return;
        }
        Map<String, Set<String>> codes = new LinkedHashMap<>();
        for (OutboxEntry entry : entries) {
            if (entry instanceof OutboxEntry.ObservationEntry o
                    && o.observation().patientId() != null
                    && !o.observation().flags().contains(ObservationFlag.CONTINUOUS_SAMPLE)
                    && !o.observation().flags().contains(ObservationFlag.MEASUREMENT_FAILED)) {
                codes.computeIfAbsent(o.observation().patientId(), p -> new LinkedHashSet<>())
                        .add(o.observation().code());
            }
        }
        codes.forEach((patientId, measured) -> voice.say(List.of(patientId), Phrases.measured(measured)));
    }

    private void refreshCounts() {
        outboxWorker
                .executeBlocking(() -> {
                    HubStatus.Quarantine held = outbox.quarantineSummary();
                    quarantined = held.held();
                    quarantineChanged = !held.equals(quarantine);
                    quarantine = held;
                    Long oldest = outbox.oldestStoredAt();
                    oldestPending = oldest == null ? 0 : oldest;
                    StorageState storage = outbox.storageState();
                    HubStatus.Storage.Level level = storageForStatus(storage).level();
                    storageLevelChanged = level != storageLevel;
                    storageLevel = level;
                    if (storage.thinnedSamples() + storage.droppedReadings()
                            < announcedStorage.thinnedSamples() + announcedStorage.droppedReadings()) {
                        // The outbox drained since: the next shortage is a new one, announced from its first record.
                        announcedStorage = new StorageState(0, 0, false);
                    }
                    if (worse(storage, announcedStorage)) {
                        announceStorage(storage);
                        announcedStorage = storage;
                        return true;
                    }
                    return false;
                })
                .onSuccess(announced -> {
                    if (announced) {
                        uplink.wake();
                    }
                    // The nurse and the operator hear of a newly quarantined reading, or of the outbox's storage
                    // becoming
                    // thinned, dropped, full or OK again, with the next status; the counts alone wait for the regular
                    // one.
                    if ((quarantineChanged || storageLevelChanged) && uplink != null) {
                        uplink.statusChanged();
                    }
                })
                .onFailure(e -> LOG.error("cannot check the outbox: {}", e.getMessage(), e));
    }

    /** Worse: newly full, or dropped at least a tenth more than last announced (not an alert per dropped row). */
    private static boolean worse(StorageState now, StorageState before) {
        return (now.full() && !before.full())
                || now.thinnedSamples() + now.droppedReadings()
                        > (before.thinnedSamples() + before.droppedReadings()) * 11 / 10;
    }

    /** Runs on the outbox worker: an alert for each patient of this home, so a nurse hears of it. */
    private void announceStorage(StorageState state) {
        String text = String.format(
                "Hubbens lagring är full: %d kontinuerliga mätvärden glesade, %d äldre mätvärden "
                        + "borttagna%s / Hub storage full: %d continuous samples thinned, %d older readings dropped%s",
                state.thinnedSamples(),
                state.droppedReadings(),
                state.full() ? ", nya mätningar avvisas" : "",
                state.thinnedSamples(),
                state.droppedReadings(),
                state.full() ? ", new readings refused" : "");
        LOG.warn(text);
        HubConfig config = configStore.current();
        // Every patient of the home: a shared device has no patient of its own, and a null patient is no alert.
        List<String> patients = config.patients();
        if (patients.isEmpty()) {
            LOG.error("hub storage is full but this hub serves no patient yet; nobody to tell but this log");
            return;
        }
        Instant now = clock.instant();
        outbox.append(seqs -> patients.stream()
                .<OutboxEntry>map(patient -> new OutboxEntry.AlertEntry(new Alert(
                        seqs.getAsLong(),
                        patient,
                        "hub-storage",
                        Severity.WARNING,
                        null,
                        null,
                        null,
                        text,
                        now,
                        0,
                        config.carePlanFor(patient).map(p -> p.version()).orElse("none"),
                        null,
                        null)))
                .toList());
    }

    /** Reads the updater's last result (async file read); a change goes to the cloud in a status at once. */
    private void readUpdateResult() {
        Path file = settings.updateResult();
        vertx.fileSystem()
                .exists(file.toString())
                .compose(exists -> exists
                        ? vertx.fileSystem().readFile(file.toString()).map(b -> b.toString())
                        : Future.succeededFuture((String) null))
                .onSuccess(text -> {
                    HubStatus.FailedUpdate now;
                    try {
                        now = text == null ? null : UpdateResult.failure(text).orElse(null);
                    } catch (IllegalArgumentException e) {
                        LOG.warn("cannot read the updater's result in {}: {}", file, e.getMessage());
                        return;
                    }
                    if (!Objects.equals(now, failedUpdate)) {
                        failedUpdate = now;
                        if (now != null) {
                            LOG.warn("update to {} {}: {}", now.version(), now.outcome(), now.reason());
                        }
                        if (uplink != null) {
                            uplink.statusChanged();
                        }
                    }
                })
                .onFailure(e -> LOG.warn("cannot read the updater's result in {}: {}", file, e.getMessage()));
    }

    private HubStatus hubStatus() {
        List<HubStatus.DeviceStatus> devices = configStore.current().devices().stream()
                .map(d -> new HubStatus.DeviceStatus(
                        d.deviceId(),
                        d.model(),
                        lastReadings.get(d.deviceId()),
                        deviceStates.get(d.deviceId()).battery()))
                .toList();
        // The config version applied, so the cloud can show "applied" rather than "waiting for the hub".
        return new HubStatus(
                SchemaVersion.CURRENT,
                HubStatus.State.ONLINE,
                clock.instant(),
                VERSION,
                clockState(),
                uplink.progress().pending(),
                devices,
                configStore.current().version(),
                deviceStates
                        .discovered()
                        .unbound(configStore.current().devices().stream()
                                .map(d -> d.deviceId().toUpperCase())
                                .collect(Collectors.toSet())),
                failedUpdate,
                quarantine,
                storageForStatus(outbox.storageState()));
    }

    /** Reads only what the outbox keeps in memory: the status is built often, never with a table scan. */
    private HubStatus.Storage storageForStatus(StorageState storage) {
        return storage.inStatus(outbox.size(), settings.storage().maxRecords());
    }

    private StatusView statusView() {
        HubConfig config = configStore.current();
        List<StatusView.Device> devices = config.devices().stream()
                .map(d -> StatusView.Device.of(
                        d.deviceId(),
                        d.model(),
                        d.patientId(),
                        lastReadings.get(d.deviceId()),
                        deviceStates.get(d.deviceId())))
                .toList();
        long lastAck = uplink.lastAckAt();
        Uplink.Progress progress = uplink.progress();
        return new StatusView(
                settings.hubId(),
                VERSION,
                uplink.connected(),
                lastAck == 0 ? null : Instant.ofEpochMilli(lastAck),
                progress.pending(),
                progress,
                outbox.storageState(),
                quarantined,
                clockState(),
                config.version(),
                devices,
                enrolment == null ? null : enrolment.status());
    }

    /** Checks the clock off the event loop; when it has just become right, releases the readings that waited. */
    private void checkClock() {
        vertx.executeBlocking(hubClock::synchronizedNow)
                .onSuccess(now -> {
                    boolean was = clockSynchronized;
                    clockSynchronized = now;
                    if (now && !was) {
                        LOG.info("the hub's clock is synchronised; re-timing the readings taken before");
                        outboxWorker
                                .executeBlocking(() -> {
                                    releaseHeldReadings();
                                    return null;
                                })
                                .onSuccess(v -> uplink.wake())
                                .onFailure(e -> LOG.error("cannot re-time held readings: {}", e.getMessage(), e));
                    } else if (!now && was) {
                        LOG.warn("the hub's clock is no longer known to be right; new readings wait until it is");
                    }
                })
                .onFailure(e -> LOG.error("cannot check the clock: {}", e.getMessage(), e));
    }

    /** Runs on the outbox worker. */
    private void releaseHeldReadings() {
        long[] result = outbox.retime(clock.millis(), System.nanoTime());
        if (result[0] + result[1] > 0) {
            LOG.info(
                    "{} readings re-timed from the monotonic clock, {} from an earlier boot sent flagged as they were",
                    result[0],
                    result[1]);
        }
    }

    private HubStatus.ClockState clockState() {
        return clockSynchronized ? HubStatus.ClockState.SYNCHRONIZED : HubStatus.ClockState.UNSYNCHRONIZED;
    }

    /** The bound device of the model, or null while none is bound. */
    private static String deviceOfModel(HubConfig config, String model) {
        return config.devices().stream()
                .filter(d -> model.equals(d.model()))
                .findFirst()
                .map(DeviceBinding::deviceId)
                .orElse(null);
    }
}
