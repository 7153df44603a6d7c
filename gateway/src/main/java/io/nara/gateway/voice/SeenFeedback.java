package io.nara.gateway.voice;

import io.nara.gateway.gpio.HubSignals;
import io.nara.protocol.message.AlertSeen;
import io.nara.protocol.message.HubConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub does when the cloud says a person acknowledged an alert about one of its patients: the LED shows
 * "seen by a nurse" and, if a voice is configured, the hub says so. A message about a patient this hub does not serve,
 * or naming an alert this hub never raised, is logged and changes nothing; an old one (the retained message again
 * after a reconnect) or the same one twice is not told again.
 */
public final class SeenFeedback {

    private static final Logger LOG = LoggerFactory.getLogger(SeenFeedback.class);

    private final HubSignals signals;
    private final Voice voice;
    private final Duration shown;
    private AlertSeen last;

    /** @param voice null when the hub has no voice */
    public SeenFeedback(HubSignals signals, Voice voice, Duration shown) {
        this.signals = signals;
        this.voice = voice;
        this.shown = shown;
    }

    /**
     * Why a message is refused, or empty when it names an alert of this hub's patients.
     *
     * @param outboxId this hub's outbox
     * @param lastSeq  the last sequence number this outbox gave out
     */
    public static Optional<String> problem(AlertSeen seen, HubConfig config, String outboxId, long lastSeq) {
        if (!config.patients().contains(seen.patientId())) {
            return Optional.of("patient " + seen.patientId() + " is not served by this hub");
        }
        if (seen.hubRaised() && !seen.outbox().equals(outboxId)) {
            return Optional.of("outbox " + seen.outbox() + " is not this hub's (" + outboxId
                    + "); an alert of an earlier installation");
        }
        if (seen.hubRaised() && seen.seq() > lastSeq) {
            return Optional.of("alert " + seen.seq() + " was never raised here (the outbox has given out " + lastSeq
                    + " numbers)");
        }
        return Optional.empty();
    }

    /** Handles one message; {@code lastSeq} as for {@link #problem}. Returns whether the patient was told. */
    public synchronized boolean accept(AlertSeen seen, HubConfig config, String outboxId, long lastSeq, Instant now) {
        Optional<String> problem = problem(seen, config, outboxId, lastSeq);
        if (problem.isPresent()) {
            LOG.error("ignoring 'alert seen' from the cloud: {}", problem.get());
            return false;
        }
        if (seen.equals(last)) {
            return false; // the retained message again after a reconnect
        }
        if (seen.seenAt().isBefore(now.minus(shown))) {
            LOG.info("'alert seen' of {} is older than {}: not told again", seen.seenAt(), shown);
            last = seen;
            return false;
        }
        last = seen;
        LOG.info(
                "a {} acknowledged alert {} of patient {} at {}: telling the patient",
                seen.seenBy(),
                seen.hubRaised() ? seen.seq() : "(cloud)",
                seen.patientId(),
                seen.seenAt());
        signals.alertSeen();
        if (voice != null) {
            voice.say(List.of(seen.patientId()), Phrases.seen(seen.seenBy()));
        }
        return true;
    }
}
