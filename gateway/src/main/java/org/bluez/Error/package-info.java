/**
 * BlueZ's D-Bus errors that the hub tells apart, as dbus-java expects them: it turns an error reply into the
 * exception class whose name is the error's name ({@code org.bluez.Error.AuthenticationFailed}), and into a plain
 * {@code DBusExecutionException} that has lost the name when there is no such class. The BLE transport needs the name
 * to recognise a stale bond ({@code io.nara.gateway.ble.BleBackend.BleException#authenticationFailed()}).
 */
package org.bluez.Error;
