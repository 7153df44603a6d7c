package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireAtMost;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireOutboxId;
import static io.nara.protocol.Checks.requirePositive;

import io.nara.protocol.Limits;
import io.nara.protocol.SchemaVersion;
import java.util.List;

/**
 * Topic {@code obs}: observations in ascending sequence order. {@code seqFrom} and {@code seqTo} are the first and
 * last sequence number in the batch; alerts share the sequence, so the range may have gaps. {@code outbox} names the
 * hub's outbox: a reinstalled hub starts a new one, and its sequence numbers start again.
 */
public record ObservationBatch(int v, String outbox, long seqFrom, long seqTo, List<Observation> observations) {

    public ObservationBatch {
        SchemaVersion.require(v);
        requireOutboxId(outbox);
        requirePositive(seqFrom, "seqFrom");
        requireNonNull(observations, "observations");
        observations = List.copyOf(observations);
        if (observations.isEmpty()) {
            throw new IllegalArgumentException("observations is empty");
        }
        requireAtMost(observations, Limits.MAX_OBSERVATIONS_PER_BATCH, "observations");
        long previous = 0;
        for (Observation o : observations) {
            if (o.seq() <= previous) {
                throw new IllegalArgumentException("observation seq " + o.seq() + " is not above " + previous);
            }
            previous = o.seq();
        }
        if (observations.get(0).seq() != seqFrom || previous != seqTo) {
            throw new IllegalArgumentException("seqFrom/seqTo " + seqFrom + ".." + seqTo
                    + " do not match the observations " + observations.get(0).seq() + ".." + previous);
        }
    }

    public static ObservationBatch of(String outbox, List<Observation> observations) {
        requireNonNull(observations, "observations");
        if (observations.isEmpty()) {
            throw new IllegalArgumentException("observations is empty");
        }
        return new ObservationBatch(
                SchemaVersion.CURRENT,
                outbox,
                observations.get(0).seq(),
                observations.get(observations.size() - 1).seq(),
                observations);
    }
}
