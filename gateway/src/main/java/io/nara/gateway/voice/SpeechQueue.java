package io.nara.gateway.voice;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * What waits to be said, bounded: a hub whose sound device hangs must not collect sentences for hours and then say
 * them all. When full, the oldest reminder gives way (another comes), then the oldest confirmation; "the nurse saw
 * your alarm" gives way only to a newer one of its kind. Not thread-safe: its owner synchronises.
 */
public final class SpeechQueue {

    private final int capacity;
    private final Deque<Utterance> waiting = new ArrayDeque<>();

    public SpeechQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Adds one; returns the one that gave way, if the queue was full. */
    public Optional<Utterance> offer(Utterance u) {
        Optional<Utterance> dropped = Optional.empty();
        if (waiting.size() >= capacity) {
            dropped = removeOldest(Utterance.Kind.REMINDER)
                    .or(() -> removeOldest(Utterance.Kind.CONFIRMATION))
                    .or(() -> Optional.of(waiting.removeFirst()));
        }
        waiting.addLast(u);
        return dropped;
    }

    public Optional<Utterance> poll() {
        return Optional.ofNullable(waiting.pollFirst());
    }

    public int size() {
        return waiting.size();
    }

    private Optional<Utterance> removeOldest(Utterance.Kind kind) {
        for (Iterator<Utterance> it = waiting.iterator(); it.hasNext(); ) {
            Utterance u = it.next();
            if (u.kind() == kind) {
                it.remove();
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}
