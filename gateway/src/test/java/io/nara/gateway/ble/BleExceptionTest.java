package io.nara.gateway.ble;

import static org.assertj.core.api.Assertions.assertThat;

import org.bluez.Error.AuthenticationFailed;
import org.junit.jupiter.api.Test;

/** Which BlueZ errors say that a bond BlueZ holds is stale, by D-Bus error name wherever the backend has one. */
class BleExceptionTest {

    private static boolean stale(String name, String text) {
        return BleBackend.BleException.authenticationFailed(name, text);
    }

    @Test
    void authenticationErrorsAndInsufficientAuthenticationOnGattRequestsMeanAStaleBond() {
        assertThat(stale("org.bluez.Error.AuthenticationFailed", "Authentication Failed"))
                .isTrue();
        assertThat(stale("org.bluez.Error.AuthenticationRejected", "Authentication Rejected"))
                .isTrue();
        assertThat(stale("org.bluez.Error.NotPermitted", "reading 0x2A19 failed: Not paired"))
                .isTrue();
        assertThat(stale("org.bluez.Error.Failed", "Operation failed with ATT error: 0x05"))
                .isTrue();
        assertThat(stale("org.bluez.Error.Failed", "Operation failed with ATT error: 0x0f"))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(stale("org.bluez.Error.AuthenticationCanceled", "Authentication Canceled"))
                .isFalse();
        assertThat(stale("org.bluez.Error.AuthenticationTimeout", "Authentication Timeout"))
                .isFalse();
        assertThat(stale("org.bluez.Error.NotPermitted", "Read not permitted")).isFalse();
        assertThat(stale("org.bluez.Error.Failed", "Operation failed with ATT error: 0x0e"))
                .isFalse();
        assertThat(stale("org.bluez.Error.Failed", "le-connection-abort-by-local"))
                .isFalse();
        // a device name or other text that merely mentions authentication is no error name
        assertThat(stale(null, "device AA:00:00:00:00:01 (Authentication cuff) did not answer"))
                .isFalse();
    }

    @Test
    void theErrorNameIsFoundInDbusJavasExceptionClassOrInTinybsMessage() {
        assertThat(new BleBackend.BleException("connecting failed", new AuthenticationFailed("Authentication Failed"))
                        .errorName())
                .isEqualTo("org.bluez.Error.AuthenticationFailed");
        assertThat(new BleBackend.BleException(
                                "connecting failed",
                                new RuntimeException(
                                        "GDBus.Error:org.bluez.Error.AuthenticationRejected: Authentication Rejected"))
                        .errorName())
                .isEqualTo("org.bluez.Error.AuthenticationRejected");
        assertThat(new BleBackend.BleException("no answer").errorName()).isNull();
    }
}
