package io.nara.rules.silence;

import io.nara.protocol.careplan.Rule;
import java.time.Instant;

/**
 * A cloud-side rule that holds now.
 *
 * @param rule         the rule
 * @param subject      the device it is about; null for the patient or the hub as a whole
 * @param episodeStart when the silence began: the same on every ingest node that looks, so the alert's identity
 *                     (patient, rule, subject, start) keeps it idempotent
 * @param detail       the numbers, for the nurse
 */
public record SilenceFinding(Rule rule, String subject, Instant episodeStart, String detail) {

    /** The episode id in alerts, like the hub's: key@start. */
    public String episodeId() {
        return rule.episodeKey() + (subject == null ? "" : "/" + subject) + "@" + episodeStart;
    }

    public String message() {
        return detail == null ? rule.message() : rule.message() + " (" + detail + ")";
    }
}
