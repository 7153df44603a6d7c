package io.nara.ingest.rejected;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many refusals of one hub are kept and logged one by one: the first {@code perWindow} of each window; the rest are
 * only counted, and the count is reported once when the window has passed. A hub (or a client with its certificate)
 * sending junk then costs a few rows and log lines a minute, not one per message. Pure; one instance per ingest node,
 * shared by its lanes, which run on threads of their own (hence synchronized; refusals are rare).
 */
public final class RefusalLimiter {

    /** Refusals of a hub beyond the limit in a window that has passed. */
    public record Suppressed(String hubId, Instant windowStart, long count) {}

    private record Window(Instant start, int kept, long suppressed) {}

    private final int perWindow;
    private final Duration window;
    private final Map<String, Window> windows = new HashMap<>();
    private final List<Suppressed> unreported = new ArrayList<>();

    public RefusalLimiter(int perWindow, Duration window) {
        if (perWindow < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a limiter keeps at least one refusal per positive window");
        }
        this.perWindow = perWindow;
        this.window = window;
    }

    /** Whether this refusal of {@code hubId} (null: no hub) at {@code now} is kept one by one; otherwise counted. */
    public synchronized boolean keep(String hubId, Instant now) {
        String key = hubId == null ? "" : hubId;
        Window w = windows.get(key);
        if (w == null || !now.isBefore(w.start().plus(window))) {
            if (w != null && w.suppressed() > 0) {
                // Finished with a count not yet reported: left for drain(), never lost.
                return keepAfterUnreported(key, w, now);
            }
            windows.put(key, new Window(now, 1, 0));
            return true;
        }
        if (w.kept() < perWindow) {
            windows.put(key, new Window(w.start(), w.kept() + 1, w.suppressed()));
            return true;
        }
        windows.put(key, new Window(w.start(), w.kept(), w.suppressed() + 1));
        return false;
    }

    private boolean keepAfterUnreported(String key, Window finished, Instant now) {
        unreported.add(new Suppressed(key.isEmpty() ? null : key, finished.start(), finished.suppressed()));
        windows.put(key, new Window(now, 1, 0));
        return true;
    }

    /** The counts of windows that have passed by {@code now}, each reported once; quiet hubs are forgotten. */
    public synchronized List<Suppressed> drain(Instant now) {
        List<Suppressed> out = new ArrayList<>(unreported);
        unreported.clear();
        windows.entrySet().removeIf(e -> {
            Window w = e.getValue();
            if (now.isBefore(w.start().plus(window))) {
                return false;
            }
            if (w.suppressed() > 0) {
                out.add(new Suppressed(e.getKey().isEmpty() ? null : e.getKey(), w.start(), w.suppressed()));
            }
            return true;
        });
        return out;
    }
}
