package org.bluez.Error;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** BlueZ's {@code org.bluez.Error.Failed}; see the package's description. */
public class Failed extends DBusExecutionException {
    public Failed(String message) {
        super(message);
    }
}
