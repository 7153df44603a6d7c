package io.nara.gateway.coap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the hub's CoAP device keys: the key file and the running DTLS server's PSK store. An installer's
 * new key goes to the file first (durably) and then to the store, so the device's next handshake succeeds without a
 * restart and a restart keeps it. Californium's {@link AdvancedMultiPskStore} takes its write lock in
 * {@code setKey} and its read lock in the handshake's lookup, so a key may be set while the connector runs.
 * Thread-safe; {@link #load} and {@link #put} block on file I/O.
 */
public final class CoapKeys {

    private static final Logger LOG = LoggerFactory.getLogger(CoapKeys.class);

    private final Path file;
    private final AdvancedMultiPskStore store = new AdvancedMultiPskStore();
    private final Set<String> identities = ConcurrentHashMap.newKeySet();

    /** What {@link #put} did. */
    public record Change(String identity, boolean replaced) {}

    public CoapKeys(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Reads the key file into the store. A missing file is a hub that has no IP device yet: the first key an installer
     * gives makes it.
     *
     * @throws IllegalArgumentException when the file cannot be read as a key file
     */
    synchronized void load() {
        if (!Files.exists(file)) {
            LOG.warn(
                    "CoAP key file {} does not exist yet: no IP device can connect until the installer gives its key "
                            + "(nara-installer coap-key <device id>, in pairing mode)",
                    file);
            return;
        }
        Map<String, byte[]> keys = PskFile.read(file);
        keys.forEach((identity, secret) -> {
            store.setKey(identity, secret);
            identities.add(identity);
        });
        LOG.info("CoAP keys of {} devices read from {}", keys.size(), file);
    }

    AdvancedMultiPskStore store() {
        return store;
    }

    /** Whether the hub has a key for this PSK identity. */
    public boolean has(String identity) {
        return identities.contains(identity);
    }

    /**
     * Lets a device in: checks the identity and key as the key file's rules have them, writes the key to the file
     * durably, then into the running server.
     *
     * @param keyText the key as text, or {@code hex:...}
     * @throws IllegalArgumentException naming what is wrong with the identity or key (never the key itself); nothing
     *                                  is written
     * @throws IOException              when the file cannot be written; the running server is left as it was
     */
    public synchronized Change put(String identity, String keyText) throws IOException {
        if (!ReportingPskStore.plausible(identity)) {
            throw new IllegalArgumentException("identity must be a device id: 1 to " + ReportingPskStore.MAX_LENGTH
                    + " letters, digits or . _ : @ -");
        }
        if (keyText == null || keyText.isEmpty()) {
            throw new IllegalArgumentException("key is missing");
        }
        byte[] secret;
        try {
            secret = PskFile.key(keyText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key " + e.getMessage(), e);
        }
        boolean replaced = PskFile.write(file, identity, keyText, secret);
        store.setKey(identity, secret);
        identities.add(identity);
        // The identity only: a key never goes to the log.
        LOG.info("CoAP key of {} {} in {} by the installer", identity, replaced ? "replaced" : "added", file);
        return new Change(identity, replaced);
    }
}
