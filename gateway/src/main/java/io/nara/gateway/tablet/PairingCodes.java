package io.nara.gateway.tablet;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The hub's one pairing code for a tablet: six digits, valid ten minutes, replaced by a new one on request and used
 * once. Wrong codes are counted: after {@link #MAX_TRIES} in a row the hub answers nothing but "wait" for
 * {@link #PAUSE}, so the million codes cannot be tried from the home's network within a code's life. Pure (a clock
 * and a random source are given); not thread-safe: the hub's event loop owns it.
 */
public final class PairingCodes {

    public static final Duration VALID = Duration.ofMinutes(10);
    public static final int MAX_TRIES = 5;
    public static final Duration PAUSE = Duration.ofMinutes(5);

    /** A code the installer shows, for one patient. */
    public record Code(String digits, String patientId, Instant validUntil) {}

    /** The answer to a try: the patient the code was for when it was right, else why not. */
    public record Attempt(Outcome outcome, String patientId, Instant retryAfter) {}

    public enum Outcome {
        PAIRED,
        WRONG,
        EXPIRED,
        THROTTLED
    }

    private final Clock clock;
    private final RandomGenerator random;
    private Code current;
    private int wrongInARow;
    private Instant pausedUntil;

    public PairingCodes(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    public PairingCodes(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A new code for the patient; the one before stops working. */
    public Code issue(String patientId) {
        String digits = String.format("%06d", random.nextInt(1_000_000));
        current = new Code(digits, patientId, clock.instant().plus(VALID));
        return current;
    }

    /** The code in force, if one was issued and has not expired or been used. */
    public Optional<Code> current() {
        return current != null && clock.instant().isBefore(current.validUntil())
                ? Optional.of(current)
                : Optional.empty();
    }

    /** Tries a code a tablet sent; a right one is used up. */
    public Attempt attempt(String digits) {
        Instant now = clock.instant();
        if (pausedUntil != null && now.isBefore(pausedUntil)) {
            return new Attempt(Outcome.THROTTLED, null, pausedUntil);
        }
        String given = digits == null ? "" : digits.strip();
        boolean live = current != null && now.isBefore(current.validUntil());
        if (current != null && current.digits().equals(given)) {
            wrongInARow = 0;
            Code used = current;
            current = null;
            return live
                    ? new Attempt(Outcome.PAIRED, used.patientId(), null)
                    : new Attempt(Outcome.EXPIRED, null, null);
        }
        wrongInARow++;
        if (wrongInARow >= MAX_TRIES) {
            wrongInARow = 0;
            pausedUntil = now.plus(PAUSE);
            return new Attempt(Outcome.THROTTLED, null, pausedUntil);
        }
        return new Attempt(Outcome.WRONG, null, null);
    }
}
