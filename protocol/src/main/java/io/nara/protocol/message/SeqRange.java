package io.nara.protocol.message;

import static io.nara.protocol.Checks.requirePositive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An inclusive range of outbox sequence numbers. */
public record SeqRange(long from, long to) {

    public SeqRange {
        requirePositive(from, "from");
        if (to < from) {
            throw new IllegalArgumentException("range " + from + ".." + to + " ends before it starts");
        }
    }

    public boolean contains(long seq) {
        return seq >= from && seq <= to;
    }

    /** The fewest ranges that cover exactly the given sequence numbers. */
    public static List<SeqRange> covering(Collection<Long> seqs) {
        List<Long> sorted = seqs.stream().distinct().sorted().toList();
        List<SeqRange> ranges = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            long start = sorted.get(i);
            long end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) {
                end = sorted.get(++i);
            }
            ranges.add(new SeqRange(start, end));
            i++;
        }
        return List.copyOf(ranges);
    }
}
