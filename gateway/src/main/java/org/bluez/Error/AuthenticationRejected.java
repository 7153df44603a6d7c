package org.bluez.Error;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** BlueZ's {@code org.bluez.Error.AuthenticationRejected}; see the package's description. */
public class AuthenticationRejected extends DBusExecutionException {
    public AuthenticationRejected(String message) {
        super(message);
    }
}
