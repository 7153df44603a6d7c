package io.nara.gateway.installer;

import io.nara.protocol.message.HubStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Devices the hub can see that are not bound to it, for the cloud to offer a nurse: BLE advertisements of health
 * services, CoAP clients whose PSK identity the hub does not know, analyzers talking on a port without a binding.
 * The transports report them; the hub's status message carries those seen within {@link #RECENT}. Thread-safe.
 */
public final class DiscoveredDevices {

    /** A device not seen for this long is no longer offered. */
    public static final Duration RECENT = Duration.ofMinutes(30);
    private static final int MAX_REPORTED = 20;

    private final Clock clock;
    private final Map<String, HubStatus.DiscoveredDevice> seen = new ConcurrentHashMap<>();
    private volatile Runnable onNew = () -> { };

    public DiscoveredDevices(Clock clock) {
        this.clock = clock;
    }

    /** Called once for every device seen for the first time (to publish the hub's status at once). */
    public void onNew(Runnable listener) {
        this.onNew = listener;
    }

    /** Notes a device the hub sees; {@code name}, {@code model} and {@code detail} may be null. */
    public void seen(String deviceId, String transport, String name, String model, String detail) {
        HubStatus.DiscoveredDevice now = new HubStatus.DiscoveredDevice(deviceId, transport, name, model, detail,
                clock.instant());
        if (seen.put(deviceId, now) == null) {
            onNew.run();
        }
    }

    /** The devices seen recently that are not among {@code bound} (device ids in upper case), newest first. */
    public List<HubStatus.DiscoveredDevice> unbound(Set<String> bound) {
        Instant since = clock.instant().minus(RECENT);
        return seen.values().stream()
                .filter(d -> !bound.contains(d.deviceId().toUpperCase()) && d.lastSeen().isAfter(since))
                .sorted(Comparator.comparing(HubStatus.DiscoveredDevice::lastSeen).reversed())
                .limit(MAX_REPORTED).toList();
    }
}
