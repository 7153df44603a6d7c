package io.nara.gateway.installer;

import io.nara.protocol.message.HubStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    private static final int MAX_KEPT = 200;
    private static final int READINGS_KEPT = 5;

    private final Clock clock;
    private final Map<String, HubStatus.DiscoveredDevice> seen = new ConcurrentHashMap<>();
    /** The latest readings of each device seen sending while not bound, newest first. */
    private final Map<String, List<HubStatus.HeldReading>> readings = new ConcurrentHashMap<>();

    private volatile Runnable onNew = () -> {};

    public DiscoveredDevices(Clock clock) {
        this.clock = clock;
    }

    /** Called once for every device seen for the first time (to publish the hub's status at once). */
    public void onNew(Runnable listener) {
        this.onNew = listener;
    }

    /** Notes a device the hub sees; {@code name}, {@code model} and {@code detail} may be null. */
    public void seen(String deviceId, String transport, String name, String model, String detail) {
        HubStatus.DiscoveredDevice now =
                new HubStatus.DiscoveredDevice(deviceId, transport, name, model, detail, clock.instant());
        if (seen.put(deviceId, now) == null) {
            forgetOld();
            onNew.run();
        }
    }

    /**
     * Changes what is said of a device already seen (the installer gave its key, say), leaving when it was seen; a
     * device not seen is left unseen.
     */
    public void detail(String deviceId, String detail) {
        HubStatus.DiscoveredDevice changed = seen.computeIfPresent(
                deviceId,
                (id, d) -> new HubStatus.DiscoveredDevice(
                        d.deviceId(), d.transport(), d.name(), d.model(), detail, d.lastSeen()));
        if (changed != null) {
            onNew.run();
        }
    }

    /**
     * Notes what an unbound device sent (as {@link #seen} notes the device): the latest {@value #READINGS_KEPT} are
     * reported with it, so the nurse sees what it measures. A failed measurement is reported without a value.
     */
    public void held(String deviceId, List<HubStatus.HeldReading> newest) {
        if (newest.isEmpty() || !seen.containsKey(deviceId)) {
            return;
        }
        readings.merge(deviceId, List.copyOf(newest), (old, added) -> {
            List<HubStatus.HeldReading> all = new ArrayList<>(added);
            all.addAll(old);
            return List.copyOf(all.subList(0, Math.min(READINGS_KEPT, all.size())));
        });
        readings.computeIfPresent(
                deviceId,
                (d, list) -> list.size() <= READINGS_KEPT ? list : List.copyOf(list.subList(0, READINGS_KEPT)));
        onNew.run();
    }

    /**
     * Keeps at most {@value #MAX_KEPT} devices, dropping those not seen recently and then the oldest: anyone in radio
     * or network range can make the hub see a new "device" (an advertisement, a DTLS hello), so the list is bounded.
     */
    private void forgetOld() {
        Instant since = clock.instant().minus(RECENT);
        seen.values().removeIf(d -> d.lastSeen().isBefore(since));
        while (seen.size() > MAX_KEPT) {
            seen.values().stream()
                    .min(Comparator.comparing(HubStatus.DiscoveredDevice::lastSeen))
                    .ifPresent(oldest -> seen.remove(oldest.deviceId(), oldest));
        }
        readings.keySet().retainAll(seen.keySet());
    }

    /** How many devices are kept (seen recently or not), at most a couple of hundred. */
    public int size() {
        return seen.size();
    }

    /** The devices seen recently that are not among {@code bound} (device ids in upper case), newest first. */
    public List<HubStatus.DiscoveredDevice> unbound(Set<String> bound) {
        Instant since = clock.instant().minus(RECENT);
        return seen.values().stream()
                .filter(d -> !bound.contains(d.deviceId().toUpperCase())
                        && d.lastSeen().isAfter(since))
                .sorted(Comparator.comparing(HubStatus.DiscoveredDevice::lastSeen)
                        .reversed())
                .limit(MAX_REPORTED)
                .map(d -> new HubStatus.DiscoveredDevice(
                        d.deviceId(),
                        d.transport(),
                        d.name(),
                        d.model(),
                        d.detail(),
                        d.lastSeen(),
                        readings.get(d.deviceId())))
                .toList();
    }
}
