package io.nara.ingest.rights;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Whether a patient's data may be erased now, and why not. Pure.
 *
 * <p>What Nära keeps of a patient is care documentation: Patientdatalagen (2008:355) 3 kap. 17 § keeps a record at
 * least ten years after its last entry, and only a decision of the Health and Social Care Inspectorate (IVO, 8 kap.
 * 4 §) destroys it earlier. So erasure needs both: monitoring has ended (the patient is in no household, so no hub
 * sends for her), and either the journal's retention period has passed since the last entry, or an IVO decision is
 * named. Everything else is refused with the reason, in Swedish and English.
 */
public final class ErasurePolicy {

    private static final ZoneId LOCAL = ZoneId.of("Europe/Stockholm");

    private ErasurePolicy() {}

    /**
     * What is known of the patient.
     *
     * @param monitored whether she is in a household now (a hub may still send for her)
     * @param lastEntry the newest thing recorded about her (reading, alert, trail step, plan, consent, stay); null
     *                  when nothing is
     */
    public record Facts(boolean monitored, Instant lastEntry) {}

    /** The answer: allowed with its legal basis, or refused with the reason. */
    public record Decision(boolean allowed, String basis, String refusal) {
        static Decision allow(String basis) {
            return new Decision(true, basis, null);
        }

        static Decision refuse(String refusal) {
            return new Decision(false, null, refusal);
        }
    }

    /**
     * @param journalRetention how long after the last entry the record is kept (at least ten years)
     * @param ivoDecision      the reference of an IVO decision to destroy the record, or null/blank
     */
    public static Decision decide(Facts facts, Instant now, Duration journalRetention, String ivoDecision) {
        if (facts.monitored()) {
            return Decision.refuse("övervakningen pågår: avsluta den först / monitoring has not ended: end it first");
        }
        if (ivoDecision != null && !ivoDecision.isBlank()) {
            return Decision.allow("IVO:s beslut " + ivoDecision.strip() + " (patientdatalagen 8 kap. 4 §) / decision "
                    + ivoDecision.strip() + " of IVO (Patient Data Act, ch. 8, s. 4)");
        }
        if (facts.lastEntry() == null
                || !facts.lastEntry().plus(journalRetention).isAfter(now)) {
            String last =
                    facts.lastEntry() == null ? "-" : day(facts.lastEntry()).toString();
            return Decision.allow("bevarandetiden har gått ut (senaste uppgift " + last + ", patientdatalagen 3 kap. "
                    + "17 §) / the retention period has passed (last entry " + last + ", Patient Data Act, ch. 3, "
                    + "s. 17)");
        }
        LocalDate until = day(facts.lastEntry().plus(journalRetention));
        LocalDate last = day(facts.lastEntry());
        return Decision.refuse("uppgifterna ska bevaras till " + until + " (" + journalRetention.toDays()
                + " dagar efter senaste uppgiften " + last + ", patientdatalagen 3 kap. 17 §); tidigare förstöring "
                + "kräver IVO:s beslut (8 kap. 4 §) / the record must be kept until " + until + " ("
                + journalRetention.toDays() + " days after the last entry on " + last + ", Patient Data Act, ch. 3, "
                + "s. 17); destroying it earlier needs a decision of IVO (ch. 8, s. 4)");
    }

    private static LocalDate day(Instant at) {
        return at.atZone(LOCAL).toLocalDate();
    }
}
