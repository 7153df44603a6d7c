package io.nara.gateway.ble;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little the hub needs from a Bluetooth stack, so BlueZ can be reached through two libraries (bluez-dbus, tinyb)
 * chosen in configuration. Every method may block on D-Bus: {@link BleTransport} calls them on each device's own
 * thread, never on the event loop, so one device that does not answer cannot stall another.
 */
public interface BleBackend extends AutoCloseable {

    /** What scanning saw of a device. */
    record Seen(String address, String name, boolean paired, boolean connected, Set<String> serviceUuids) {}

    String name();

    /** Connects to BlueZ and the adapter; registers the pairing agent (NoInputNoOutput, or a fixed passkey). */
    void open(BleSettings settings) throws BleException;

    /** Discovery limited to devices advertising one of these 16-bit service UUIDs (hex, e.g. "1810"). */
    void startDiscovery(Set<String> serviceUuids) throws BleException;

    void stopDiscovery() throws BleException;

    /** The devices BlueZ knows (seen while scanning, or bonded before). */
    List<Seen> devices() throws BleException;

    /** Bonds with the device (the agent answers BlueZ's questions). */
    void pair(String address, Duration timeout) throws BleException;

    /**
     * Removes the device and its bond from BlueZ (Adapter1.RemoveDevice), as for a stale bond: BlueZ then finds it
     * again while discovering, unpaired, and it can be paired anew.
     */
    void forget(String address) throws BleException;

    /** Connects and waits until the GATT services are resolved; a device that does not answer times out. */
    Connection connect(String address, Duration timeout) throws BleException;

    @Override
    void close();

    /** One GATT connection. */
    interface Connection extends AutoCloseable {

        boolean connected();

        boolean has(int characteristic);

        byte[] read(int characteristic) throws BleException;

        void write(int characteristic, byte[] value) throws BleException;

        /** Enables indications or notifications; values arrive on a backend thread. */
        void subscribe(int characteristic, Consumer<byte[]> values) throws BleException;

        void unsubscribe(int characteristic);

        /** Called once when the link drops (the device walked away or switched off). */
        void onDisconnect(Runnable handler);

        @Override
        void close();
    }

    /**
     * A failed Bluetooth operation; the message names the device and what failed. {@link #errorName()} is BlueZ's
     * D-Bus error name when the cause carries it: dbus-java throws the exception class of that name (package
     * {@code org.bluez.Error}, for the errors the hub tells apart), and tinyb's messages read "GDBus.Error:NAME: text".
     */
    final class BleException extends Exception {
        private static final Pattern GDBUS_ERROR = Pattern.compile("GDBus\\.Error:([\\w.]+):");
        /** BlueZ's text for an ATT "Insufficient Authentication / Encryption / Encryption Key Size" answer: "Not
         * paired" (NotPermitted, BlueZ 5.5x) or, in older versions, the ATT code (Failed, 0x05, 0x0c, 0x0f). */
        private static final Pattern ATT_AUTHENTICATION = Pattern.compile(
                "Not paired|ATT error: 0x0[5cf]\\b|Insufficient (Authentication|Encryption)", Pattern.CASE_INSENSITIVE);

        private final String errorName;

        public BleException(String message) {
            this(message, null);
        }

        /** BlueZ's D-Bus error name is taken from the cause (its class for bluez-dbus, its message for tinyb). */
        public BleException(String message, Throwable cause) {
            super(message, cause);
            this.errorName = errorNameOf(cause);
        }

        public String errorName() {
            return errorName;
        }

        /**
         * Whether BlueZ refused for authentication: with a bond BlueZ holds, the device no longer has its side of it
         * (it was reset). Authentication that was cancelled or timed out says nothing about the bond.
         */
        public boolean authenticationFailed() {
            return authenticationFailed(errorName, getMessage());
        }

        static boolean authenticationFailed(String errorName, String message) {
            if ("org.bluez.Error.AuthenticationFailed".equals(errorName)
                    || "org.bluez.Error.AuthenticationRejected".equals(errorName)) {
                return true;
            }
            boolean gattError = errorName == null
                    || "org.bluez.Error.NotPermitted".equals(errorName)
                    || "org.bluez.Error.Failed".equals(errorName);
            return gattError
                    && message != null
                    && ATT_AUTHENTICATION.matcher(message).find();
        }

        private static String errorNameOf(Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t.getClass().getName().startsWith("org.bluez.Error.")) {
                    return t.getClass().getName();
                }
                Matcher m = GDBUS_ERROR.matcher(String.valueOf(t.getMessage()));
                if (m.find()) {
                    return m.group(1);
                }
            }
            return null;
        }
    }

    /** The backend chosen in configuration. */
    static BleBackend of(String name) {
        return switch (name) {
            case "bluez-dbus" -> new BluezDbusBackend();
            case "tinyb" -> new TinybBackend();
            default -> throw new IllegalArgumentException("BLE backend '" + name + "' is not bluez-dbus or tinyb");
        };
    }

    /** The full 128-bit form of a 16-bit Bluetooth UUID, lower case as BlueZ writes it. */
    static String uuid128(int uuid16) {
        return String.format("0000%04x-0000-1000-8000-00805f9b34fb", uuid16);
    }
}
