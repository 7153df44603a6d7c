package io.nara.load.fleet;

import java.util.Arrays;

/**
 * Latency samples in microseconds, for percentiles at the end of a run or of a reporting interval. Thread-safe; the
 * simulator records at most a few thousand samples a second, so a lock is cheaper than a histogram library.
 */
final class Latencies {

    private long[] samples = new long[1024];
    private int count;

    synchronized void record(long micros) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = micros;
    }

    /** The samples recorded since the last drain, sorted; the recorder starts again empty. */
    synchronized Summary drain() {
        long[] sorted = Arrays.copyOf(samples, count);
        count = 0;
        Arrays.sort(sorted);
        return new Summary(sorted);
    }

    /** Percentiles of sorted samples, in milliseconds. */
    record Summary(long[] sorted) {

        int count() {
            return sorted.length;
        }

        double percentileMillis(double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1000.0;
        }

        Summary merge(Summary other) {
            long[] both = Arrays.copyOf(sorted, sorted.length + other.sorted.length);
            System.arraycopy(other.sorted, 0, both, sorted.length, other.sorted.length);
            Arrays.sort(both);
            return new Summary(both);
        }

        static Summary empty() {
            return new Summary(new long[0]);
        }
    }
}
