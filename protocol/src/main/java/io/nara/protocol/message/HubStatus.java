package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireNonNull;

import io.nara.protocol.SchemaVersion;
import java.time.Instant;
import java.util.List;

/**
 * Topic {@code status}, retained. The hub's last will is the same message with {@code state = OFFLINE}.
 *
 * @param state         online or offline
 * @param at            when the hub wrote it; null in the last will, which is composed long before it is sent
 * @param software      the hub's version
 * @param clock         whether the hub's clock is known to be right
 * @param outboxPending records waiting for the cloud's acknowledgement
 * @param devices       the devices bound to this hub
 */
public record HubStatus(
        int v,
        State state,
        Instant at,
        String software,
        ClockState clock,
        long outboxPending,
        List<DeviceStatus> devices) {

    public enum State { ONLINE, OFFLINE }

    public enum ClockState { SYNCHRONIZED, UNSYNCHRONIZED, UNKNOWN }

    /** What the hub knows of one device. */
    public record DeviceStatus(String deviceId, String model, Instant lastReading, Integer batteryPercent) {
    }

    public HubStatus {
        SchemaVersion.require(v);
        requireNonNull(state, "state");
        clock = clock == null ? ClockState.UNKNOWN : clock;
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public static HubStatus offline() {
        return new HubStatus(SchemaVersion.CURRENT, State.OFFLINE, null, null, ClockState.UNKNOWN, 0, List.of());
    }
}
