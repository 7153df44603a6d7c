package io.nara.ingest.config;

/**
 * The node's configuration is wrong (a missing secret file, an unknown setting, a password a store refuses): the
 * message says what and where. The node exits with {@link #EXIT_CODE} and the systemd unit does not restart it, since
 * starting again cannot help.
 */
public final class ConfigurationException extends RuntimeException {

    /** sysexits.h EX_CONFIG. */
    public static final int EXIT_CODE = 78;

    public ConfigurationException(String message) {
        super(message);
    }
}
