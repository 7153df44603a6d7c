package io.nara.protocol;

/** The schema version carried as {@code v} in every message. */
public final class SchemaVersion {

    /** The version this code writes and the only one it reads. */
    public static final int CURRENT = 1;

    private SchemaVersion() {}

    /** Called from every message's constructor, so an unknown version is refused with a clear reason. */
    public static void require(int v) {
        if (v != CURRENT) {
            throw new IllegalArgumentException("unsupported schema version " + v + "; this side speaks " + CURRENT);
        }
    }
}
