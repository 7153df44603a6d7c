package io.nara.gateway.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret an installer shows to change anything through the hub's local API (pairing mode, the simulated home).
 * It lives in {@code installer-token} in the hub's data folder, readable only by the hub's user; it is made on the
 * first start and kept, so the installer's command line on the hub (and later the cloud's fleet page) can show it.
 *
 * @param value the token, 32 hex digits
 * @param file  where it is kept
 */
public record InstallerToken(String value, Path file) {

    public static final String FILE_NAME = "installer-token";

    public InstallerToken {
        if (value == null || !value.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("the installer token in " + file + " is not 32 hex digits");
        }
    }

    /** Reads the token of {@code dataDir}, making one first if there is none. Blocking file I/O. */
    public static InstallerToken loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] secret = new byte[16];
                new SecureRandom().nextBytes(secret);
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(
                            file, HexFormat.of().formatHex(secret) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it between the check and the create: theirs is the token
                }
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or make the installer token " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an existing token file. Blocking file I/O. */
    public static InstallerToken read(Path file) throws IOException {
        return new InstallerToken(
                Files.readString(file, StandardCharsets.US_ASCII).strip(), file);
    }

    /** Compares in constant time, so the answer's timing tells nothing about how much of a guess was right. */
    public boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
    }
}
