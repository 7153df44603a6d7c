package io.nara.protocol.message;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireOutboxId;
import static io.nara.protocol.Checks.requireStorableTime;
import static io.nara.protocol.Checks.requireText;

import io.nara.protocol.Limits;
import io.nara.protocol.SchemaVersion;
import java.time.Instant;

/**
 * Topic {@code alertseen} (cloud to hub, retained): a person acknowledged an alert about a patient of this hub, so the
 * hub can tell the patient that someone saw it (the LED's "seen by a nurse", a spoken sentence).
 *
 * <p>It names the alert the way the hub knows it: the hub's own {@code outbox} and {@code seq} (and the
 * {@code episode}) when the hub raised it, none of them for an alert the cloud raised (then only the patient). It says
 * what kind of person saw it, never who: the hub is in the patient's home and has no use for a name.
 *
 * @param patientId the patient the alert is about
 * @param outbox    the outbox of the hub that raised it; null for an alert the cloud raised
 * @param seq       the alert's sequence number in that outbox; null exactly when {@code outbox} is
 * @param episode   the alert's episode; null when it has none
 * @param seenAt    when the person acknowledged it (the cloud's clock)
 * @param seenBy    the kind of person: a nurse or a doctor
 */
public record AlertSeen(
        int v, String patientId, String outbox, Long seq, String episode, Instant seenAt, SeenBy seenBy) {

    /** Who acknowledged, as the patient is told: "sjuksköterskan" or "läkaren". */
    public enum SeenBy {
        NURSE,
        DOCTOR
    }

    public AlertSeen {
        SchemaVersion.require(v);
        requireText(patientId, "patientId");
        if (outbox != null) {
            requireOutboxId(outbox);
        }
        if ((outbox == null) != (seq == null)) {
            throw new IllegalArgumentException(
                    "outbox and seq name a hub's alert together: give both (an alert the hub raised) or neither"
                            + " (an alert the cloud raised)");
        }
        if (seq != null && seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        optionalText(episode, "episode");
        requireNonNull(seenAt, "seenAt");
        requireStorableTime(seenAt, "seenAt", Limits.EARLIEST_TIME);
        requireNonNull(seenBy, "seenBy");
    }

    /** A hub's own alert, seen. */
    public static AlertSeen ofHubAlert(
            String patientId, String outbox, long seq, String episode, Instant seenAt, SeenBy seenBy) {
        return new AlertSeen(SchemaVersion.CURRENT, patientId, outbox, seq, episode, seenAt, seenBy);
    }

    /** An alert the cloud raised about the patient, seen. */
    public static AlertSeen ofCloudAlert(String patientId, String episode, Instant seenAt, SeenBy seenBy) {
        return new AlertSeen(SchemaVersion.CURRENT, patientId, null, null, episode, seenAt, seenBy);
    }

    /** Whether the hub raised the alert (else the cloud did). */
    public boolean hubRaised() {
        return outbox != null;
    }
}
