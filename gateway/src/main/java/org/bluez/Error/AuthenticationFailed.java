package org.bluez.Error;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** BlueZ's {@code org.bluez.Error.AuthenticationFailed}; see the package's description. */
public class AuthenticationFailed extends DBusExecutionException {
    public AuthenticationFailed(String message) {
        super(message);
    }
}
