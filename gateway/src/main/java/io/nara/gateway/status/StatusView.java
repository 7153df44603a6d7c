package io.nara.gateway.status;

import io.nara.protocol.message.HubStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the local status page shows an installer.
 *
 * @param hubId            this hub
 * @param connectedToCloud whether the broker connection is up
 * @param lastAck          when the cloud last acknowledged anything, or null
 * @param outboxPending    records not yet acknowledged
 * @param quarantined      device values the hub could not use
 * @param clock            the hub's clock state
 * @param configVersion    the care-plan/config version in force
 * @param devices          bound devices
 */
public record StatusView(String hubId, boolean connectedToCloud, Instant lastAck, long outboxPending, long quarantined,
                         HubStatus.ClockState clock, long configVersion, List<Device> devices) {

    /** A bound device and its last reading. */
    public record Device(String deviceId, String model, String patientId, Instant lastReading) {
    }
}
