package io.nara.gateway.installer;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What every transport knows about its devices, for the installer (status page, command line) and the LED. Transports
 * report from any thread; readers get immutable snapshots.
 */
public final class DeviceStates {

    private final DiscoveredDevices discovered;

    /** How the hub is connected to a device right now. */
    public enum Connection {
        UNKNOWN,
        WAITING,
        CONNECTING,
        CONNECTED,
        DISCONNECTED,
        UNREACHABLE
    }

    /** Whether the device's clock was set by the hub. */
    public enum ClockState {
        UNKNOWN,
        SET,
        NOT_SET,
        NOT_NEEDED
    }

    /** The Bluetooth bond with the hub. */
    public enum Pairing {
        NOT_APPLICABLE,
        NOT_PAIRED,
        PAIRED,
        STALE_BOND
    }

    /**
     * @param transport  ble, coap, astm, poct1
     * @param connection connection state
     * @param lastSeen   when the hub last heard from it
     * @param battery    battery level in percent, or null when the device does not report one
     * @param clock      its clock
     * @param pairing    its bond
     * @param attention  why it needs an installer's attention, or null
     */
    public record State(
            String transport,
            Connection connection,
            Instant lastSeen,
            Integer battery,
            ClockState clock,
            Pairing pairing,
            String attention) {}

    /** What the installer reads for a stale bond: what happened and what to do. */
    public static final String STALE_BOND_ADVICE = "stale bond: the device no longer knows its pairing with this hub"
            + " (was it reset?); turn on pairing mode and put the device in pairing mode to pair it again";

    private static final State EMPTY =
            new State(null, Connection.UNKNOWN, null, null, ClockState.UNKNOWN, Pairing.NOT_APPLICABLE, null);

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private volatile Instant pairingUntil;

    public DeviceStates(Clock clock) {
        this.clock = clock;
        this.discovered = new DiscoveredDevices(clock);
    }

    /** Devices the transports see that are not bound, for the cloud to offer. */
    public DiscoveredDevices discovered() {
        return discovered;
    }

    public State get(String deviceId) {
        return states.getOrDefault(deviceId, EMPTY);
    }

    public Map<String, State> all() {
        return Map.copyOf(states);
    }

    public void transport(String deviceId, String transport) {
        update(
                deviceId,
                s -> new State(
                        transport, s.connection(), s.lastSeen(), s.battery(), s.clock(), s.pairing(), s.attention()));
    }

    public void connection(String deviceId, Connection connection) {
        update(
                deviceId,
                s -> new State(
                        s.transport(),
                        connection,
                        connection == Connection.CONNECTED ? clock.instant() : s.lastSeen(),
                        s.battery(),
                        s.clock(),
                        s.pairing(),
                        s.attention()));
    }

    public void seen(String deviceId) {
        update(
                deviceId,
                s -> new State(
                        s.transport(),
                        s.connection(),
                        clock.instant(),
                        s.battery(),
                        s.clock(),
                        s.pairing(),
                        s.attention()));
    }

    public void battery(String deviceId, int percent) {
        update(
                deviceId,
                s -> new State(
                        s.transport(),
                        s.connection(),
                        s.lastSeen(),
                        percent,
                        s.clock(),
                        s.pairing(),
                        percent <= 15 ? "battery low (" + percent + " %)" : lowBatteryCleared(s.attention())));
    }

    public void clock(String deviceId, ClockState clockState) {
        update(
                deviceId,
                s -> new State(
                        s.transport(),
                        s.connection(),
                        s.lastSeen(),
                        s.battery(),
                        clockState,
                        s.pairing(),
                        s.attention()));
    }

    public void pairing(String deviceId, Pairing pairing) {
        update(
                deviceId,
                s -> new State(
                        s.transport(),
                        s.connection(),
                        s.lastSeen(),
                        s.battery(),
                        s.clock(),
                        pairing,
                        pairing == Pairing.STALE_BOND ? STALE_BOND_ADVICE : s.attention()));
    }

    public void attention(String deviceId, String why) {
        update(
                deviceId,
                s -> new State(s.transport(), s.connection(), s.lastSeen(), s.battery(), s.clock(), s.pairing(), why));
    }

    /** Devices whose state an installer (or the patient, through the LED) should act on. */
    public int needingAttention() {
        return (int) states.values().stream().filter(s -> s.attention() != null).count();
    }

    /** Pairing mode: the BLE agent accepts new devices until then; null when off. */
    public void pairingMode(Instant until) {
        pairingUntil = until;
    }

    public boolean pairingMode() {
        Instant until = pairingUntil;
        return until != null && clock.instant().isBefore(until);
    }

    public Instant pairingUntil() {
        return pairingMode() ? pairingUntil : null;
    }

    private void update(String deviceId, UnaryOperator<State> change) {
        states.compute(deviceId, (id, s) -> change.apply(s == null ? EMPTY : s));
    }

    private static String lowBatteryCleared(String attention) {
        return attention != null && attention.startsWith("battery low") ? null : attention;
    }
}
