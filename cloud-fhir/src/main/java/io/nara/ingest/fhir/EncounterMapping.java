package io.nara.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import io.nara.ingest.clinic.Admissions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * A hospital's FHIR R4 Encounter as a hospital stay Nära enters ({@link Admissions.HospitalStay}). Pure: no I/O.
 *
 * <p>Accepted: {@code status} {@code in-progress} (admitted, no discharge yet) or {@code finished} (discharged), an
 * {@code identifier} with system and value (the stay's identity: the same Encounter again changes nothing),
 * {@code period.start} and, when finished, {@code period.end}, both date-times with a zone; {@code subject} naming
 * the patient by {@code Patient/<Nära id>}, by identifier {@code urn:nara:patient}, or by personnummer or
 * samordningsnummer (the OIDs Nära's Patient carries, or Inera's {@code http://electronichealth.se/identifier/...});
 * optionally {@code hospitalization.dischargeDisposition}, {@code class} and {@code reasonCode}. Anything else is an
 * {@link Malformed} naming the element.
 */
public final class EncounterMapping {

    /** Encounter.status codes of R4; only two of them are a stay Nära enters. */
    static final Set<String> STATUSES = Set.of(
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown");

    static final String FINISHED = "finished";
    static final String IN_PROGRESS = "in-progress";
    public static final String DISPOSITION_SYSTEM = "http://terminology.hl7.org/CodeSystem/discharge-disposition";

    /** The national id systems a hospital may name the patient by: the OIDs, and Inera's URLs. */
    private static final Set<String> NATIONAL_ID_SYSTEMS = Set.of(
            "urn:oid:1.2.752.129.2.1.3.1",
            "urn:oid:1.2.752.129.2.1.3.3",
            "http://electronichealth.se/identifier/personnummer",
            "http://electronichealth.se/identifier/samordningsnummer");

    /** R4's discharge dispositions in Swedish and English, as the care contact reads them. */
    private static final Map<String, String> DISPOSITIONS = Map.ofEntries(
            Map.entry("home", "hem / home"),
            Map.entry("alt-home", "annat hem / alternative home"),
            Map.entry("other-hcf", "annan vårdinrättning / other healthcare facility"),
            Map.entry("hosp", "hospis / hospice"),
            Map.entry("long", "långtidsvård / long-term care"),
            Map.entry("aadvice", "lämnade mot råd / left against advice"),
            Map.entry("exp", "avliden / expired"),
            Map.entry("psy", "psykiatrisk vård / psychiatric hospital"),
            Map.entry("rehab", "rehabilitering / rehabilitation"),
            Map.entry("snf", "särskilt boende med sjuksköterska / skilled nursing facility"),
            Map.entry("oth", "annat / other"));

    /**
     * Dispositions after which the patient is not at home with the hub: the post-discharge rules would watch an empty
     * home (or a patient who died), so the plan is left as it is and the care contact told why.
     */
    private static final Set<String> NOT_HOME = Set.of("other-hcf", "hosp", "long", "exp", "psy", "rehab", "snf");

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /** What is wrong with the Encounter, naming the element (a 400 OperationOutcome). */
    public static final class Malformed extends IllegalArgumentException {
        public Malformed(String problem) {
            super(problem);
        }
    }

    /**
     * How the Encounter names the patient: {@code system} {@code urn:nara:patient} and Nära's id, or a national id
     * system and the number (digits only).
     */
    public record PatientRef(String system, String value) {
        public boolean naraId() {
            return FhirMapping.PATIENT_SYSTEM.equals(system);
        }
    }

    /**
     * The Encounter read: whom it concerns, the stay, whether the patient goes home (false for a disposition to
     * another facility or death; true when none was given), and the resource itself.
     */
    public record Parsed(PatientRef patient, Admissions.HospitalStay stay, boolean home, Encounter encounter) {}

    private EncounterMapping() {}

    /**
     * Reads the body of {@code POST /fhir/Encounter} ({@code urlId} null) or {@code PUT /fhir/Encounter/{urlId}}.
     *
     * @throws Malformed naming the problem
     */
    public static Parsed read(FhirContext fhir, String body, String urlId) {
        JsonObject json;
        try {
            json = new JsonObject(body == null ? "" : body);
        } catch (RuntimeException e) {
            throw new Malformed("the body is not a JSON object (an Encounter in application/fhir+json)");
        }
        Object type = json.getValue("resourceType");
        if (!"Encounter".equals(type)) {
            throw new Malformed("resourceType must be Encounter, was " + (type == null ? "missing" : "'" + type + "'"));
        }
        Object status = json.getValue("status");
        if (!(status instanceof String s) || !STATUSES.contains(s)) {
            throw new Malformed(
                    "status " + (status == null ? "is missing" : "'" + status + "' is not an Encounter status")
                            + "; Nära takes in-progress (admitted) or finished (discharged)");
        }
        if (!FINISHED.equals(status) && !IN_PROGRESS.equals(status)) {
            throw new Malformed("status '" + status + "' is not a stay Nära enters; it takes in-progress (admitted) or"
                    + " finished (discharged)");
        }
        IBaseResource parsed;
        try {
            parsed = fhir.newJsonParser().parseResource(body);
        } catch (DataFormatException e) {
            throw new Malformed("not a valid FHIR R4 Encounter: " + e.getMessage());
        }
        Encounter encounter = (Encounter) parsed;
        if (urlId != null) {
            checkUrlId(encounter, urlId);
        }
        Identifier identifier = encounter.getIdentifier().stream()
                .filter(i -> i.hasSystem() && i.hasValue())
                .findFirst()
                .orElseThrow(() ->
                        new Malformed("identifier (system and value: the hospital's own id of the stay) is missing"));
        Instant start = instant(encounter.getPeriod().getStartElement(), "period.start");
        Instant end = null;
        if (FINISHED.equals(status)) {
            end = instant(encounter.getPeriod().getEndElement(), "period.end");
            if (!end.isAfter(start)) {
                throw new Malformed("period.end " + end + " is not after period.start " + start);
            }
        } else if (encounter.getPeriod().hasEnd()) {
            throw new Malformed("an in-progress Encounter has no period.end (a finished one does)");
        }
        PatientRef patient = patient(encounter.getSubject());
        CodeableConcept disposition = encounter.getHospitalization().getDischargeDisposition();
        String dispositionCode = null;
        String dispositionText = null;
        boolean home = true;
        if (end != null && !disposition.isEmpty()) {
            Coding coding = disposition.getCoding().stream()
                    .filter(c -> DISPOSITION_SYSTEM.equals(c.getSystem()) && c.hasCode())
                    .findFirst()
                    .orElse(disposition.getCodingFirstRep());
            dispositionCode = coding.hasCode() ? coding.getCode() : null;
            boolean r4 = DISPOSITION_SYSTEM.equals(coding.getSystem()) && DISPOSITIONS.containsKey(dispositionCode);
            dispositionText = r4
                    ? DISPOSITIONS.get(dispositionCode)
                    : firstOf(disposition.getText(), coding.getDisplay(), dispositionCode);
            home = !(r4 && NOT_HOME.contains(dispositionCode));
        }
        String reason = encounter.getReasonCode().stream()
                .map(r -> firstOf(
                        r.getText(),
                        r.getCodingFirstRep().getDisplay(),
                        r.getCodingFirstRep().getCode()))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        Coding kind = encounter.getClass_();
        String encounterClass = kind.isEmpty() ? null : firstOf(kind.getCode(), kind.getDisplay(), null);
        return new Parsed(
                patient,
                new Admissions.HospitalStay(
                        identifier.getSystem(),
                        identifier.getValue(),
                        urlId,
                        start,
                        end,
                        reason,
                        encounterClass,
                        dispositionCode,
                        dispositionText),
                home,
                encounter);
    }

    private static void checkUrlId(Encounter encounter, String urlId) {
        if (!FHIR_ID.matcher(urlId).matches()) {
            throw new Malformed("Encounter/" + urlId + " is not a FHIR id ([A-Za-z0-9-.], at most 64)");
        }
        if (DIGITS.matcher(urlId).matches()) {
            throw new Malformed("Encounter/" + urlId + ": an id the hospital chooses must hold a character other than a"
                    + " digit (Nära gives numeric ids itself)");
        }
        if (encounter.hasIdElement() && !urlId.equals(encounter.getIdElement().getIdPart())) {
            throw new Malformed("the Encounter's id " + encounter.getIdElement().getIdPart() + " is not " + urlId
                    + ", the id in the URL");
        }
    }

    private static Instant instant(DateTimeType t, String element) {
        if (t == null || t.isEmpty()) {
            throw new Malformed(element + " is missing");
        }
        if (t.getPrecision().ordinal() < TemporalPrecisionEnum.MINUTE.ordinal() || t.getTimeZone() == null) {
            throw new Malformed(element + " must be a date-time with a zone, like 2026-12-01T10:00:00+01:00, was "
                    + t.getValueAsString());
        }
        return t.getValue().toInstant();
    }

    private static PatientRef patient(Reference subject) {
        if (subject.hasReferenceElement() && subject.getReferenceElement().hasIdPart()) {
            if (!"Patient".equals(subject.getReferenceElement().getResourceType())) {
                throw new Malformed("subject must be a Patient, was " + subject.getReference());
            }
            return new PatientRef(
                    FhirMapping.PATIENT_SYSTEM,
                    FhirMapping.naraId(subject.getReferenceElement().getIdPart()));
        }
        Identifier id = subject.getIdentifier();
        if (id.hasSystem() && id.hasValue()) {
            if (FhirMapping.PATIENT_SYSTEM.equals(id.getSystem())) {
                return new PatientRef(FhirMapping.PATIENT_SYSTEM, id.getValue());
            }
            if (NATIONAL_ID_SYSTEMS.contains(id.getSystem())) {
                return new PatientRef(id.getSystem(), id.getValue().replaceAll("[-+ ]", ""));
            }
            throw new Malformed("subject.identifier.system " + id.getSystem() + " is not one Nära knows the patient by"
                    + " (urn:nara:patient, personnummer or samordningsnummer)");
        }
        throw new Malformed("subject must name the patient: Patient/<id>, or an identifier (urn:nara:patient or the"
                + " personnummer http://electronichealth.se/identifier/personnummer)");
    }

    private static String firstOf(String a, String b, String c) {
        for (String s : new String[] {a, b, c}) {
            if (s != null && !s.isBlank()) {
                return s.strip();
            }
        }
        return null;
    }
}
