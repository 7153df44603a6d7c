package io.nara.gateway.coap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-device pre-shared keys: {@code identity=key} lines, {@code #} comments. A key is text (what libcoap's
 * {@code coap-client -k} takes) or {@code hex:...} for binary keys. The file holds secrets: mode 0600, owned by the
 * hub's user.
 */
public final class PskFile {

    private PskFile() {
    }

    public static Map<String, byte[]> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CoAP key file " + file + ": " + e.getMessage(), e);
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected identity=key");
            }
            String identity = line.substring(0, eq).strip();
            String key = line.substring(eq + 1).strip();
            byte[] secret;
            try {
                secret = key.startsWith("hex:") ? HexFormat.of().parseHex(key.substring(4))
                        : key.getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": key is not hex: " + e.getMessage());
            }
            if (secret.length < 8) {
                // RFC 4279 allows short keys, but a short PSK can be guessed offline from one captured handshake.
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": the key of " + identity
                        + " is shorter than 8 bytes");
            }
            if (keys.put(identity, secret) != null) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": identity " + identity + " twice");
            }
        }
        return keys;
    }
}
