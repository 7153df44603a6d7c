package io.nara.gateway.update;

import io.nara.protocol.message.HubStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The updater's last word ({@code nara-hub-update} writes one line to {@code /var/lib/nara-hub-update/last-result}:
 * {@code TIME RESULT VERSION MESSAGE}), read as what the hub tells the cloud: a failed update (refused or rolled
 * back) while it is the last result; nothing once an update went through or was only postponed.
 */
public final class UpdateResult {

    private UpdateResult() {}

    /**
     * @param line the file's content (its first line counts)
     * @return the failed update, or empty when the last result was no failure
     * @throws IllegalArgumentException when the line is not the updater's format (named in the message)
     */
    public static Optional<HubStatus.FailedUpdate> failure(String line) {
        String first = line.strip().lines().findFirst().orElse("");
        String[] words = first.split(" ", 4);
        if (words.length < 3) {
            throw new IllegalArgumentException("not TIME RESULT VERSION MESSAGE: '" + first + "'");
        }
        Instant at;
        try {
            at = Instant.parse(words[0]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + words[0] + "' is not a UTC time", e);
        }
        HubStatus.FailedUpdate.Outcome outcome = switch (words[1]) {
            case "ROLLED_BACK" -> HubStatus.FailedUpdate.Outcome.ROLLED_BACK;
            case "REFUSED" -> HubStatus.FailedUpdate.Outcome.REFUSED;
            case "UPDATED", "POSTPONED" -> null;
            default -> throw new IllegalArgumentException("unknown result '" + words[1] + "'");
        };
        if (outcome == null) {
            return Optional.empty();
        }
        String reason = words.length == 4 && !words[3].isBlank() ? words[3].strip() : "no reason given";
        // A reason is one journal line, but keep a runaway one (apt's output) from swelling the status message.
        if (reason.length() > 500) {
            reason = reason.substring(0, 499) + "…";
        }
        return Optional.of(new HubStatus.FailedUpdate(words[2], outcome, reason, at));
    }
}
