package io.nara.gateway.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** {@link BleTransportCases} with the bluez-dbus backend (the default), in this JVM, given the bus's address. */
class BluezDbusTransportTest extends BleTransportCases {

    /** Whether the hub's clock is synchronised; the hub reads it at each connection. */
    private volatile boolean hubClockSynchronised = true;

    @Override
    BleHub hub(Path dir, String busAddress, Integer passkey, Duration connectTimeout, String... bindings)
            throws Exception {
        return new BleHub.InProcess(dir, "bluez-dbus", busAddress, passkey, connectTimeout,
                () -> hubClockSynchronised, bindings);
    }

    @Test
    void aDeviceClockIsSetOnlyFromASynchronisedHubClock() throws Exception {
        hubClockSynchronised = false;
        start(CUFF + ":and-ua-651ble", null, Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\",\"180A\"", true, "normal", ""));
        await().atMost(LIMIT).until(() -> is(CUFF, "CONNECTED") && "NOT_SET".equals(hub.state(CUFF).clock()));
        assertThat(bluez.events().lines().filter(l -> l.startsWith("WRITE " + CUFF))
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("2a08")))
                .as("nothing written to the cuff's clock").isEmpty();

        // Once the hub's clock is right, the next connection sets the device's.
        hubClockSynchronised = true;
        restartHub();
        await().atMost(LIMIT).until(() -> is(CUFF, "CONNECTED") && "SET".equals(hub.state(CUFF).clock()));
        byte[] written = bluez.value(CUFF_CLOCK);
        LocalDateTime deviceTime = LocalDateTime.of((written[0] & 0xFF) | (written[1] & 0xFF) << 8, written[2],
                written[3], written[4], written[5], written[6]);
        assertThat(deviceTime).isCloseTo(LocalDateTime.now(io.nara.gateway.testkit.PipelineFixture.ZONE),
                org.assertj.core.api.Assertions.within(2, ChronoUnit.MINUTES));
    }
}
