package io.nara.gateway.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link BleTransportCases} with the tinyb backend. tinyb's native code connects only to the system bus, so the hub
 * runs in a separate JVM whose DBUS_SYSTEM_BUS_ADDRESS names the test's private bus.
 */
class TinybTransportTest extends BleTransportCases {

    @Override
    BleHub hub(Path dir, String busAddress, Integer passkey, Duration connectTimeout, String... bindings)
            throws Exception {
        return new BleHub.ChildJvm(dir, "tinyb", busAddress, passkey, connectTimeout, bindings);
    }

    @Test
    void tinybRefusesABusAddressItCannotUse() {
        TinybBackend backend = new TinybBackend();
        assertThatThrownBy(() -> backend.open(new BleSettings(
                        "tinyb",
                        "unix:path=/nonexistent/bus",
                        "hci0",
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1))))
                .isInstanceOf(BleBackend.BleException.class)
                .hasMessageContaining("DBUS_SYSTEM_BUS_ADDRESS");
        assertThat(backend.name()).isEqualTo("tinyb");
    }
}
