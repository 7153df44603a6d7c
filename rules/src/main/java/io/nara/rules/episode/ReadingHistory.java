package io.nara.rules.episode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The readings of one patient that the rules look back on, per code in time order. Immutable: {@link #with} returns a
 * new history, so an evaluation can be thrown away (a rolled-back transaction) without undoing anything.
 */
public final class ReadingHistory {

    /**
     * Time order; readings of one device at the same instant by sequence number, so of two the later received counts
     * as the latest (ordering them by value instead would let a normal reading mask a low one taken the same second).
     */
    private static final Comparator<Reading> ORDER =
            Comparator.comparing(Reading::time).thenComparing(Reading::deviceId).thenComparingLong(Reading::seq);

    private static final Reading[] NONE = new Reading[0];

    private final Map<String, Reading[]> byCode;

    private ReadingHistory(Map<String, Reading[]> byCode) {
        this.byCode = byCode;
    }

    public static ReadingHistory empty() {
        return new ReadingHistory(Map.of());
    }

    /** A history of these readings; a device's re-sent records count once. */
    public static ReadingHistory of(Collection<Reading> readings) {
        Map<String, List<Reading>> lists = new HashMap<>();
        for (Reading r : readings) {
            lists.computeIfAbsent(r.code(), c -> new ArrayList<>()).add(r);
        }
        Map<String, Reading[]> byCode = new HashMap<>();
        lists.forEach((code, list) -> {
            list.sort(ORDER);
            List<Reading> unique = new ArrayList<>(list.size());
            for (Reading r : list) {
                boolean seen = false;
                for (int j = unique.size() - 1; j >= 0 && unique.get(j).time().equals(r.time()); j--) {
                    seen |= unique.get(j).sameRecord(r);
                }
                if (!seen) {
                    unique.add(r);
                }
            }
            byCode.put(code, unique.toArray(NONE));
        });
        return new ReadingHistory(byCode);
    }

    public boolean contains(Reading reading) {
        Reading[] list = byCode.getOrDefault(reading.code(), NONE);
        int i = Arrays.binarySearch(list, reading, Comparator.comparing(Reading::time));
        if (i < 0) {
            return false;
        }
        // Several readings may share a time (two devices); look both ways. The time bound only ends the scan early
        // (sameRecord compares the time itself), so dropping it changes no answer: an equivalent mutant.
        for (int j = i; j >= 0 && list[j].time().equals(reading.time()); j--) {
            if (list[j].sameRecord(reading)) {
                return true;
            }
        }
        for (int j = i + 1; j < list.length && list[j].time().equals(reading.time()); j++) {
            if (list[j].sameRecord(reading)) {
                return true;
            }
        }
        return false;
    }

    public ReadingHistory with(Reading reading) {
        Reading[] old = byCode.getOrDefault(reading.code(), NONE);
        // Found (at >= 0) only for a reading with the time, device and sequence number of one already kept, which the
        // hub never sends (sequence numbers are unique per hub): mutants of the sign test are not observable.
        int at = Arrays.binarySearch(old, reading, ORDER);
        int insert = at < 0 ? -at - 1 : at;
        Reading[] list = new Reading[old.length + 1];
        System.arraycopy(old, 0, list, 0, insert);
        list[insert] = reading;
        System.arraycopy(old, insert, list, insert + 1, old.length - insert);
        Map<String, Reading[]> copy = new HashMap<>(byCode);
        copy.put(reading.code(), list);
        return new ReadingHistory(copy);
    }

    /**
     * This history without readings older than {@code since}, and with at most the newest {@code maxPerCode} of each
     * signal: what a hub keeps so memory and evaluation stay bounded under a continuous stream.
     */
    public ReadingHistory trimmed(Instant since, int maxPerCode) {
        Map<String, Reading[]> kept = new HashMap<>();
        byCode.forEach((code, list) -> {
            int from = Math.max(0, list.length - maxPerCode);
            while (from < list.length && list[from].time().isBefore(since)) {
                from++;
            }
            // Sharing the array when nothing is trimmed only saves a copy (equivalent mutants).
            kept.put(code, from == 0 ? list : Arrays.copyOfRange(list, from, list.length));
        });
        return new ReadingHistory(kept);
    }

    /** The readings of {@code code} in time order (oldest first); do not modify. */
    Reading[] of(String code) {
        return byCode.getOrDefault(code, NONE);
    }

    /** The newest usable reading of {@code code}, or null. */
    public Reading latestUsable(String code) {
        Reading[] list = of(code);
        for (int i = list.length - 1; i >= 0; i--) {
            if (list[i].usable()) {
                return list[i];
            }
        }
        return null;
    }

    /**
     * The readings of one device, any code, oldest first, covering at least its last {@code times} distinct reading
     * times. Walks each code from the newest end only, so it costs the same with 90 days of history as with a week.
     */
    List<Reading> ofDevice(String deviceId, int times) {
        // The bound on distinct times only limits the work: judgeDevice counts the last attempts itself, so returning
        // more of the device's readings changes nothing (the mutants of this bound are equivalent).
        List<Reading> mine = new ArrayList<>();
        for (Reading[] list : byCode.values()) {
            int distinct = 0;
            Instant last = null;
            for (int i = list.length - 1; i >= 0; i--) {
                Reading r = list[i];
                if (!r.deviceId().equals(deviceId)) {
                    continue;
                }
                if (!r.time().equals(last)) {
                    if (distinct == times) {
                        break;
                    }
                    distinct++;
                    last = r.time();
                }
                mine.add(r);
            }
        }
        mine.sort(ORDER);
        return mine;
    }

    /** The newest time of any reading of {@code code}, or null. */
    public Instant latestTime(String code) {
        Reading[] list = of(code);
        return list.length == 0 ? null : list[list.length - 1].time();
    }

    public int size() {
        int n = 0;
        for (Reading[] list : byCode.values()) {
            n += list.length;
        }
        return n;
    }
}
