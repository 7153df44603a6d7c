package io.nara.gateway.coap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-device pre-shared keys: {@code identity=key} lines, {@code #} comments. A key is text (what libcoap's
 * {@code coap-client -k} takes) or {@code hex:...} for binary keys. The file holds secrets: mode 0600, owned by the
 * hub's user. No message of this class ever contains a key.
 */
public final class PskFile {

    /** RFC 4279 allows short keys, but a short PSK can be guessed offline from one captured handshake. */
    static final int MIN_KEY_BYTES = 8;

    private PskFile() {}

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
            byte[] secret;
            try {
                secret = key(line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": the key of " + identity + " " + e.getMessage());
            }
            if (keys.put(identity, secret) != null) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": identity " + identity + " twice");
            }
        }
        return keys;
    }

    /**
     * The secret a key stands for: text as UTF-8 bytes, or {@code hex:...}; at least {@value #MIN_KEY_BYTES} bytes.
     *
     * @throws IllegalArgumentException naming what is wrong (never the key itself), in a phrase that follows "the key "
     */
    static byte[] key(String text) {
        byte[] secret;
        if (text.startsWith("hex:")) {
            String digits = text.substring(4);
            if (!digits.matches("([0-9a-fA-F]{2})*")) {
                throw new IllegalArgumentException("is not hex: after 'hex:' come hex digits, two per byte");
            }
            secret = HexFormat.of().parseHex(digits);
        } else {
            secret = text.getBytes(StandardCharsets.UTF_8);
        }
        if (secret.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("is shorter than " + MIN_KEY_BYTES + " bytes");
        }
        return secret;
    }

    /**
     * How a key is written to the file so that {@link #read} gives back the same secret: as given when that is
     * text a line keeps (no control characters, no surrounding blanks), else as {@code hex:}.
     */
    static String line(String identity, String text, byte[] secret) {
        boolean keepsAsText = !text.startsWith("hex:")
                && text.equals(text.strip())
                && text.chars().noneMatch(Character::isISOControl);
        return identity + "=" + (keepsAsText ? text : "hex:" + HexFormat.of().formatHex(secret));
    }

    /**
     * Sets the key of {@code identity} in the file, durably: the whole file is written to a temporary file in the
     * same folder (mode 0600), forced to disk, renamed over the old one and the folder forced too, so a power cut
     * leaves the old file or the new one, never half of either. Comments and the other devices' lines are kept; a
     * missing file is made. Blocking file I/O.
     *
     * @return whether the identity had a key before (which this replaced)
     * @throws IOException when the file cannot be written, or the existing file cannot be read as a key file (it is
     *                     left as it is)
     */
    static boolean write(Path file, String identity, String text, byte[] secret) throws IOException {
        boolean exists = Files.exists(file);
        if (exists) {
            try {
                read(file);
            } catch (IllegalArgumentException e) {
                // Not written over: whatever someone edited by hand would be lost.
                throw new IOException("the key file no longer reads as one: " + e.getMessage(), e);
            }
        }
        List<String> lines = exists ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        List<String> updated = new ArrayList<>();
        boolean replaced = false;
        for (String l : lines) {
            String s = l.strip();
            int eq = s.indexOf('=');
            if (!s.startsWith("#") && eq > 0 && s.substring(0, eq).strip().equals(identity)) {
                updated.add(line(identity, text, secret));
                replaced = true;
            } else {
                updated.add(l);
            }
        }
        if (!replaced) {
            updated.add(line(identity, text, secret));
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(
                dir,
                "." + file.getFileName() + ".",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel out =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes =
                        ByteBuffer.wrap((String.join("\n", updated) + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        // The rename is durable only once the folder's entry is on disk.
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
        return replaced;
    }
}
