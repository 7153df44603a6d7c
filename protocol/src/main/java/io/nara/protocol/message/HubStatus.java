package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.nara.protocol.Checks;
import io.nara.protocol.SchemaVersion;
import java.time.Instant;
import java.time.LocalDateTime;
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
 * @param configVersion the version of the config the hub applied (the cloud shows "applied" or "waiting for the
 *                      hub"); null from a hub that does not say
 * @param discovered    devices the hub can see that are not bound to it (for binding them from the cloud)
 * @param failedUpdate  the last software update the hub refused or rolled back, while it is the updater's last word;
 *                      null when the last update went well, none was tried, or the hub does not say
 * @param quarantine    what the hub holds in quarantine (bytes it could not decode, readings it must not use); null
 *                      from a hub that does not say
 * @param storage       what the hub's storage policy has done to make room in its outbox, and how full it is; null
 *                      from a hub that does not say
 */
public record HubStatus(
        int v,
        State state,
        Instant at,
        String software,
        ClockState clock,
        long outboxPending,
        List<DeviceStatus> devices,
        Long configVersion,
        List<DiscoveredDevice> discovered,
        FailedUpdate failedUpdate,
        Quarantine quarantine,
        Storage storage) {

    public enum State {
        ONLINE,
        OFFLINE
    }

    public enum ClockState {
        SYNCHRONIZED,
        UNSYNCHRONIZED,
        UNKNOWN
    }

    /** What the hub knows of one device. */
    public record DeviceStatus(String deviceId, String model, Instant lastReading, Integer batteryPercent) {}

    /**
     * A device the hub can see but that is not bound to it: a BLE advertisement of a health service, a CoAP client
     * whose PSK identity the hub does not know, an analyzer talking on a port.
     *
     * @param transport {@code ble}, {@code coap} or {@code analyzer}
     * @param name      what the device calls itself (BLE local name), or null
     * @param model     the catalogue model the hub recognised, or null
     * @param detail    e.g. the advertised service UUIDs or the port; null when there is nothing to add
     * @param readings  the latest readings the device sent although not bound (kept in the hub's quarantine, never
     *                  evaluated or stored as a patient's), newest first; empty when it sent none
     */
    public record DiscoveredDevice(
            String deviceId,
            String transport,
            String name,
            String model,
            String detail,
            Instant lastSeen,
            List<HeldReading> readings) {

        /** The most readings a hub reports per discovered device. */
        public static final int MAX_HELD_READINGS = 10;

        @JsonCreator
        public DiscoveredDevice {
            requireNonNull(deviceId, "discovered[].deviceId");
            requireNonNull(transport, "discovered[].transport");
            readings = readings == null ? List.of() : List.copyOf(readings);
            Checks.requireAtMost(readings, MAX_HELD_READINGS, "discovered[].readings");
        }

        /** A device seen without readings. */
        public DiscoveredDevice(
                String deviceId, String transport, String name, String model, String detail, Instant lastSeen) {
            this(deviceId, transport, name, model, detail, lastSeen, null);
        }
    }

    /**
     * A reading of a device that is not bound, as the hub decoded it: for a nurse to see what the device measures
     * before she binds it; nobody's observation.
     *
     * @param code       LOINC code
     * @param value      the value in {@code unit}; null when the device reported a failed measurement (never NaN)
     * @param unit       UCUM unit
     * @param deviceTime the device's own clock reading (local time without a zone, not checked); null when it gave
     *                   none
     * @param received   when the hub received it, by the hub's clock
     */
    public record HeldReading(String code, Double value, String unit, LocalDateTime deviceTime, Instant received) {
        @JsonCreator
        public HeldReading {
            Checks.requireText(code, "readings[].code");
            Checks.optionalText(unit, "readings[].unit");
            requireNonNull(received, "readings[].received");
            if (value != null && !Double.isFinite(value)) {
                throw new IllegalArgumentException("readings[].value must be a finite number or null, was " + value);
            }
        }
    }

    /**
     * An update the hub did not complete (the updater's last result).
     *
     * @param version the version the cloud pinned and the hub did not end up running ("-" when the pin was unreadable)
     * @param outcome {@code ROLLED_BACK} (installed, did not come up, the previous version reinstalled) or
     *                {@code REFUSED} (not installed: bad signature, not published, a downgrade not asked for, a
     *                configuration the hub cannot use, too little free space)
     * @param reason  the updater's message, as in the hub's journal
     * @param at      when the updater decided
     */
    public record FailedUpdate(String version, Outcome outcome, String reason, Instant at) {
        public enum Outcome {
            ROLLED_BACK,
            REFUSED
        }

        public FailedUpdate {
            requireNonNull(version, "failedUpdate.version");
            requireNonNull(outcome, "failedUpdate.outcome");
            requireNonNull(reason, "failedUpdate.reason");
        }
    }

    /**
     * The hub's quarantine: readings it kept but did not store as anyone's observation (undecodable bytes, a device
     * not bound, a measurement the device's model does not make, an analyzer result naming another patient).
     *
     * @param held          how many it holds
     * @param newestDevice  the device of the newest, or null when it holds none
     * @param newestProblem why the newest was quarantined, or null when it holds none
     * @param newestAt      when the newest was quarantined, by the hub's clock, or null when it holds none
     */
    public record Quarantine(long held, String newestDevice, String newestProblem, Instant newestAt) {
        public Quarantine {
            if (held < 0) {
                throw new IllegalArgumentException("quarantine.held must not be negative, was " + held);
            }
        }
    }

    /** The most discovered devices one status carries (a hub reports 20). */
    public static final int MAX_DISCOVERED = 50;

    /** A status without word of the hub's quarantine (an older hub's). */
    public HubStatus(
            int v,
            State state,
            Instant at,
            String software,
            ClockState clock,
            long outboxPending,
            List<DeviceStatus> devices,
            Long configVersion,
            List<DiscoveredDevice> discovered,
            FailedUpdate failedUpdate) {
        this(v, state, at, software, clock, outboxPending, devices, configVersion, discovered, failedUpdate, null);
    }

    /**
     * The hub's outbox storage: what its storage policy did to keep within its limits since the outbox was last empty
     * (everything it held had reached the cloud), and how full it is now.
     *
     * @param thinnedSamples  continuous samples given up to make room (every other of the oldest first)
     * @param droppedReadings older observations given up to make room (never the newest of a patient's signal, never
     *                        an alert)
     * @param full            the hub's last write found the outbox full even after making room: new readings are
     *                        refused (the devices keep them)
     * @param records         records in the outbox now
     * @param maxRecords      the record limit beyond which the policy makes room ({@code --max-records})
     */
    public record Storage(long thinnedSamples, long droppedReadings, boolean full, long records, long maxRecords) {

        /** The worst thing the policy did, for the fleet page's column and filter. */
        public enum Level {
            OK,
            THINNED,
            DROPPED,
            FULL
        }

        public Storage {
            notNegative(thinnedSamples, "storage.thinnedSamples");
            notNegative(droppedReadings, "storage.droppedReadings");
            notNegative(records, "storage.records");
            if (maxRecords < 1) {
                throw new IllegalArgumentException("storage.maxRecords must be at least 1, was " + maxRecords);
            }
        }

        @JsonIgnore
        public Level level() {
            return full
                    ? Level.FULL
                    : droppedReadings > 0 ? Level.DROPPED : thinnedSamples > 0 ? Level.THINNED : Level.OK;
        }

        private static void notNegative(long count, String field) {
            if (count < 0) {
                throw new IllegalArgumentException(field + " must not be negative, was " + count);
            }
        }
    }

    /** A status without word of the hub's storage. */
    public HubStatus(
            int v,
            State state,
            Instant at,
            String software,
            ClockState clock,
            long outboxPending,
            List<DeviceStatus> devices,
            Long configVersion,
            List<DiscoveredDevice> discovered,
            FailedUpdate failedUpdate,
            Quarantine quarantine) {
        this(
                v,
                state,
                at,
                software,
                clock,
                outboxPending,
                devices,
                configVersion,
                discovered,
                failedUpdate,
                quarantine,
                null);
    }

    @JsonCreator
    public HubStatus {
        SchemaVersion.require(v);
        requireNonNull(state, "state");
        clock = clock == null ? ClockState.UNKNOWN : clock;
        devices = devices == null ? List.of() : List.copyOf(devices);
        discovered = discovered == null ? List.of() : List.copyOf(discovered);
        Checks.requireAtMost(discovered, MAX_DISCOVERED, "discovered");
    }

    /** A status that says nothing of the config applied or of unbound devices (an older hub's). */
    public HubStatus(
            int v,
            State state,
            Instant at,
            String software,
            ClockState clock,
            long outboxPending,
            List<DeviceStatus> devices) {
        this(v, state, at, software, clock, outboxPending, devices, null, null, null);
    }

    /** A status that says nothing of a failed update. */
    public HubStatus(
            int v,
            State state,
            Instant at,
            String software,
            ClockState clock,
            long outboxPending,
            List<DeviceStatus> devices,
            Long configVersion,
            List<DiscoveredDevice> discovered) {
        this(v, state, at, software, clock, outboxPending, devices, configVersion, discovered, null);
    }

    public static HubStatus offline() {
        return new HubStatus(SchemaVersion.CURRENT, State.OFFLINE, null, null, ClockState.UNKNOWN, 0, List.of());
    }
}
