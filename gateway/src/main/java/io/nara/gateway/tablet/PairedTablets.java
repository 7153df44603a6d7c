package io.nara.gateway.tablet;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nara.protocol.message.Observation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tablets paired with this hub, in {@code <data-dir>/tablets.json} (mode 0600): each with its device id
 * ({@code tablet-<n>}), its patient, when it was paired, and the SHA-256 of its token, never the token itself. A token
 * is 256 random bits, so a plain hash is enough (nothing to guess from it; no salt or slow hash needed). The file is
 * written whole: temporary file, fsync, atomic rename, fsync of the folder. Lookups are in memory (the event loop may
 * call {@link #find}); {@link #pair} and {@link #remove} write the file and run on a worker.
 */
public final class PairedTablets {

    public static final String FILE_NAME = "tablets.json";
    private static final String DEVICE_PREFIX = Observation.TABLET_DEVICE_PREFIX;

    /** A paired tablet as kept on disk. */
    public record Tablet(String id, String patientId, Instant pairedAt, String tokenHash) {}

    /** A new pairing: the tablet and the token only it will hold. */
    public record Paired(Tablet tablet, String token) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;
    private final List<Tablet> tablets;

    private PairedTablets(Path file, List<Tablet> tablets) {
        this.file = file;
        this.tablets = new CopyOnWriteArrayList<>(tablets);
    }

    /** Reads the file (none yet: no tablets). Blocking. */
    public static PairedTablets load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new PairedTablets(file, List.of());
        }
        return new PairedTablets(file, JSON.readValue(file.toFile(), new TypeReference<List<Tablet>>() {}));
    }

    /** The SHA-256 of a token, in hex. */
    public static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }

    /** Pairs a new tablet for the patient and writes the file. Blocking. */
    public synchronized Paired pair(String patientId, Instant now) throws IOException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        int next = tablets.stream()
                        .mapToInt(t -> Integer.parseInt(t.id().substring(DEVICE_PREFIX.length())))
                        .max()
                        .orElse(0)
                + 1;
        Tablet tablet = new Tablet(DEVICE_PREFIX + next, patientId, now, hash(token));
        List<Tablet> after = new ArrayList<>(tablets);
        after.add(tablet);
        write(after);
        tablets.add(tablet);
        return new Paired(tablet, token);
    }

    /** Removes a tablet; its token stops working at once. Blocking. @return whether it was paired */
    public synchronized boolean remove(String id) throws IOException {
        List<Tablet> after = tablets.stream().filter(t -> !t.id().equals(id)).toList();
        if (after.size() == tablets.size()) {
            return false;
        }
        write(after);
        tablets.removeIf(t -> t.id().equals(id));
        return true;
    }

    /** The tablet holding this token, compared by hash in constant time. */
    public Optional<Tablet> find(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        byte[] presented = hash(token.strip()).getBytes(StandardCharsets.US_ASCII);
        return tablets.stream()
                .filter(t -> MessageDigest.isEqual(presented, t.tokenHash().getBytes(StandardCharsets.US_ASCII)))
                .findFirst();
    }

    public List<Tablet> all() {
        return List.copyOf(tablets);
    }

    private void write(List<Tablet> content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not POSIX: the folder's permissions guard it.
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(content)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for fsync; the rename is still atomic there.
        }
    }
}
