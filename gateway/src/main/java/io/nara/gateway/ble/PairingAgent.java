package io.nara.gateway.ble;

import org.bluez.Agent1;
import org.bluez.AgentManager1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers BlueZ's pairing questions without a screen: accept, or give the configured passkey. */
final class PairingAgent implements Agent1 {

    private static final Logger LOG = LoggerFactory.getLogger(PairingAgent.class);
    static final String AGENT_PATH = "/io/nara/agent";

    private final Integer passkey;

    /**
     * Exports the agent on this connection and makes it BlueZ's default. NoInputNoOutput: the hub has no screen or
     * keyboard, so BlueZ uses "just works" pairing; with a passkey configured, KeyboardOnly, and a device that
     * demands one gets it. BlueZ forgets the agent when the connection closes.
     */
    static void register(DBusConnection connection, Integer passkey) throws DBusException {
        connection.exportObject(AGENT_PATH, new PairingAgent(passkey));
        AgentManager1 agents = connection.getRemoteObject("org.bluez", "/org/bluez", AgentManager1.class);
        agents.RegisterAgent(new DBusPath(AGENT_PATH), passkey == null ? "NoInputNoOutput" : "KeyboardOnly");
        agents.RequestDefaultAgent(new DBusPath(AGENT_PATH));
        LOG.info("BlueZ pairing agent registered ({})", passkey == null ? "NoInputNoOutput" : "fixed passkey");
    }

    PairingAgent(Integer passkey) {
        this.passkey = passkey;
    }

    @Override
    public String getObjectPath() {
        return AGENT_PATH;
    }

    @Override
    public void Release() {}

    @Override
    public String RequestPinCode(DBusPath device) {
        return passkey == null ? "0000" : String.format("%06d", passkey);
    }

    @Override
    public void DisplayPinCode(DBusPath device, String pincode) {}

    @Override
    public UInt32 RequestPasskey(DBusPath device) {
        return new UInt32(passkey == null ? 0 : passkey);
    }

    @Override
    public void DisplayPasskey(DBusPath device, UInt32 passkey, UInt16 entered) {}

    @Override
    public void RequestConfirmation(DBusPath device, UInt32 passkey) {}

    @Override
    public void RequestAuthorization(DBusPath device) {}

    @Override
    public void AuthorizeService(DBusPath device, String uuid) {}

    @Override
    public void Cancel() {}
}
