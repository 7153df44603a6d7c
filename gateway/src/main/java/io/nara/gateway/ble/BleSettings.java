package io.nara.gateway.ble;

import java.time.Duration;

/**
 * Bluetooth settings.
 *
 * @param backend        {@code bluez-dbus} (default: pure Java, runs on 32- and 64-bit Raspberry Pi OS) or
 *                       {@code tinyb} (native library shipped for x86_64 and armv6 only)
 * @param busAddress     the D-Bus address of BlueZ; null for the system bus (tests point it at a private bus)
 * @param adapter        the adapter, e.g. hci0
 * @param passkey        a fixed passkey the pairing agent offers (devices that demand one), or null for
 *                       NoInputNoOutput "just works" pairing
 * @param connectTimeout how long a connection attempt may take before the device counts as not answering
 * @param maxBackoff     the longest wait between reconnection attempts to one device
 */
public record BleSettings(
        String backend,
        String busAddress,
        String adapter,
        Integer passkey,
        Duration connectTimeout,
        Duration maxBackoff) {

    public static BleSettings defaults() {
        return new BleSettings("bluez-dbus", null, "hci0", null, Duration.ofSeconds(20), Duration.ofMinutes(5));
    }
}
