package io.nara.gateway.ble;

import java.nio.file.Path;
import java.time.Duration;

/** {@link BleTransportCases} with the bluez-dbus backend (the default), in this JVM, given the bus's address. */
class BluezDbusTransportTest extends BleTransportCases {

    @Override
    BleHub hub(Path dir, String busAddress, Integer passkey, Duration connectTimeout, String... bindings)
            throws Exception {
        return new BleHub.InProcess(dir, "bluez-dbus", busAddress, passkey, connectTimeout, bindings);
    }
}
