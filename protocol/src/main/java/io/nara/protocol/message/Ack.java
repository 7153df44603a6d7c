package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireAtMost;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireOutboxId;

import io.nara.protocol.Limits;
import io.nara.protocol.SchemaVersion;
import java.util.Collection;
import java.util.List;

/**
 * Topic {@code ack}: the sequence numbers the cloud has durably stored. The hub deletes exactly these from its outbox.
 *
 * <p>Ranges, not a single high-water mark: with a shared subscription one hub's messages are spread over several
 * ingest nodes, and none of them alone knows the highest contiguous number. {@code outbox} echoes the outbox the
 * acknowledged messages came from: a hub ignores an ack for another outbox (one queued for it before a reinstall),
 * which would otherwise delete new records that happen to have the same numbers.
 */
public record Ack(int v, String outbox, List<SeqRange> ranges) {

    public Ack {
        SchemaVersion.require(v);
        requireOutboxId(outbox);
        requireNonNull(ranges, "ranges");
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("ranges is empty");
        }
        requireAtMost(ranges, Limits.MAX_OBSERVATIONS_PER_BATCH, "ranges");
    }

    public static Ack of(String outbox, Collection<Long> seqs) {
        return new Ack(SchemaVersion.CURRENT, outbox, SeqRange.covering(seqs));
    }
}
