package io.nara.gateway.ble;

import com.github.hypfvieh.bluetooth.DeviceManager;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothAdapter;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothDevice;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothGattCharacteristic;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothGattService;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.handlers.AbstractPropertiesChangedHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BlueZ through {@code com.github.hypfvieh:bluez-dbus} (pure Java D-Bus; the default backend because it runs wherever
 * Java does, 64-bit Raspberry Pi OS included). Indications arrive as {@code PropertiesChanged} signals on the
 * characteristic's {@code Value}; the hub's pairing agent is a D-Bus object this backend exports.
 */
final class BluezDbusBackend implements BleBackend {

    private static final Logger LOG = LoggerFactory.getLogger(BluezDbusBackend.class);

    private DeviceManager manager;
    private BluetoothAdapter adapter;
    private final Map<String, Consumer<byte[]>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Runnable> disconnects = new ConcurrentHashMap<>();
    private AbstractPropertiesChangedHandler handler;

    @Override
    public String name() {
        return "bluez-dbus";
    }

    @Override
    public void open(BleSettings settings) throws BleException {
        try {
            manager = settings.busAddress() == null
                    ? DeviceManager.createInstance(false)
                    : DeviceManager.createInstance(settings.busAddress());
            adapter = manager.getAdapter(settings.adapter());
            if (adapter == null) {
                throw new BleException("no Bluetooth adapter " + settings.adapter() + " in BlueZ");
            }
            if (!adapter.isPowered()) {
                adapter.setPowered(true);
            }
            handler = new AbstractPropertiesChangedHandler() {
                @Override
                public void handle(Properties.PropertiesChanged signal) {
                    changed(signal);
                }
            };
            manager.registerPropertyHandler(handler);
            registerAgent(settings.passkey());
        } catch (DBusException | RuntimeException e) {
            throw new BleException("cannot reach BlueZ over D-Bus: " + e.getMessage(), e);
        }
    }

    private void registerAgent(Integer passkey) throws DBusException {
        PairingAgent.register(manager.getDbusConnection(), passkey);
    }

    @Override
    public void startDiscovery(Set<String> serviceUuids) throws BleException {
        try {
            adapter.setDiscoveryFilter(Map.of(
                    "UUIDs",
                            new Variant<>(serviceUuids.stream()
                                    .map(u -> BleBackend.uuid128(Integer.parseInt(u, 16)))
                                    .toArray(String[]::new)),
                    "Transport", new Variant<>("le")));
            adapter.startDiscovery();
        } catch (Exception e) {
            throw new BleException("cannot start discovery: " + e.getMessage(), e);
        }
    }

    @Override
    public void stopDiscovery() {
        if (adapter != null) {
            adapter.stopDiscovery();
        }
    }

    @Override
    public List<Seen> devices() throws BleException {
        try {
            return known().stream()
                    .filter(d -> d.getAddress() != null)
                    .map(d -> new Seen(
                            d.getAddress(),
                            d.getName(),
                            Boolean.TRUE.equals(d.isPaired()),
                            Boolean.TRUE.equals(d.isConnected()),
                            uuids(d.getUuids())))
                    .toList();
        } catch (RuntimeException e) {
            throw new BleException("cannot list devices: " + e.getMessage(), e);
        }
    }

    private static Set<String> uuids(String[] full) {
        if (full == null) {
            return Set.of();
        }
        return Arrays.stream(full)
                .map(u -> u.length() >= 8 ? u.substring(4, 8).toUpperCase() : u)
                .collect(Collectors.toSet());
    }

    /**
     * The devices BlueZ has under the adapter. DeviceManager keeps one shared cache that each introspection replaces,
     * so the device threads take turns here (a lookup, not the calls to a device, which stay concurrent). The cache
     * is keyed by the adapter's address, not its name.
     */
    private synchronized List<BluetoothDevice> known() {
        manager.findBtDevicesByIntrospection(adapter);
        return List.copyOf(manager.getDevices(adapter.getAddress(), true));
    }

    private BluetoothDevice device(String address) throws BleException {
        return known().stream()
                .filter(d -> address.equalsIgnoreCase(d.getAddress()))
                .findFirst()
                .orElseThrow(() -> new BleException("device " + address + " is not known to BlueZ"));
    }

    @Override
    public void pair(String address, Duration timeout) throws BleException {
        BluetoothDevice d = device(address);
        try {
            d.getRawDevice().Pair(); // the raw call keeps BlueZ's error; the wrapper's pair() only says false
        } catch (Exception e) {
            throw new BleException("pairing with " + address + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void forget(String address) throws BleException {
        BluetoothDevice d = device(address);
        try {
            adapter.removeDevice(d.getRawDevice());
        } catch (Exception e) {
            throw new BleException("removing " + address + " from BlueZ failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection connect(String address, Duration timeout) throws BleException {
        BluetoothDevice d = device(address);
        try {
            d.getRawDevice().Connect();
        } catch (Exception e) {
            throw new BleException("device " + address + " did not accept the connection: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // ServicesResolved turns true once BlueZ has read the GATT database; only then do characteristics exist.
        while (!Boolean.TRUE.equals(d.isServicesResolved())) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                d.disconnect();
                throw new BleException("device " + address + " did not resolve its services within " + timeout);
            }
            pause();
        }
        d.refreshGattServices();
        return new DbusConnection(d);
    }

    private static void pause() {
        try {
            Thread.sleep(50); // polling a D-Bus property on the device's own thread, not a test
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void changed(Properties.PropertiesChanged signal) {
        String path = signal.getPath();
        Map<String, Variant<?>> props = signal.getPropertiesChanged();
        if ("org.bluez.GattCharacteristic1".equals(signal.getInterfaceName()) && props.containsKey("Value")) {
            Consumer<byte[]> consumer = subscriptions.get(path);
            if (consumer != null) {
                consumer.accept(bytes(props.get("Value").getValue()));
            }
        } else if ("org.bluez.Device1".equals(signal.getInterfaceName())
                && props.containsKey("Connected")
                && Boolean.FALSE.equals(props.get("Connected").getValue())) {
            Runnable r = disconnects.remove(path);
            if (r != null) {
                r.run();
            }
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof List<?> list) {
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).byteValue();
            }
            return out;
        }
        throw new IllegalArgumentException("characteristic value of type " + value.getClass());
    }

    @Override
    public void close() {
        if (manager != null) {
            try {
                if (handler != null) {
                    manager.unRegisterPropertyHandler(handler);
                }
            } catch (DBusException e) {
                LOG.debug("unregistering the property handler: {}", e.getMessage());
            }
            manager.closeConnection();
            manager = null;
        }
    }

    private final class DbusConnection implements Connection {
        private final BluetoothDevice device;

        DbusConnection(BluetoothDevice device) {
            this.device = device;
        }

        private BluetoothGattCharacteristic characteristic(int uuid16) throws BleException {
            String uuid = BleBackend.uuid128(uuid16);
            for (BluetoothGattService s : device.getGattServices()) {
                BluetoothGattCharacteristic c = s.getGattCharacteristicByUuid(uuid);
                if (c != null) {
                    return c;
                }
            }
            throw new BleException(
                    String.format("device %s has no characteristic 0x%04X", device.getAddress(), uuid16));
        }

        @Override
        public boolean connected() {
            return Boolean.TRUE.equals(device.isConnected());
        }

        @Override
        public boolean has(int uuid16) {
            try {
                characteristic(uuid16);
                return true;
            } catch (BleException e) {
                return false;
            }
        }

        @Override
        public byte[] read(int uuid16) throws BleException {
            try {
                return characteristic(uuid16).readValue(Map.of());
            } catch (BleException e) {
                throw e;
            } catch (Exception e) {
                throw new BleException(String.format("reading 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void write(int uuid16, byte[] value) throws BleException {
            try {
                characteristic(uuid16).writeValue(value, Map.of());
            } catch (BleException e) {
                throw e;
            } catch (Exception e) {
                throw new BleException(String.format("writing 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void subscribe(int uuid16, Consumer<byte[]> values) throws BleException {
            BluetoothGattCharacteristic c = characteristic(uuid16);
            subscriptions.put(c.getDbusPath(), values);
            try {
                c.startNotify();
            } catch (Exception e) {
                subscriptions.remove(c.getDbusPath());
                throw new BleException(
                        String.format("enabling indications on 0x%04X failed: %s", uuid16, e.getMessage()), e);
            }
        }

        @Override
        public void unsubscribe(int uuid16) {
            try {
                BluetoothGattCharacteristic c = characteristic(uuid16);
                subscriptions.remove(c.getDbusPath());
                c.stopNotify();
            } catch (Exception e) {
                LOG.debug("disabling indications on 0x{}: {}", Integer.toHexString(uuid16), e.getMessage());
            }
        }

        @Override
        public void onDisconnect(Runnable handler) {
            disconnects.put(device.getDbusPath(), handler);
        }

        @Override
        public void close() {
            disconnects.remove(device.getDbusPath());
            subscriptions.keySet().removeIf(p -> p.startsWith(device.getDbusPath() + "/"));
            device.disconnect();
        }
    }
}
