package io.nara.gateway.config;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.HubConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hub's care plans and device bindings, kept on disk so the hub evaluates with its last known plan while offline
 * and after a restart. The cloud sends newer versions as a retained config message; an older or equal version is
 * ignored, so a stale retained message cannot roll a plan back.
 *
 * <p>Blocking file I/O: call {@link #load} and {@link #offer} from a worker thread.
 */
public final class HubConfigStore {

    private final Path file;
    private final MessageCodec codec;
    private volatile HubConfig current;
    private final List<Consumer<HubConfig>> listeners = new CopyOnWriteArrayList<>();

    private HubConfigStore(Path file, MessageCodec codec, HubConfig current) {
        this.file = file;
        this.codec = codec;
        this.current = current;
    }

    /**
     * Loads the saved config from {@code file}; when there is none, or the bootstrap file is newer, starts from the
     * bootstrap (a first configuration in the same format as the config message; optional: without one the hub starts
     * with {@link HubConfig#none()} and waits for the cloud's).
     */
    public static HubConfigStore load(Path file, Path bootstrap, MessageCodec codec) {
        HubConfig saved = read(file, codec).orElse(null);
        HubConfig initial = bootstrap == null
                ? null
                : read(bootstrap, codec)
                        .orElseThrow(() ->
                                new IllegalArgumentException("bootstrap config " + bootstrap + " does not exist"));
        HubConfig chosen = saved;
        if (initial != null && (saved == null || initial.version() > saved.version())) {
            chosen = initial;
        }
        if (chosen == null) {
            // A hub whose file holds only its identity and the cloud's address: it waits for its config.
            return new HubConfigStore(file, codec, HubConfig.none());
        }
        HubConfigStore store = new HubConfigStore(file, codec, chosen);
        if (chosen != saved) {
            store.save(chosen);
        }
        return store;
    }

    public HubConfig current() {
        return current;
    }

    /** Called (on the thread that offered it) with every config adopted after it was saved. */
    public void onAdopted(Consumer<HubConfig> listener) {
        listeners.add(listener);
    }

    /** Adopts {@code config} when it is newer than the current one; returns whether it did. */
    public synchronized boolean offer(HubConfig config) {
        if (config.version() <= current.version()) {
            return false;
        }
        save(config);
        current = config;
        listeners.forEach(l -> l.accept(config));
        return true;
    }

    private void save(HubConfig config) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Written and forced to the SD card before the rename, and the rename forced too: after a power cut the
            // file holds either the old config or the whole new one, and an applied version is never forgotten.
            try (FileChannel out = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap(codec.encode(config)));
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot save hub config to " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<HubConfig> read(Path path, MessageCodec codec) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(Files.readAllBytes(path), HubConfig.class));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read hub config " + path + ": " + e.getMessage(), e);
        }
    }
}
