package org.bluez.Error;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** BlueZ's {@code org.bluez.Error.NotPermitted}; see the package's description. */
public class NotPermitted extends DBusExecutionException {
    public NotPermitted(String message) {
        super(message);
    }
}
