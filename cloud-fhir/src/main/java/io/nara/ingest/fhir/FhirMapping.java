package io.nara.ingest.fhir;

import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Nära's readings, patients and devices as FHIR R4 resources. Pure: no I/O.
 *
 * <p>A vital sign declares the R4 vital-signs profile and, where R4 has one, the signal's own profile (bodyweight,
 * heartrate, oxygensat, ...). Laboratory results (NT-proBNP, potassium, ...) are category {@code laboratory}: no
 * vital-signs profile applies to them. A failed or implausible measurement has {@code dataAbsentReason} and no value.
 */
public final class FhirMapping {

    public static final String LOINC = "http://loinc.org";
    public static final String UCUM = "http://unitsofmeasure.org";
    /** The identifier system of a reading; the value is {@code <hubId>/<outbox>/<seq>}, stable for ever. */
    public static final String OBSERVATION_SYSTEM = "urn:nara:observation";

    public static final String PATIENT_SYSTEM = "urn:nara:patient";
    public static final String DEVICE_SYSTEM = "urn:nara:device";
    public static final String VITAL_SIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    public static final String BLOOD_PRESSURE = "http://hl7.org/fhir/StructureDefinition/bp";
    private static final String PANEL_DISPLAY = "Blood pressure panel with all children optional";
    private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final String DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final String HEX_ID = "h-";
    private static final Pattern OBSERVATION_ID =
            Pattern.compile("[0-9a-f]{32}-[1-9][0-9]{0,18}(-" + BloodPressurePanels.SUFFIX + ")?");

    /** The vital signs and the R4 profile of each beyond the generic one (null: the generic one only). */
    private static final Map<String, String> VITAL_SIGN_PROFILES = Map.of(
            Vocabulary.BODY_WEIGHT.code(), "http://hl7.org/fhir/StructureDefinition/bodyweight",
            Vocabulary.BODY_HEIGHT.code(), "http://hl7.org/fhir/StructureDefinition/bodyheight",
            Vocabulary.BMI.code(), "http://hl7.org/fhir/StructureDefinition/bmi",
            Vocabulary.HEART_RATE.code(), "http://hl7.org/fhir/StructureDefinition/heartrate",
            Vocabulary.SPO2.code(), "http://hl7.org/fhir/StructureDefinition/oxygensat",
            Vocabulary.BODY_TEMPERATURE.code(), "http://hl7.org/fhir/StructureDefinition/bodytemp",
            Vocabulary.SYSTOLIC.code(), "",
            Vocabulary.DIASTOLIC.code(), "",
            Vocabulary.MEAN_ARTERIAL_PRESSURE.code(), "");
    /** The oxygensat profile fixes LOINC 2708-6; the pulse-oximetry code 59408-5 goes beside it. */
    private static final Coding OXYGEN_SATURATION = new Coding(LOINC, "2708-6", "Oxygen saturation in Arterial blood");

    private FhirMapping() {}

    /** Whether a LOINC code is a vital sign (as opposed to a laboratory result). */
    public static boolean vitalSign(String loinc) {
        return VITAL_SIGN_PROFILES.containsKey(loinc);
    }

    /** The profiles an Observation of this code declares; empty for laboratory results. */
    public static List<String> profiles(String loinc) {
        String specific = VITAL_SIGN_PROFILES.get(loinc);
        if (specific == null) {
            return List.of();
        }
        return specific.isEmpty() ? List.of(VITAL_SIGNS) : List.of(VITAL_SIGNS, specific);
    }

    /** The Observation of a search's or the push's entry: a single reading, or a cuff reading's panel. */
    public static Observation observation(BloodPressurePanels.Entry entry) {
        if (entry instanceof BloodPressurePanels.Panel p) {
            return panel(p);
        }
        return observation(((BloodPressurePanels.Single) entry).reading());
    }

    public static Observation observation(Reading r) {
        requireExportable(r);
        Observation o = new Observation();
        o.setId(observationId(r.outbox(), r.seq()));
        profiles(r.code()).forEach(p -> o.getMeta().addProfile(p));
        o.addIdentifier(new Identifier().setSystem(OBSERVATION_SYSTEM).setValue(identifierValue(r)));
        o.setStatus(
                r.flags().contains(ObservationFlag.PRELIMINARY)
                        ? Observation.ObservationStatus.PRELIMINARY
                        : Observation.ObservationStatus.FINAL);
        o.addCategory(category(r.code()));
        o.setCode(code(r.code()));
        o.setSubject(new Reference("Patient/" + resourceId(r.patientId())));
        o.setEffective(new DateTimeType(Date.from(r.time())));
        o.setIssued(Date.from(r.received()));
        o.setDevice(new Reference("Device/" + resourceId(r.deviceId())));
        if (symptom(r.code())) {
            // A finding is there or not: a boolean, not a quantity with a made-up unit.
            absentReason(r).ifPresentOrElse(o::setDataAbsentReason, () -> o.setValue(new BooleanType(r.value() != 0)));
        } else {
            absentReason(r).ifPresentOrElse(o::setDataAbsentReason, () -> o.setValue(value(r)));
        }
        qualityNote(r, "").ifPresent(text -> o.addNote().setText(text));
        return o;
    }

    private static boolean symptom(String code) {
        return Vocabulary.byCode(code).filter(ClinicalCode::symptom).isPresent();
    }

    /** A vital sign, a laboratory result, or a symptom the patient or home-care staff reported (a survey answer). */
    private static CodeableConcept category(String code) {
        if (symptom(code)) {
            return new CodeableConcept(new Coding(CATEGORY, "survey", "Survey"));
        }
        boolean vital = vitalSign(code);
        return new CodeableConcept(
                new Coding(CATEGORY, vital ? "vital-signs" : "laboratory", vital ? "Vital Signs" : "Laboratory"));
    }

    /**
     * A cuff reading as R4's blood-pressure panel (profile {@code bp}): code 85354-9, no value of its own, systolic and
     * diastolic as components (the profile's required slices) and the mean pressure as a third when the cuff sent one
     * (the profile's component slicing is open). A failed or implausible part has {@code dataAbsentReason} on its
     * component and no number, as a single reading would.
     */
    static Observation panel(BloodPressurePanels.Panel p) {
        List<Reading> parts = p.readings();
        parts.forEach(FhirMapping::requireExportable);
        Reading systolic = p.systolic();
        Observation o = new Observation();
        o.setId(p.observationId());
        o.getMeta().addProfile(VITAL_SIGNS);
        o.getMeta().addProfile(BLOOD_PRESSURE);
        o.addIdentifier(new Identifier().setSystem(OBSERVATION_SYSTEM).setValue(p.identifierValue()));
        o.setStatus(
                parts.stream().anyMatch(r -> r.flags().contains(ObservationFlag.PRELIMINARY))
                        ? Observation.ObservationStatus.PRELIMINARY
                        : Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(CATEGORY, "vital-signs", "Vital Signs")));
        o.setCode(new CodeableConcept(new Coding(LOINC, BloodPressurePanels.PANEL, PANEL_DISPLAY))
                .setText(PANEL_DISPLAY));
        o.setSubject(new Reference("Patient/" + resourceId(systolic.patientId())));
        o.setEffective(new DateTimeType(Date.from(systolic.time())));
        // Issued when the last of its values reached the hub: the panel was not whole before.
        o.setIssued(Date.from(
                parts.stream().map(Reading::received).max(Instant::compareTo).orElseThrow()));
        o.setDevice(new Reference("Device/" + resourceId(systolic.deviceId())));
        for (Reading r : List.of(systolic, p.diastolic())) {
            component(o, r);
        }
        if (p.mean() != null) {
            component(o, p.mean());
        }
        for (Reading r : parts) {
            qualityNote(
                            r,
                            Vocabulary.byCode(r.code())
                                            .map(ClinicalCode::display)
                                            .orElse(r.code()) + ": ")
                    .ifPresent(text -> o.addNote().setText(text));
        }
        return o;
    }

    private static void component(Observation o, Reading r) {
        Observation.ObservationComponentComponent c = o.addComponent().setCode(code(r.code()));
        absentReason(r).ifPresentOrElse(c::setDataAbsentReason, () -> c.setValue(value(r)));
    }

    private static void requireExportable(Reading r) {
        if (!r.exportable()) {
            throw new IllegalArgumentException("reading " + identifierValue(r) + " is not the data of a known patient");
        }
    }

    /**
     * Why a reading has no value: a failed measurement, or an implausible one (the journal must not chart a device
     * error or a 0 kg weight as the patient's value). Empty when the value stands.
     */
    private static Optional<CodeableConcept> absentReason(Reading r) {
        boolean implausible = r.flags().contains(ObservationFlag.IMPLAUSIBLE);
        if (!r.failed() && !implausible) {
            return Optional.empty();
        }
        return Optional.of(new CodeableConcept(new Coding(DATA_ABSENT, "error", "Error"))
                .setText(
                        r.failed()
                                ? "Mätningen misslyckades / the measurement failed"
                                : "Orimligt värde från mätaren / implausible value from the device: " + r.value() + " "
                                        + r.unit()));
    }

    /** The value of a reading that has one ({@link #absentReason} empty), with the measuring range's comparator. */
    private static Quantity value(Reading r) {
        Quantity q = quantity(r.code(), r.value(), r.unit());
        if (r.flags().contains(ObservationFlag.ABOVE_MEASURING_RANGE)) {
            q.setComparator(Quantity.QuantityComparator.GREATER_OR_EQUAL);
        } else if (r.flags().contains(ObservationFlag.BELOW_MEASURING_RANGE)) {
            q.setComparator(Quantity.QuantityComparator.LESS_OR_EQUAL);
        }
        return q;
    }

    /** The quality flags the Observation does not say otherwise, as a note; empty when there are none. */
    private static Optional<String> qualityNote(Reading r, String prefix) {
        Set<ObservationFlag> noted = r.flags().stream()
                .filter(f -> f != ObservationFlag.MEASUREMENT_FAILED && f != ObservationFlag.CONTINUOUS_SAMPLE)
                .collect(Collectors.toSet());
        if (noted.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Nära quality flags: " + prefix
                + noted.stream().map(Enum::name).sorted().collect(Collectors.joining(", ")));
    }

    /**
     * The value in the unit the code's R4 profile requires: the bodyheight profile binds its unit to cm or [in_i], and
     * Nära stores height in m. Every other unit Nära stores is what the profiles accept.
     */
    static Quantity quantity(String loinc, double value, String unit) {
        if (loinc.equals(Vocabulary.BODY_HEIGHT.code()) && unit.equals("m")) {
            return quantity(loinc, BigDecimal.valueOf(value).movePointRight(2).doubleValue(), "cm");
        }
        return new Quantity()
                .setValue(BigDecimal.valueOf(value))
                .setUnit(unit)
                .setSystem(UCUM)
                .setCode(unit);
    }

    /**
     * The Observation as it goes to another server: no id of ours (the server assigns its own), and the patient and
     * device as logical references by identifier, since our Patient/x and Device/y do not exist there.
     */
    public static Observation forPush(Observation o) {
        Observation out = o.copy();
        out.setIdElement(null);
        out.setSubject(logical(
                "Patient",
                PATIENT_SYSTEM,
                naraId(o.getSubject().getReferenceElement().getIdPart())));
        out.setDevice(logical(
                "Device",
                DEVICE_SYSTEM,
                naraId(o.getDevice().getReferenceElement().getIdPart())));
        return out;
    }

    private static Reference logical(String type, String system, String value) {
        return new Reference()
                .setType(type)
                .setIdentifier(new Identifier().setSystem(system).setValue(value));
    }

    public static Patient patient(String patientId, String name) {
        return patient(patientId, name, null, null);
    }

    /**
     * A Patient with Nära's id and, when enrolled with one, the national identifier a journal system matches on
     * (personnummer {@code urn:oid:1.2.752.129.2.1.3.1}, samordningsnummer {@code urn:oid:1.2.752.129.2.1.3.3}).
     */
    public static Patient patient(String patientId, String name, String nationalSystem, String nationalId) {
        Patient p = new Patient();
        p.setId(resourceId(patientId));
        p.addIdentifier(new Identifier().setSystem(PATIENT_SYSTEM).setValue(patientId));
        if (nationalSystem != null && nationalId != null) {
            p.addIdentifier(new Identifier()
                    .setUse(Identifier.IdentifierUse.OFFICIAL)
                    .setSystem(nationalSystem)
                    .setValue(nationalId));
        }
        p.setActive(true);
        p.addName(new HumanName().setText(name));
        return p;
    }

    /**
     * @param model     the device catalogue's model id, or null when no binding names it
     * @param patientId the one patient the device measures; null for a device shared by several, which names none
     */
    public static Device device(String deviceId, String model, String patientId) {
        Device d = new Device();
        d.setId(resourceId(deviceId));
        d.addIdentifier(new Identifier().setSystem(DEVICE_SYSTEM).setValue(deviceId));
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        if (model != null) {
            d.setModelNumber(model);
        }
        if (patientId != null) {
            d.setPatient(new Reference("Patient/" + resourceId(patientId)));
        }
        return d;
    }

    private static CodeableConcept code(String loinc) {
        Optional<ClinicalCode> known = Vocabulary.byCode(loinc);
        CodeableConcept c = new CodeableConcept();
        if (loinc.equals(Vocabulary.SPO2.code())) {
            c.addCoding(OXYGEN_SATURATION.copy());
        }
        String system = known.map(k -> k.system().uri()).orElse(LOINC);
        c.addCoding(new Coding(system, loinc, known.map(ClinicalCode::display).orElse(null)));
        c.setText(known.map(ClinicalCode::display).orElse(loinc));
        return c;
    }

    /** {@code <hubId>/<outbox>/<seq>}: the reading's identity everywhere in Nära. */
    public static String identifierValue(Reading r) {
        return r.hubId() + "/" + r.outbox() + "/" + r.seq();
    }

    /**
     * An Observation's id: the outbox (a UUID, unique to one hub's outbox) without dashes, and the seq. At most 52
     * characters, within FHIR's 64, whatever the hub id's length.
     */
    public static String observationId(String outbox, long seq) {
        return outbox.replace("-", "") + "-" + seq;
    }

    /**
     * What an Observation id names: the reading with this outbox and seq, or (panel) the blood-pressure panel whose
     * systolic reading it is.
     */
    public record ObservationKey(String outbox, long seq, boolean panel) {}

    /** The key of an Observation id; empty when it is not one of ours. */
    public static Optional<ObservationKey> parseObservationId(String id) {
        if (id == null || !OBSERVATION_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        String hex = id.substring(0, 32);
        boolean panel = id.endsWith("-" + BloodPressurePanels.SUFFIX);
        String seq = id.substring(33, panel ? id.length() - BloodPressurePanels.SUFFIX.length() - 1 : id.length());
        try {
            String outbox = new UUID(
                            Long.parseUnsignedLong(hex.substring(0, 16), 16),
                            Long.parseUnsignedLong(hex.substring(16), 16))
                    .toString();
            return Optional.of(new ObservationKey(outbox, Long.parseLong(seq), panel));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A Nära id (patient, device) as a FHIR id: as it is when FHIR allows it, else hex-encoded (e.g. a MAC). */
    public static String resourceId(String naraId) {
        if (FHIR_ID.matcher(naraId).matches() && !naraId.startsWith(HEX_ID)) {
            return naraId;
        }
        String hex = HEX_ID + HexFormat.of().formatHex(naraId.getBytes(StandardCharsets.UTF_8));
        if (hex.length() > 64) {
            throw new IllegalArgumentException("id '" + naraId + "' is too long for a FHIR id");
        }
        return hex;
    }

    /** The Nära id behind a FHIR id made by {@link #resourceId}. */
    public static String naraId(String resourceId) {
        if (!resourceId.startsWith(HEX_ID)) {
            return resourceId;
        }
        try {
            return new String(HexFormat.of().parseHex(resourceId.substring(HEX_ID.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Nära id: " + resourceId);
        }
    }
}
