package io.nara.rules.silence;

import io.nara.protocol.careplan.CarePlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the cloud knows about one patient's home when it looks for silence.
 *
 * @param plan          the patient's current care plan
 * @param planSince     when the plan (and with it the monitoring) began; silence is counted from here at the earliest
 * @param hubLastSeen   when anything was last heard from the patient's hub; null when never
 * @param hubOffline    the hub's last will (or clean disconnect) said OFFLINE and nothing came since
 * @param lastReading   the newest reading time per LOINC code (measurement time)
 * @param devices       the patient's devices
 */
public record SilenceFacts(
        CarePlan plan,
        Instant planSince,
        Instant hubLastSeen,
        boolean hubOffline,
        Map<String, Instant> lastReading,
        List<DeviceFacts> devices) {

    public SilenceFacts {
        lastReading = Map.copyOf(lastReading);
        devices = List.copyOf(devices);
    }

    /**
     * @param deviceId       the device
     * @param lastReading    the newest reading from it; null when never
     * @param batteryPercent its battery as the hub last reported it; null when unknown
     * @param batterySince   when the hub first reported the battery at that level (the episode's start)
     */
    public record DeviceFacts(String deviceId, Instant lastReading, Integer batteryPercent, Instant batterySince) {}
}
