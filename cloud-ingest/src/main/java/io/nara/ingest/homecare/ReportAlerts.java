package io.nara.ingest.homecare;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.episode.AlertEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a home-care staff member's report tells the nurse, as alerts (decision 0053). Pure.
 *
 * <ul>
 *   <li>A symptom the plan's rules judge: the alerts they raise, as the plan set them (chest pain URGENT, ...), the
 *       text naming who reported it.
 *   <li>A symptom no rule of the plan reads (or no plan at all): WARNING, {@link #UNJUDGED_RULE}: nobody has decided it
 *       is harmless, and a person saw it, so a nurse on duty must look, without waking anyone as URGENT would.
 *   <li>A symptom a rule reads but does not raise: INFO, {@link #NOTED_RULE}: the plan's author decided; the nurse
 *       still learns of it.
 *   <li>The staff member's own words ("något är fel"): always at least WARNING, {@link #CONCERN_RULE}: their worry is
 *       not for a rule to drop.
 * </ul>
 */
public final class ReportAlerts {

    /** The rule id of the staff member's own words. */
    public static final String CONCERN_RULE = "homecare-concern";
    /** The rule id of a symptom no rule of the plan reads. */
    public static final String UNJUDGED_RULE = "homecare-observation";
    /** The rule id of a symptom a rule reads but did not raise. */
    public static final String NOTED_RULE = "homecare-noted";

    private ReportAlerts() {}

    /** The symptoms staff may report: the vocabulary's, so the hub's tablet and staff speak the same codes. */
    public static Optional<ClinicalCode> symptom(String code) {
        return Vocabulary.SYMPTOMS.stream().filter(s -> s.code().equals(code)).findFirst();
    }

    /** "Rapporterat av hemtjänst: Lisa / Reported by home-care staff: Lisa" appended to each half of a message. */
    static String reportedBy(String message, String reporter) {
        int at = message.indexOf(" / ");
        String sv = at < 0 ? message : message.substring(0, at);
        String en = at < 0 ? message : message.substring(at + 3);
        return sv + " – Rapporterat av hemtjänst: " + reporter + " / " + en + " – Reported by home-care staff: "
                + reporter;
    }

    /** The alert of a rule's event, its text naming the reporter. */
    static Alert ofEvent(AlertEvent event, String reporter, Instant now) {
        Alert a = event.toAlert(1, now);
        return new Alert(
                1,
                a.patientId(),
                a.ruleId(),
                a.severity(),
                a.code(),
                a.value(),
                a.unit(),
                reportedBy(a.message(), reporter),
                now,
                a.observationSeq(),
                a.carePlanVersion(),
                a.respondFirst(),
                a.escalateAfter(),
                AlertStatus.RAISED,
                a.episode());
    }

    /**
     * The alert of a symptom the plan's rules raised nothing for: WARNING when no rule reads it (or there is no plan),
     * INFO when one does.
     */
    static Alert unjudged(
            String patientId, ClinicalCode symptom, long seq, Optional<CarePlan> plan, String reporter, Instant now) {
        boolean ruleReads = plan.map(
                        p -> p.allRules().stream().map(Rule::codes).anyMatch(codes -> codes.contains(symptom.code())))
                .orElse(false);
        String rule = ruleReads ? NOTED_RULE : UNJUDGED_RULE;
        return new Alert(
                1,
                patientId,
                rule,
                ruleReads ? Severity.INFO : Severity.WARNING,
                symptom.code(),
                1.0,
                Vocabulary.PRESENCE,
                reportedBy(symptom.swedish() + " / " + symptom.display(), reporter),
                now,
                seq,
                plan.map(CarePlan::version).orElse("none"),
                null,
                null,
                AlertStatus.RAISED,
                rule + "-" + symptom.code() + "@" + now);
    }

    /** The alert of the staff member's own words: WARNING, its own episode, the words in both halves. */
    static Alert concern(String patientId, String text, Optional<CarePlan> plan, String reporter, Instant now) {
        String words = text.strip();
        return new Alert(
                1,
                patientId,
                CONCERN_RULE,
                Severity.WARNING,
                null,
                null,
                null,
                reportedBy("Något är fel: " + words + " / Something is wrong: " + words, reporter),
                now,
                0,
                plan.map(CarePlan::version).orElse("none"),
                null,
                null,
                AlertStatus.RAISED,
                CONCERN_RULE + "@" + now);
    }

    /** The reports' symptoms, each known; a clear error naming the first unknown code. */
    static List<ClinicalCode> symptoms(List<String> codes) {
        return codes.stream()
                .map(code -> symptom(code)
                        .orElseThrow(() -> new IllegalArgumentException("okänt symtom / unknown symptom: " + code)))
                .distinct()
                .toList();
    }
}
