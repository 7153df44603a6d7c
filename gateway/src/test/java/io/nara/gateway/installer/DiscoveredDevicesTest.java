package io.nara.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.HubStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DiscoveredDevicesTest {

    @Test
    void unboundDevicesSeenRecentlyAreOfferedAndANewOneIsAnnouncedOnce() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
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
        assertThat(seen.unbound(Set.of("IP-SCALE-2")))
                .extracting(HubStatus.DiscoveredDevice::deviceId)
                .containsExactly("AA:00:00:00:00:0C");

        // Not seen for longer than RECENT: no longer offered.
        now.set(now.get().plus(DiscoveredDevices.RECENT).plus(Duration.ofMinutes(1)));
        assertThat(seen.unbound(Set.of())).isEmpty();
    }

    @Test
    void theReadingsOfAnUnboundDeviceGoWithItNewestFirstAndAtMostFive() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
        DiscoveredDevices seen = new DiscoveredDevices(clock);
        AtomicInteger announced = new AtomicInteger();
        seen.onNew(announced::incrementAndGet);
        HubStatus.HeldReading nobodys = weight(70.0);
        seen.held("ip-scale-2", List.of(nobodys));
        assertThat(seen.unbound(Set.of()))
                .as("readings of a device not seen are not kept")
                .isEmpty();

        seen.seen("ip-scale-2", "coap", null, null, "readings held in quarantine (coap:dtls)");
        for (int i = 1; i <= 7; i++) {
            seen.held("ip-scale-2", List.of(weight(80.0 + i)));
        }
        assertThat(announced).as("each new reading publishes the status").hasValue(8);
        assertThat(seen.unbound(Set.of()))
                .singleElement()
                .satisfies(d -> assertThat(d.readings())
                        .extracting(HubStatus.HeldReading::value)
                        .containsExactly(87.0, 86.0, 85.0, 84.0, 83.0));
    }

    @Test
    void theHubKeepsABoundedListWhateverItIsShown() {
        DiscoveredDevices seen =
                new DiscoveredDevices(Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 1_000; i++) {
            seen.seen("ip-stranger-" + i, "coap", null, null, null);
        }
        assertThat(seen.unbound(Set.of())).hasSize(20);
        assertThat(seen.size()).isLessThanOrEqualTo(200);
    }

    private static HubStatus.HeldReading weight(double kg) {
        return new HubStatus.HeldReading("29463-7", kg, "kg", null, Instant.parse("2026-12-06T10:00:00Z"));
    }
}
