package io.nara.ingest.clinic;

import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n values is the value at rank ⌈p/100 · n⌉ of the
 * sorted values. It is always a duration that was actually observed, and needs no interpolation a reader would have
 * to know about. Pure.
 */
public final class Percentiles {

    private Percentiles() {}

    /** The p-th percentile (0 &lt; p ≤ 100) of the values; empty for no values. */
    public static OptionalLong of(Collection<Long> values, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        if (values.isEmpty()) {
            return OptionalLong.empty();
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return OptionalLong.of(sorted[Math.max(1, rank) - 1]);
    }
}
