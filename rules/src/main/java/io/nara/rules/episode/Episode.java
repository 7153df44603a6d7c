package io.nara.rules.episode;

import io.nara.protocol.message.Severity;
import java.time.Instant;

/**
 * An open episode: something is wrong and the nurse has been told once.
 *
 * @param key      the episode key: the rules' episode name, for device rules with "/deviceId"
 * @param id       the episode's id in alerts: key@time#seq of the reading that opened it, the same on every replay
 * @param ruleId   the worst rule that held so far
 * @param severity its severity; only ever rises while the episode is open
 * @param openedAt the time of the reading that opened it
 * @param reference for a rise over a window: the low value the rise was measured from. While the episode is open it
 *                  stays the reference, so the alert resolves when the weight comes back down, not merely because
 *                  the window slid past the low; null for other rules
 */
public record Episode(String key, String id, String ruleId, Severity severity, Instant openedAt, Double reference) {}
