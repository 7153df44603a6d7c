package io.nara.ingest.accesslog;

import java.util.Map;

/**
 * What an access-log action code means, in words the MAS reads, Swedish first. The codes are what the features write
 * ({@code patient.trends}, {@code alerts.stream}, ...); a code not listed here is shown as "other" with the code, so a
 * new feature's entries are never hidden. Pure.
 */
public final class AccessActions {

    /** An action in both languages. */
    public record Words(String sv, String en) {}

    private static final Map<String, Words> WORDS = Map.ofEntries(
            Map.entry("signin", new Words("Loggade in", "Signed in")),
            Map.entry("signin.failed", new Words("Misslyckad inloggning", "Failed sign-in")),
            Map.entry(
                    "signin.throttled",
                    new Words("Inloggning spärrad efter för många försök", "Sign-in blocked after too many attempts")),
            Map.entry("signout", new Words("Loggade ut", "Signed out")),
            Map.entry("password.changed", new Words("Bytte lösenord", "Changed the password")),
            Map.entry("password.throttled", new Words("Lösenordsbyte spärrat", "Password change blocked")),
            Map.entry("password.change.failed", new Words("Misslyckat lösenordsbyte", "Failed password change")),
            Map.entry("operator.added", new Words("Driftkonto skapat", "Operator account added")),
            Map.entry("inbox.list", new Words("Läste larmlistan", "Read the alert inbox")),
            Map.entry(
                    "inbox.auto-closed",
                    new Words("Läste automatiskt stängda larm", "Read the alerts closed automatically")),
            Map.entry("alerts.list", new Words("Läste larmlistan", "Read the alert list")),
            Map.entry("alerts.detail", new Words("Öppnade ett larm", "Opened an alert")),
            Map.entry("alerts.change", new Words("Ändrade ett larm", "Changed an alert")),
            Map.entry("alerts.stream", new Words("Fick larm direkt i larmlistan", "Received alerts live in the inbox")),
            Map.entry("alerts.refused", new Words("Nekades att läsa ett larm", "Refused to read an alert")),
            Map.entry("patient.overview", new Words("Öppnade patientsidan", "Opened the patient page")),
            Map.entry("patient.trends", new Words("Läste trender", "Read the trends")),
            Map.entry("patient.extract", new Words("Tog ut ett registerutdrag", "Took a register extract")),
            Map.entry(
                    "patient.erase",
                    new Words("Prövade radering av patientdata", "Checked an erasure of patient data")),
            Map.entry("patient.erase.refused", new Words("Radering nekad", "Erasure refused")),
            Map.entry("patient.erased", new Words("Raderade patientdata", "Erased patient data")),
            Map.entry("careplan.read", new Words("Läste vårdplanen", "Read the care plan")),
            Map.entry("careplan.history", new Words("Läste vårdplanens historik", "Read the care plan's history")),
            Map.entry("careplan.whatif", new Words("Provade en ändring av vårdplanen", "Tried a care-plan change")),
            Map.entry("admissions.list", new Words("Läste vårdtillfällen", "Read the hospital stays")),
            Map.entry("admissions.discharge", new Words("Registrerade en utskrivning", "Entered a discharge")),
            Map.entry("relatives.list", new Words("Läste anhöriga", "Read the relatives")),
            Map.entry("relatives.consent", new Words("Ändrade ett samtycke", "Changed a consent")),
            Map.entry("relative.view", new Words("Anhörig såg mätvärden", "A relative viewed readings")),
            Map.entry("relative.refused", new Words("Anhörig nekades", "A relative was refused")),
            Map.entry(
                    "relative.notified",
                    new Words("Anhörig underrättades om ett larm", "A relative was told of an alert")),
            Map.entry(
                    "relative.notify.cancelled",
                    new Words(
                            "Meddelande till anhörig stoppat (samtycke återkallat)",
                            "A message to a relative was stopped (consent withdrawn)")),
            Map.entry("relative.alarm", new Words("Anhörig larmade vården", "A relative raised the alarm")),
            Map.entry(
                    "relative.alarm.status",
                    new Words("Anhörig såg sitt larms läge", "A relative viewed where their alarm stands")),
            Map.entry(
                    "homecare.patients",
                    new Words("Hemtjänst läste sina patienter", "Home-care staff read their patients")),
            Map.entry(
                    "homecare.reports",
                    new Words("Hemtjänst läste sina rapporter", "Home-care staff read their own reports")),
            Map.entry(
                    "homecare.report",
                    new Words("Hemtjänst rapporterade en observation", "Home-care staff reported an observation")),
            Map.entry(
                    "homecare.task.done",
                    new Words("Hemtjänst markerade en uppgift som gjord", "Home-care staff marked a task done")),
            Map.entry(
                    "homecare.refused",
                    new Words(
                            "Hemtjänst nekades (ingen vårdrelation)",
                            "Home-care staff were refused (no care relation)")),
            Map.entry("delegations.list", new Words("Läste delegeringar", "Read the delegated tasks")),
            Map.entry("delegations.create", new Words("Delegerade en uppgift", "Delegated a task")),
            Map.entry("delegations.revoke", new Words("Återkallade en delegering", "Revoked a delegation")),
            Map.entry("worklist.list", new Words("Läste arbetslistan", "Read the worklist")),
            Map.entry("evaluation.read", new Words("Läste uppföljningen", "Read the evaluation")),
            Map.entry(
                    "evaluation.csv", new Words("Laddade ner uppföljningen (CSV)", "Downloaded the evaluation (CSV)")),
            Map.entry("enrolment.hub", new Words("Läste en hubbs inskrivning", "Read a hub's enrolment")),
            Map.entry("fleet.list", new Words("Läste hubblistan", "Read the fleet")),
            Map.entry("rejected.list", new Words("Läste avvisade meddelanden", "Read the refused messages")),
            Map.entry(
                    "unattributed.list", new Words("Läste ej tilldelade mätvärden", "Read the unattributed readings")),
            Map.entry("access-log.search", new Words("Sökte i åtkomstloggen", "Searched the access log")),
            Map.entry(
                    "fhir.Patient.read",
                    new Words("Journalsystem läste en patient", "A journal system read a patient")),
            Map.entry(
                    "fhir.Patient.search",
                    new Words("Journalsystem sökte patienter", "A journal system searched patients")),
            Map.entry(
                    "fhir.Encounter.create",
                    new Words(
                            "Sjukhusets system registrerade ett vårdtillfälle",
                            "The hospital's system entered a stay")),
            Map.entry(
                    "fhir.Encounter.update",
                    new Words(
                            "Sjukhusets system registrerade ett vårdtillfälle",
                            "The hospital's system entered a stay")),
            Map.entry("fhir.Device.read", new Words("Journalsystem läste en enhet", "A journal system read a device")),
            Map.entry(
                    "fhir.Device.search",
                    new Words("Journalsystem sökte enheter", "A journal system searched devices")),
            Map.entry(
                    "fhir.Observation.read",
                    new Words("Journalsystem läste ett mätvärde", "A journal system read a reading")),
            Map.entry(
                    "fhir.Observation.search",
                    new Words("Journalsystem sökte mätvärden", "A journal system searched readings")));

    private AccessActions() {}

    /** The action in words; an unknown code as "other" with the code. */
    public static Words of(String action) {
        Words words = WORDS.get(action);
        return words != null ? words : new Words("Annan åtgärd (" + action + ")", "Other action (" + action + ")");
    }
}
