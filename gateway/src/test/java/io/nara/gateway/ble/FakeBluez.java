package io.nara.gateway.ble;

import static org.awaitility.Awaitility.await;

import io.nara.gateway.testkit.Proc;
import io.nara.gateway.testkit.Python;
import io.nara.gateway.testkit.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A fake BlueZ on a private bus: a real {@code dbus-daemon} with its own configuration (test resource ble/bus.conf)
 * and python3-dbusmock's bluez5 template extended with GATT objects and device behaviour (ble/fake_bluez.py). What
 * the fake devices see is printed by the fake, one event a line, and read here. Both processes end with the test.
 */
final class FakeBluez implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(20);
    private static final Pattern ADDRESS = Pattern.compile("(unix:[^\\s]+)");

    private final Proc bus;
    private final Proc bluez;
    final String address;

    private FakeBluez(Proc bus, Proc bluez, String address) {
        this.bus = bus;
        this.bluez = bluez;
        this.address = address;
    }

    static void requireTools() {
        Tools.require("dbus-daemon", "dbus");
        if (!Proc.onPath("python3") || !python("import dbusmock")) {
            String message = "python3-dbusmock is not installed (Debian package python3-dbusmock; deploy/dev/test.sh"
                    + " installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    private static boolean python(String code) {
        try {
            Process p = new ProcessBuilder(Python.interpreter(), "-c", code)
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** @param parameters the template's JSON parameters: {"devices": [...], ...} (see fake_bluez.py) */
    static FakeBluez start(Path dir, String parameters) throws Exception {
        requireTools();
        Proc bus = Proc.start(
                dir,
                "dbus-daemon",
                List.of(
                        "dbus-daemon",
                        "--config-file=" + Python.script("ble/bus.conf"),
                        "--nofork",
                        "--print-address=1"));
        try {
            String[] found = new String[1];
            await().atMost(START).until(() -> {
                Matcher m = ADDRESS.matcher(bus.output());
                if (m.find()) {
                    found[0] = m.group(1);
                    return true;
                }
                if (!bus.alive()) {
                    throw new AssertionError("dbus-daemon ended: " + bus.output());
                }
                return false;
            });
            Proc bluez = Proc.start(
                    dir,
                    "fake-bluez",
                    List.of(
                            Python.interpreter(),
                            "-u",
                            "-m",
                            "dbusmock",
                            "--system",
                            "-t",
                            Python.script("ble/fake_bluez.py"),
                            "-p",
                            parameters),
                    Map.of("DBUS_SYSTEM_BUS_ADDRESS", found[0]));
            FakeBluez fake = new FakeBluez(bus, bluez, found[0]);
            await().atMost(START).until(() -> {
                if (!bluez.alive()) {
                    throw new AssertionError("the fake BlueZ ended: " + bluez.output());
                }
                return bluez.output().contains("READY");
            });
            return fake;
        } catch (Throwable t) {
            bus.close();
            throw t;
        }
    }

    /** Everything the fake devices saw, one event a line. */
    String events() {
        return bluez.output();
    }

    boolean saw(String event) {
        return events().lines().anyMatch(l -> l.startsWith(event));
    }

    long count(String event) {
        return events().lines().filter(l -> l.startsWith(event)).count();
    }

    /** The fake's control interface on its root object (the bluez5 template's org.bluez.Mock, extended). */
    @DBusInterfaceName("org.bluez.Mock")
    public interface Control extends DBusInterface {
        void SetInRange(String address, boolean inRange);
    }

    /** Brings a device back in range (or takes it away): while away, BlueZ's Connect fails. */
    void inRange(String device, boolean inRange) throws Exception {
        try (DBusConnection c =
                DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
            c.getRemoteObject("org.bluez", "/", Control.class).SetInRange(device, inRange);
        }
    }

    /** A characteristic's current Value on the fake device, as BlueZ would report it. */
    byte[] value(String objectPath) throws Exception {
        try (DBusConnection c =
                DBusConnectionBuilder.forAddress(address).withShared(false).build()) {
            Properties p = c.getRemoteObject("org.bluez", objectPath, Properties.class);
            Object value = p.Get("org.bluez.GattCharacteristic1", "Value");
            if (value instanceof byte[] b) {
                return b;
            }
            List<?> list = (List<?>) value;
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).byteValue();
            }
            return out;
        }
    }

    @Override
    public void close() {
        bluez.close();
        bus.close();
    }
}
