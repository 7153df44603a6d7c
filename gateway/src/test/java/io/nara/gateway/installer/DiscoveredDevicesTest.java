package io.nara.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.HubStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DiscoveredDevicesTest {

    @Test
    void unboundDevicesSeenRecentlyAreOfferedAndANewOneIsAnnouncedOnce() {
        java.util.concurrent.atomic.AtomicReference<Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        DiscoveredDevices seen = new DiscoveredDevices(clock);
        AtomicInteger announced = new AtomicInteger();
        seen.onNew(announced::incrementAndGet);
        seen.seen("AA:00:00:00:00:0C", "ble", "A&D UA-651BLE", "and-ua-651ble", "1810");
        seen.seen("AA:00:00:00:00:0C", "ble", "A&D UA-651BLE", "and-ua-651ble", "1810");
        seen.seen("ip-scale-2", "coap", null, null, "readings held in quarantine (coap:dtls)");
        assertThat(announced).hasValue(2);
        assertThat(seen.unbound(Set.of("IP-SCALE-2"))).extracting(HubStatus.DiscoveredDevice::deviceId)
                .containsExactly("AA:00:00:00:00:0C");

        // Not seen for longer than RECENT: no longer offered.
        now.set(now.get().plus(DiscoveredDevices.RECENT).plus(Duration.ofMinutes(1)));
        assertThat(seen.unbound(Set.of())).isEmpty();
    }
}
