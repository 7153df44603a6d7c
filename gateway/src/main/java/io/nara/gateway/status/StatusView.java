package io.nara.gateway.status;

import io.nara.gateway.enrol.Enrolment;
import io.nara.gateway.installer.DeviceStates;
import io.nara.gateway.outbox.StorageState;
import io.nara.gateway.uplink.Uplink;
import io.nara.protocol.message.HubStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the local status page shows an installer.
 *
 * @param hubId            this hub
 * @param software         the installed version (the package's); an update counts as done once the hub reports it
 *                         while connected to the cloud
 * @param connectedToCloud whether the broker connection is up
 * @param lastAck          when the cloud last acknowledged anything, or null
 * @param outboxPending    records not yet acknowledged
 * @param replay           how fast the outbox drains and when it will be empty
 * @param storage          what the storage policy has done
 * @param quarantined      device values the hub could not use
 * @param clock            the hub's clock state
 * @param configVersion    the care-plan/config version in force
 * @param devices          bound devices
 * @param enrolment        the hub's certificate from the cloud and what enrolment waits for; null when the hub's
 *                         certificate was given to it
 */
public record StatusView(
        String hubId,
        String software,
        boolean connectedToCloud,
        Instant lastAck,
        long outboxPending,
        Uplink.Progress replay,
        StorageState storage,
        long quarantined,
        HubStatus.ClockState clock,
        long configVersion,
        List<Device> devices,
        Enrolment.Status enrolment) {

    /**
     * A bound device, its last reading, and what its transport knows: connection state, battery (percent or null),
     * clock (SET, NOT_SET, NOT_NEEDED, UNKNOWN), pairing (PAIRED, NOT_PAIRED, STALE_BOND, NOT_APPLICABLE), and why it
     * needs attention (null when it does not).
     */
    public record Device(
            String deviceId,
            String model,
            String patientId,
            Instant lastReading,
            String transport,
            String connection,
            Integer battery,
            String deviceClock,
            String pairing,
            String attention) {

        public Device(String deviceId, String model, String patientId, Instant lastReading) {
            this(deviceId, model, patientId, lastReading, null, null, null, null, null, null);
        }

        public static Device of(
                String deviceId, String model, String patientId, Instant lastReading, DeviceStates.State s) {
            return new Device(
                    deviceId,
                    model,
                    patientId,
                    lastReading,
                    s.transport(),
                    s.connection().name(),
                    s.battery(),
                    s.clock().name(),
                    s.pairing().name(),
                    s.attention());
        }
    }
}
