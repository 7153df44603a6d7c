package io.nara.gateway.ble;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tinyb.BluetoothAdapter;
import tinyb.BluetoothDevice;
import tinyb.BluetoothException;
import tinyb.BluetoothGattCharacteristic;
import tinyb.BluetoothGattService;
import tinyb.BluetoothManager;
import tinyb.BluetoothObject;
import tinyb.TransportType;

/**
 * BlueZ through tinyb 0.5 ({@code org.sputnikdev:bluetooth-manager-tinyb} carries it and its native libraries for
 * x86_64, x86 and armv6 only: not for 64-bit Raspberry Pi OS, hence bluez-dbus is the default). Selected with
 * {@code --ble-backend tinyb}.
 *
 * <p>tinyb's native code opens the D-Bus <em>system</em> bus through GDBus and takes no bus address: it reaches a
 * private bus only when the process was started with {@code DBUS_SYSTEM_BUS_ADDRESS} naming it (the tests start a
 * separate JVM so). A {@code busAddress} in the settings that differs from that environment is refused rather than
 * silently ignored. tinyb registers no pairing agent, so this backend registers the hub's own
 * ({@link PairingAgent}) over a dbus-java connection to the same bus. tinyb's manager is a process-wide singleton
 * that cannot be closed; {@link #close()} only stops what this backend started.
 */
final class TinybBackend implements BleBackend {

    private static final Logger LOG = LoggerFactory.getLogger(TinybBackend.class);
    /**
     * tinyb's native side is one process-wide singleton and not safe for concurrent calls: with one thread per device
     * it corrupted its heap ("malloc(): unaligned fastbin chunk detected", the process aborted). Every call into it,
     * from a device's thread or from tinyb's own callback thread, holds this lock; waits (polling, backoff) never do.
     */
    private static final ReentrantLock NATIVE = new ReentrantLock();

    private static boolean loaded;

    private BluetoothManager manager;
    private BluetoothAdapter adapter;
    private DBusConnection agentConnection;

    @Override
    public String name() {
        return "tinyb";
    }

    @Override
    public void open(BleSettings settings) throws BleException {
        String env = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
        if (settings.busAddress() != null && !settings.busAddress().equals(env)) {
            throw new BleException("tinyb connects only to the system bus named by this process's environment"
                    + " (DBUS_SYSTEM_BUS_ADDRESS=" + env + "), not to " + settings.busAddress()
                    + "; start the hub with that variable set, or use --ble-backend bluez-dbus");
        }
        loadNatives();
        try {
            manager = tinyb(BluetoothManager::getBluetoothManager);
            adapter = tinyb(() -> manager.getAdapters().stream()
                    .filter(a -> settings.adapter().equals(adapterName(a)))
                    .findFirst()
                    .orElse(null));
            if (adapter == null) {
                throw new BleException("no Bluetooth adapter " + settings.adapter() + " in BlueZ (tinyb)");
            }
            tinyb(() -> {
                if (!adapter.getPowered()) {
                    adapter.setPowered(true);
                }
                return manager.setDefaultAdapter(adapter);
            });
            agentConnection =
                    DBusConnectionBuilder.forSystemBus().withShared(false).build();
            PairingAgent.register(agentConnection, settings.passkey());
        } catch (DBusException | RuntimeException e) {
            throw new BleException("cannot reach BlueZ through tinyb: " + e.getMessage(), e);
        }
    }

    /** Runs one call into tinyb's native side, alone. */
    private static <T> T tinyb(Supplier<T> call) {
        NATIVE.lock();
        try {
            return call.get();
        } finally {
            NATIVE.unlock();
        }
    }

    private static void tinyb(Runnable call) {
        tinyb(() -> {
            call.run();
            return null;
        });
    }

    /** The adapter's object name (hci0): tinyb gives only the address and the alias, BlueZ's path ends in it. */
    private static String adapterName(BluetoothAdapter a) {
        try {
            var getPath = BluetoothObject.class.getDeclaredMethod("getObjectPath");
            getPath.setAccessible(true);
            String path = (String) getPath.invoke(a);
            return path.substring(path.lastIndexOf('/') + 1);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("tinyb's BluetoothObject.getObjectPath is not there", e);
        }
    }

    /** tinyb's natives, unpacked from the jar and loaded once (libtinyb first: libjavatinyb links to it). */
    private static synchronized void loadNatives() throws BleException {
        if (loaded) {
            return;
        }
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "linux/x86_64";
            case "x86", "i386", "i686" -> "linux/x86_32";
            case "arm" -> "arm/armv6";
            default ->
                throw new BleException("tinyb has no native library for " + System.getProperty("os.arch")
                        + " (only x86_64, x86 and 32-bit ARM); use --ble-backend bluez-dbus");
        };
        try {
            Path dir = Files.createTempDirectory("nara-tinyb");
            dir.toFile().deleteOnExit();
            for (String lib : List.of("libtinyb.so", "libjavatinyb.so")) {
                Path file = dir.resolve(lib);
                try (InputStream in = TinybBackend.class.getResourceAsStream("/native/" + arch + "/" + lib)) {
                    if (in == null) {
                        throw new BleException("tinyb's " + lib + " for " + arch + " is not on the class path");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
                System.load(file.toString());
            }
            loaded = true;
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new BleException("cannot load tinyb's native library: " + e.getMessage(), e);
        }
    }

    @Override
    public void startDiscovery(Set<String> serviceUuids) throws BleException {
        try {
            List<UUID> uuids = serviceUuids.stream()
                    .map(u -> UUID.fromString(BleBackend.uuid128(Integer.parseInt(u, 16))))
                    .toList();
            tinyb(() -> {
                adapter.setDiscoveryFilter(uuids, 0, 0, TransportType.LE);
                return adapter.startDiscovery();
            });
        } catch (RuntimeException e) {
            throw new BleException("cannot start discovery (tinyb): " + e.getMessage(), e);
        }
    }

    @Override
    public void stopDiscovery() {
        if (adapter != null) {
            try {
                tinyb(adapter::stopDiscovery);
            } catch (RuntimeException e) {
                LOG.debug("stopping discovery: {}", e.getMessage());
            }
        }
    }

    @Override
    public List<Seen> devices() throws BleException {
        try {
            return tinyb(() -> {
                List<Seen> out = new ArrayList<>();
                for (BluetoothDevice d : adapter.getDevices()) {
                    out.add(new Seen(
                            d.getAddress(), d.getName(), d.getPaired(), d.getConnected(), uuids(d.getUUIDs())));
                }
                return out;
            });
        } catch (RuntimeException e) {
            throw new BleException("cannot list devices (tinyb): " + e.getMessage(), e);
        }
    }

    private static Set<String> uuids(String[] full) {
        if (full == null) {
            return Set.of();
        }
        return Arrays.stream(full)
                .filter(Objects::nonNull)
                .map(u -> u.length() >= 8 ? u.substring(4, 8).toUpperCase() : u)
                .collect(Collectors.toSet());
    }

    private BluetoothDevice device(String address) throws BleException {
        return tinyb(() -> adapter.getDevices().stream()
                        .filter(d -> address.equalsIgnoreCase(d.getAddress()))
                        .findFirst())
                .orElseThrow(() -> new BleException("device " + address + " is not known to BlueZ"));
    }

    @Override
    public void pair(String address, Duration timeout) throws BleException {
        try {
            BluetoothDevice d = device(address);
            if (!tinyb(d::pair)) {
                throw new BleException("pairing with " + address + " failed");
            }
        } catch (BluetoothException e) {
            throw new BleException("pairing with " + address + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void forget(String address) throws BleException {
        try {
            BluetoothDevice d = device(address);
            if (!tinyb(d::remove)) {
                throw new BleException("removing " + address + " from BlueZ failed");
            }
        } catch (BluetoothException e) {
            throw new BleException("removing " + address + " from BlueZ failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection connect(String address, Duration timeout) throws BleException {
        BluetoothDevice d = device(address);
        try {
            if (!tinyb(d::connect)) {
                throw new BleException("device " + address + " did not accept the connection");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!tinyb(d::getServicesResolved)) {
                if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                    tinyb(d::disconnect);
                    throw new BleException("device " + address + " did not resolve its services within " + timeout);
                }
                Thread.sleep(50); // polling a D-Bus property on the device's own thread
            }
            return new TinybConnection(d);
        } catch (BluetoothException e) {
            throw new BleException("connecting to " + address + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BleException("connecting to " + address + " interrupted");
        }
    }

    @Override
    public void close() {
        stopDiscovery();
        if (agentConnection != null) {
            agentConnection.disconnect();
            agentConnection = null;
        }
    }

    private static final class TinybConnection implements Connection {
        private final BluetoothDevice device;
        /** Characteristics with notifications on: tinyb keeps a callback across reconnections until disabled. */
        private final List<BluetoothGattCharacteristic> subscribed = new CopyOnWriteArrayList<>();

        TinybConnection(BluetoothDevice device) {
            this.device = device;
        }

        private BluetoothGattCharacteristic characteristic(int uuid16) throws BleException {
            String uuid = BleBackend.uuid128(uuid16);
            BluetoothGattCharacteristic found = tinyb(() -> {
                for (BluetoothGattService s : device.getServices()) {
                    for (BluetoothGattCharacteristic c : s.getCharacteristics()) {
                        if (uuid.equalsIgnoreCase(c.getUUID())) {
                            return c;
                        }
                    }
                }
                return null;
            });
            if (found != null) {
                return found;
            }
            throw new BleException(
                    String.format("device %s has no characteristic 0x%04X", tinyb(device::getAddress), uuid16));
        }

        @Override
        public boolean connected() {
            return tinyb(device::getConnected);
        }

        @Override
        public boolean has(int uuid16) {
            try {
                characteristic(uuid16);
                return true;
            } catch (BleException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public byte[] read(int uuid16) throws BleException {
            try {
                BluetoothGattCharacteristic c = characteristic(uuid16);
                return tinyb(c::readValue);
            } catch (BluetoothException e) {
                throw new BleException(String.format("reading 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void write(int uuid16, byte[] value) throws BleException {
            try {
                BluetoothGattCharacteristic c = characteristic(uuid16);
                if (!tinyb(() -> c.writeValue(value))) {
                    throw new BleException(String.format("writing 0x%04X failed", uuid16));
                }
            } catch (BluetoothException e) {
                throw new BleException(String.format("writing 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void subscribe(int uuid16, Consumer<byte[]> values) throws BleException {
            try {
                BluetoothGattCharacteristic c = characteristic(uuid16);
                tinyb(() -> c.enableValueNotifications(values::accept));
                subscribed.add(c);
            } catch (BluetoothException e) {
                throw new BleException(
                        String.format("enabling indications on 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void unsubscribe(int uuid16) {
            try {
                BluetoothGattCharacteristic c = characteristic(uuid16);
                tinyb(c::disableValueNotifications);
            } catch (BleException | RuntimeException e) {
                LOG.debug("disabling indications on 0x{}: {}", Integer.toHexString(uuid16), e.getMessage());
            }
        }

        @Override
        public void onDisconnect(Runnable handler) {
            tinyb(() -> device.enableConnectedNotifications(up -> {
                if (!up) {
                    tinyb(device::disableConnectedNotifications);
                    handler.run();
                }
            }));
        }

        @Override
        public void close() {
            for (BluetoothGattCharacteristic c : subscribed) {
                try {
                    tinyb(c::disableValueNotifications);
                } catch (RuntimeException e) {
                    LOG.debug("disabling notifications: {}", e.getMessage());
                }
            }
            subscribed.clear();
            try {
                tinyb(() -> {
                    device.disableConnectedNotifications();
                    return device.disconnect();
                });
            } catch (RuntimeException e) {
                LOG.debug("disconnecting {}: {}", tinyb(device::getAddress), e.getMessage());
            }
        }
    }
}
