package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireAtMost;
import static io.nara.protocol.Checks.requireNonNull;

import io.nara.protocol.Limits;
import io.nara.protocol.SchemaVersion;
import java.util.Collection;
import java.util.List;

/**
 * Topic {@code ack}: the sequence numbers the cloud has durably stored. The hub deletes exactly these from its outbox.
 *
 * <p>Ranges, not a single high-water mark: with a shared subscription one hub's messages are spread over several
 * ingest nodes, and none of them alone knows the highest contiguous number.
 */
public record Ack(int v, List<SeqRange> ranges) {

    public Ack {
        SchemaVersion.require(v);
        requireNonNull(ranges, "ranges");
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("ranges is empty");
        }
        requireAtMost(ranges, Limits.MAX_OBSERVATIONS_PER_BATCH, "ranges");
    }

    public static Ack of(Collection<Long> seqs) {
        return new Ack(SchemaVersion.CURRENT, SeqRange.covering(seqs));
    }
}
