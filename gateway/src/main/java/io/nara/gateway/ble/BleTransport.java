package io.nara.gateway.ble;

import io.nara.devices.catalogue.DeviceCatalogue;
import io.nara.devices.catalogue.DeviceProfile;
import io.nara.devices.gatt.CurrentTime;
import io.nara.devices.gatt.GattDateTime;
import io.nara.devices.gatt.GattDecoders;
import io.nara.devices.gatt.RecordAccessControlPoint;
import io.nara.gateway.installer.DeviceStates;
import io.nara.gateway.pipeline.RawReading;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.protocol.message.DeviceBinding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bluetooth health devices through BlueZ: for every bound device whose catalogue profile says BLE, a session on the
 * device's own thread (D-Bus calls block) that waits for it to advertise, connects, sets its clock, enables its
 * indications, asks for stored records through RACP where it supports that, and reconnects with backoff when it walks
 * away. Values go through the pipeline as raw GATT bytes; RACP records are deleted on the device only after the
 * outbox holds them.
 *
 * <p>Device ids of BLE bindings are Bluetooth addresses (AA:BB:CC:DD:EE:FF).
 */
public final class BleTransport {

    private static final Logger LOG = LoggerFactory.getLogger(BleTransport.class);

    /** Services health devices also carry that say nothing about health: GAP, GATT, Current Time, Device Information, Battery. */
    private static final Set<String> NOT_HEALTH_SERVICES = Set.of("1800", "1801", "1805", "180A", "180F");

    private final Vertx vertx;
    private final BleSettings settings;
    private final BleBackend backend;
    private final ReadingPipeline pipeline;
    private final DeviceStates states;
    private final Clock clock;
    private final ZoneId deviceZone;
    private final DeviceCatalogue catalogue = DeviceCatalogue.builtIn();
    private final Map<String, ExecutorService> sessions = new ConcurrentHashMap<>();
    private volatile boolean running;
    private ScheduledExecutorService scanner;
    private static final long DISCOVERY_POLL_MS = 2_000;

    public BleTransport(
            Vertx vertx,
            BleSettings settings,
            ReadingPipeline pipeline,
            DeviceStates states,
            Clock clock,
            ZoneId deviceZone) {
        this.vertx = vertx;
        this.settings = settings;
        this.backend = BleBackend.of(settings.backend());
        this.pipeline = pipeline;
        this.states = states;
        this.clock = clock;
        this.deviceZone = deviceZone;
    }

    public Future<Void> start() {
        running = true;
        return vertx.executeBlocking(() -> {
            backend.open(settings);
            // Every health service the catalogue knows, bound or not, so devices not bound yet can be reported to the
            // cloud; only the health services: Device Information, Battery or Current Time would let every phone in.
            Set<String> services = catalogue.all().stream()
                    .filter(p -> p.transport() == DeviceProfile.Transport.BLE)
                    .flatMap(p -> p.services().stream())
                    .map(String::toUpperCase)
                    .filter(u -> !NOT_HEALTH_SERVICES.contains(u))
                    .collect(Collectors.toCollection(TreeSet::new));
            backend.startDiscovery(services);
            reconcile();
            scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nara-ble-discovered");
                t.setDaemon(true);
                return t;
            });
            scanner.scheduleWithFixedDelay(this::reportUnbound, 0, DISCOVERY_POLL_MS, TimeUnit.MILLISECONDS);
            return null;
        });
    }

    /**
     * Follows the hub's config: a session for every bound BLE device, none for a device no longer bound. Called at
     * start and whenever the hub adopts a new config from the cloud, so a device bound from the cloud is paired and
     * read without a restart.
     */
    public synchronized void reconcile() {
        if (!running) {
            return;
        }
        Map<String, DeviceProfile> ble = bleDevices();
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            var session = it.next();
            if (!ble.containsKey(session.getKey())) {
                LOG.info("BLE {}: no longer bound; session ended", session.getKey());
                session.getValue().shutdownNow();
                it.remove();
            }
        }
        ble.forEach((address, profile) -> sessions.computeIfAbsent(address, a -> {
            states.transport(address, "ble");
            states.connection(address, DeviceStates.Connection.WAITING);
            ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "nara-ble-" + address);
                t.setDaemon(true);
                return t;
            });
            thread.execute(() -> session(address, profile));
            return thread;
        }));
        LOG.info("BLE ({}): {} bound device(s)", backend.name(), ble.size());
    }

    /** Health devices BlueZ sees that are not bound: offered to the cloud for binding. */
    private void reportUnbound() {
        try {
            Set<String> bound = pipeline.config().devices().stream()
                    .map(d -> d.deviceId().toUpperCase())
                    .collect(Collectors.toSet());
            for (BleBackend.Seen seen : backend.devices()) {
                Set<String> health = seen.serviceUuids().stream()
                        .map(String::toUpperCase)
                        .filter(u -> !NOT_HEALTH_SERVICES.contains(u))
                        .collect(Collectors.toCollection(TreeSet::new));
                if (health.isEmpty() || bound.contains(seen.address().toUpperCase())) {
                    continue;
                }
                states.discovered()
                        .seen(
                                seen.address().toUpperCase(),
                                "ble",
                                seen.name(),
                                model(seen.name(), health),
                                String.join(",", health));
            }
        } catch (BleBackend.BleException | RuntimeException e) {
            if (running) {
                LOG.debug("BLE: cannot list devices for discovery: {}", e.getMessage());
            }
        }
    }

    /** The catalogue model a device probably is: by its advertised name, else the generic profile of its service. */
    private String model(String name, Set<String> services) {
        Optional<DeviceProfile> byName = catalogue.all().stream()
                .filter(p -> p.transport() == DeviceProfile.Transport.BLE
                        && p.advertisedName() != null
                        && name != null
                        && name.startsWith(p.advertisedName()))
                .findFirst();
        if (byName.isPresent()) {
            return byName.get().id();
        }
        return catalogue.all().stream()
                .filter(p -> p.transport() == DeviceProfile.Transport.BLE
                        && p.id().startsWith("generic-")
                        && p.services().stream().map(String::toUpperCase).anyMatch(services::contains))
                .map(DeviceProfile::id)
                .sorted()
                .findFirst()
                .orElse(null);
    }

    public Future<Void> stop() {
        running = false;
        return vertx.executeBlocking(() -> {
            if (scanner != null) {
                scanner.shutdownNow();
            }
            synchronized (this) {
                sessions.values().forEach(ExecutorService::shutdownNow);
            }
            for (ExecutorService s : sessions.values()) {
                s.awaitTermination(10, TimeUnit.SECONDS);
            }
            sessions.clear();
            backend.close();
            return null;
        });
    }

    /** Bindings whose model the catalogue knows as a BLE device. */
    private Map<String, DeviceProfile> bleDevices() {
        Map<String, DeviceProfile> out = new ConcurrentHashMap<>();
        for (DeviceBinding b : pipeline.config().devices()) {
            catalogue
                    .find(b.model())
                    .filter(p -> p.transport() == DeviceProfile.Transport.BLE)
                    .ifPresent(p -> out.put(b.deviceId(), p));
        }
        return out;
    }

    private void session(String address, DeviceProfile profile) {
        long backoffMs = 1_000;
        // Set once the stale bond is removed: the next attempt pairs, whatever a backend's cached Paired property
        // still says (tinyb may report the removed bond for a moment, and connecting unpaired would read nothing).
        boolean mustPair = false;
        while (running && !Thread.currentThread().isInterrupted()) {
            boolean bonded = false;
            try {
                Optional<BleBackend.Seen> seen = backend.devices().stream()
                        .filter(d -> d.address().equalsIgnoreCase(address))
                        .findFirst();
                if (seen.isEmpty()) {
                    pause(backoffMs);
                    continue;
                }
                StaleBond stale = staleBond(address, seen.get());
                if (stale != StaleBond.NONE) {
                    mustPair = stale == StaleBond.REMOVED;
                    continue;
                }
                if (profile.bondingRequired() && (mustPair || !seen.get().paired())) {
                    if (!states.pairingMode()) {
                        states.pairing(address, DeviceStates.Pairing.NOT_PAIRED);
                        states.attention(address, "not paired: turn on pairing mode and press the device's button");
                        pause(backoffMs);
                        continue;
                    }
                    try {
                        backend.pair(address, settings.connectTimeout());
                        mustPair = false;
                    } catch (BleBackend.BleException e) {
                        // a failed first pairing (wrong passkey, the device not in pairing mode) is no stale bond
                        LOG.info("BLE {}: {}", address, e.getMessage());
                        states.pairing(address, DeviceStates.Pairing.NOT_PAIRED);
                        states.attention(address, "pairing failed: " + e.getMessage());
                        pause(backoffMs);
                        backoffMs =
                                Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
                        continue;
                    }
                }
                bonded = seen.get().paired();
                states.pairing(
                        address,
                        seen.get().paired() || profile.bondingRequired()
                                ? DeviceStates.Pairing.PAIRED
                                : DeviceStates.Pairing.NOT_APPLICABLE);
                states.connection(address, DeviceStates.Connection.CONNECTING);
                try (BleBackend.Connection c = backend.connect(address, settings.connectTimeout())) {
                    states.connection(address, DeviceStates.Connection.CONNECTED);
                    states.attention(address, null);
                    backoffMs = 1_000;
                    run(address, profile, c);
                }
                states.connection(address, DeviceStates.Connection.DISCONNECTED);
            } catch (BleBackend.BleException e) {
                if (bonded && e.authenticationFailed()) {
                    // BlueZ holds a bond the device no longer has (it was reset): every further attempt fails the
                    // same way, so none is made until the installer pairs it again (staleBond)
                    LOG.warn(
                            "BLE {}: stale bond ({}: {}); waiting for pairing mode to pair it again",
                            address,
                            e.errorName(),
                            e.getMessage());
                    states.connection(address, DeviceStates.Connection.DISCONNECTED);
                    states.pairing(address, DeviceStates.Pairing.STALE_BOND);
                    continue;
                }
                LOG.info("BLE {}: {}; retrying in {} ms", address, e.getMessage(), backoffMs);
                states.connection(address, DeviceStates.Connection.UNREACHABLE);
                pause(backoffMs);
                backoffMs = Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
            } catch (RuntimeException e) {
                if (!running) {
                    break; // stopping: the D-Bus calls in flight were cut short
                }
                LOG.warn("BLE {}: unexpected {}", address, e.toString());
                pause(backoffMs);
                backoffMs = Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
            }
        }
    }

    /**
     * A device with a stale bond is left alone until pairing mode: then BlueZ's half of the bond is removed, discovery
     * finds the device again unpaired, and the session pairs it as a new one. The bond being gone from BlueZ by other
     * means (bluetoothctl) also ends the wait.
     *
     * @return NONE when there is no stale bond; else what was done about it
     */
    private StaleBond staleBond(String address, BleBackend.Seen seen) throws BleBackend.BleException {
        if (states.get(address).pairing() != DeviceStates.Pairing.STALE_BOND || !seen.paired()) {
            return StaleBond.NONE;
        }
        if (states.pairingMode()) {
            LOG.info("BLE {}: pairing mode; removing the stale bond to pair again", address);
            backend.forget(address);
            states.pairing(address, DeviceStates.Pairing.NOT_PAIRED);
            return StaleBond.REMOVED;
        }
        pause(1_000); // asks nothing of the device: only whether the installer has turned pairing mode on
        return StaleBond.WAITING;
    }

    private enum StaleBond {
        NONE,
        WAITING,
        REMOVED
    }

    /** One connection: clock, battery, indications, stored records; returns when the link drops. */
    private void run(String address, DeviceProfile profile, BleBackend.Connection c) throws BleBackend.BleException {
        CountDownLatch gone = new CountDownLatch(1);
        c.onDisconnect(gone::countDown);
        setClock(address, profile, c);
        if (c.has(0x2A19)) {
            byte[] level = c.read(0x2A19);
            if (level.length > 0) {
                states.battery(address, level[0] & 0xFF);
            }
        }
        List<Future<?>> stored = new ArrayList<>();
        // A cuff sends its stored records and what it just measured on the same characteristic (0x2A35). With RACP the
        // hub knows which is which: what arrives while the hub's report request runs is memory, the rest is live.
        // Without RACP the two cannot be told apart when they arrive (see the README): memory, unless the catalogue
        // says the device keeps none.
        boolean racp = c.has(RecordAccessControlPoint.UUID16);
        AtomicBoolean replaying = new AtomicBoolean(racp);
        boolean keepsNoMemory =
                profile.storedRecords() != null && profile.storedRecords().method() == DeviceProfile.Method.NONE;
        for (String hex : profile.characteristics()) {
            int uuid = Integer.parseInt(hex, 16);
            if (isMeasurement(uuid) && c.has(uuid)) {
                c.subscribe(uuid, value -> {
                    states.seen(address);
                    boolean live = keepsNoMemory || racp && !replaying.get();
                    Future<?> kept = live
                            ? pipeline.acceptLiveRecord(new RawReading(address, uuid, value))
                            : keep(address, uuid, value);
                    synchronized (stored) {
                        stored.add(kept);
                    }
                });
            }
        }
        // RACP wherever the device offers it (the catalogue's method says how a device without it behaves).
        if (c.has(RecordAccessControlPoint.UUID16)) {
            c.subscribe(RecordAccessControlPoint.UUID16, response -> {
                replaying.set(false); // the report (or its refusal) has ended: what follows was measured now
                racpResponse(address, c, response, stored);
            });
            c.write(
                    RecordAccessControlPoint.UUID16,
                    RecordAccessControlPoint.reportStoredRecords(new RecordAccessControlPoint.All()));
        }
        try {
            while (running && c.connected() && !gone.await(1, TimeUnit.SECONDS)) {
                // the device sends; values arrive on the backend's thread
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands a value to the pipeline as a record the device may send again: a stored record replayed after the link
     * dropped before the RACP delete is stored once, even across a hub restart (the outbox keeps the record's key).
     */
    private Future<?> keep(String address, int uuid, byte[] value) {
        return pipeline.acceptRecord(new RawReading(address, uuid, value));
    }

    private void racpResponse(String address, BleBackend.Connection c, byte[] response, List<Future<?>> stored) {
        try {
            var r = RecordAccessControlPoint.parseResponse(response);
            if (r instanceof RecordAccessControlPoint.ResponseCode code
                    && code.success()
                    && code.requestOpCode() == RecordAccessControlPoint.OP_REPORT_STORED_RECORDS) {
                List<Future<?>> all;
                synchronized (stored) {
                    all = List.copyOf(stored);
                }
                // Delete on the device only once the outbox holds every record it sent.
                Future.all(all)
                        .onSuccess(v -> vertx.executeBlocking(() -> {
                            c.write(
                                    RecordAccessControlPoint.UUID16,
                                    RecordAccessControlPoint.deleteStoredRecords(new RecordAccessControlPoint.All()));
                            return null;
                        }))
                        .onFailure(e -> LOG.warn(
                                "BLE {}: stored records not all kept ({}); not deleting them on the device",
                                address,
                                e.getMessage()));
            }
        } catch (Exception e) {
            LOG.warn("BLE {}: RACP response {}: {}", address, HexFormat.of().formatHex(response), e.getMessage());
        }
    }

    private void setClock(String address, DeviceProfile profile, BleBackend.Connection c)
            throws BleBackend.BleException {
        DeviceProfile.Clock clockSpec = profile.clock();
        if (clockSpec == null || !clockSpec.mustSet() || clockSpec.characteristic() == null) {
            states.clock(address, DeviceStates.ClockState.NOT_NEEDED);
            return;
        }
        if (!pipeline.clockSynchronized()) {
            // A wrong hub clock written into the device would give its records a wrong time no re-timing can find:
            // leave the device's own clock, flag what it sends, and set it on a connection once the hub's is right.
            LOG.info("BLE {}: the hub's clock is not synchronised; the device's clock is left as it is", address);
            states.clock(address, DeviceStates.ClockState.NOT_SET);
            return;
        }
        int uuid = Integer.parseInt(clockSpec.characteristic(), 16);
        LocalDateTime now = LocalDateTime.now(clock.withZone(deviceZone));
        byte[] value = uuid == CurrentTime.UUID16
                ? CurrentTime.encode(now, CurrentTime.ADJUST_EXTERNAL_REFERENCE)
                : GattDateTime.encode(now);
        try {
            c.write(uuid, value);
            states.clock(address, DeviceStates.ClockState.SET);
        } catch (BleBackend.BleException e) {
            if (e.authenticationFailed()) {
                throw e; // a stale bond, not a clock problem
            }
            LOG.warn("BLE {}: clock not set: {}", address, e.getMessage());
            states.clock(address, DeviceStates.ClockState.NOT_SET);
        }
    }

    private static boolean isMeasurement(int uuid) {
        return GattDecoders.forCharacteristic(uuid).isPresent()
                && uuid != RecordAccessControlPoint.UUID16
                && uuid != 0x2A9E;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // backoff between reconnection attempts, on the device's own thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
