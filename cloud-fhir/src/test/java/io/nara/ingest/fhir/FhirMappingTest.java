package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Readings as FHIR R4: what a journal gets, checked by HAPI's validator against the R4 profiles they declare. */
class FhirMappingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String OUTBOX = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final Instant AT = Instant.parse("2026-11-30T07:15:00Z");
    private static FhirValidator validator;

    @BeforeAll
    static void validator() {
        // The default validation support chain: R4 core profiles, value sets and code systems.
        validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(FHIR));
    }

    static Reading reading(String code, Double value, String unit, ObservationFlag... flags) {
        Set<ObservationFlag> set = flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags);
        return new Reading(
                "hub-home-1",
                OUTBOX,
                42,
                "patient-1",
                "AA:BB:CC:DD:EE:01",
                code,
                value,
                unit,
                AT,
                AT.plusSeconds(3),
                set);
    }

    @Test
    void aWeightIsABodyWeightVitalSignInKilograms() {
        Observation o = FhirMapping.observation(reading("29463-7", 82.4, "kg"));
        assertThat(o.getMeta().getProfile())
                .extracting(p -> p.getValue())
                .containsExactly(FhirMapping.VITAL_SIGNS, "http://hl7.org/fhir/StructureDefinition/bodyweight");
        assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("29463-7");
        Quantity q = o.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo("82.4");
        assertThat(q.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.getCode()).isEqualTo("kg");
        assertThat(o.getIdentifierFirstRep().getSystem()).isEqualTo("urn:nara:observation");
        assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo("hub-home-1/" + OUTBOX + "/42");
        assertThat(o.getSubject().getReference()).isEqualTo("Patient/patient-1");
        assertThat(o.getEffectiveDateTimeType().getValue().toInstant()).isEqualTo(AT);
        assertValid(o);
    }

    @Test
    void aFailedMeasurementHasADataAbsentReasonAndNoNumber() {
        Observation o = FhirMapping.observation(reading("8867-4", null, "/min", ObservationFlag.MEASUREMENT_FAILED));
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("error");
        assertThat(FHIR.newJsonParser().encodeResourceToString(o))
                .doesNotContain("valueQuantity")
                .doesNotContain("NaN");
        assertValid(o);
    }

    @Test
    void anImplausibleValueIsNotGivenAsTheValue() {
        Observation o = FhirMapping.observation(reading("29463-7", 0.0, "kg", ObservationFlag.IMPLAUSIBLE));
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getDataAbsentReason().getText()).contains("0.0 kg");
        assertValid(o);
    }

    @Test
    void aNaNNeverBecomesAReading() {
        assertThatThrownBy(() -> reading("29463-7", Double.NaN, "kg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
    }

    @Test
    void everyVitalSignAndLaboratoryCodeOfTheVocabularyPassesTheValidator() {
        for (var code : Vocabulary.all()) {
            Observation o = FhirMapping.observation(reading(code.code(), code.symptom() ? 1.0 : 1.5, code.ucum()));
            assertThat(o.getMeta().getProfile().isEmpty())
                    .as(code.code())
                    .isEqualTo(!FhirMapping.vitalSign(code.code()));
            assertValid(o);
        }
    }

    @Test
    void aReportedSymptomIsASurveyAnswerCodedInSnomedWithABooleanValue() {
        Observation present = FhirMapping.observation(reading("267036007", 1.0, "{presence}"));
        assertThat(present.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(present.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("survey");
        assertThat(present.getValueBooleanType().booleanValue()).isTrue();
        assertValid(present);
        Observation absent = FhirMapping.observation(reading("267036007", 0.0, "{presence}"));
        assertThat(absent.getValueBooleanType().booleanValue()).isFalse();
    }

    @Test
    void pulseOximetryCarriesTheOxygenSaturationCodeTheProfileFixes() {
        Observation o = FhirMapping.observation(
                reading("59408-5", 96.0, "%", ObservationFlag.QUESTIONABLE, ObservationFlag.POOR_SIGNAL));
        assertThat(o.getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("2708-6", "59408-5");
        assertThat(o.getNoteFirstRep().getText()).isEqualTo("Nära quality flags: POOR_SIGNAL, QUESTIONABLE");
        assertValid(o);
    }

    @Test
    void aValueBeyondTheMeasuringRangeSaysSo() {
        Observation o =
                FhirMapping.observation(reading("33762-6", 35000.0, "pg/mL", ObservationFlag.ABOVE_MEASURING_RANGE));
        assertThat(o.getValueQuantity().getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_OR_EQUAL);
        assertValid(o);
    }

    @Test
    void patientsAndDevicesPassTheValidatorAndIdsSurviveTheRoundTrip() {
        assertValid(FhirMapping.patient("patient-1", "Greta Holm"));
        var device = FhirMapping.device("AA:BB:CC:DD:EE:01", "and-ua-651", "patient-1");
        assertValid(device);
        var shared = FhirMapping.device("AA:BB:CC:DD:EE:02", null, null);
        assertThat(shared.hasPatient()).isFalse();
        assertValid(shared);
        assertThat(FhirMapping.naraId(device.getIdElement().getIdPart())).isEqualTo("AA:BB:CC:DD:EE:01");
        assertThat(FhirMapping.parseObservationId(FhirMapping.observationId(OUTBOX, 42)))
                .contains(new FhirMapping.ObservationKey(OUTBOX, 42, false));
        assertThat(FhirMapping.parseObservationId("no-such-id")).isEmpty();
        String longOutbox = UUID.randomUUID().toString();
        assertThat(FhirMapping.observationId(longOutbox, Long.MAX_VALUE)).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void thePushedObservationReferencesPatientAndDeviceByIdentifierAndStillValidates() {
        Observation pushed = FhirMapping.forPush(FhirMapping.observation(reading("8480-6", 128.0, "mm[Hg]")));
        assertThat(pushed.hasId()).isFalse();
        assertThat(pushed.getSubject().getIdentifier().getValue()).isEqualTo("patient-1");
        assertThat(pushed.getDevice().getIdentifier().getValue()).isEqualTo("AA:BB:CC:DD:EE:01");
        assertValid(pushed);
    }

    @Test
    void readingsOfNoKnownPatientAreNotExported() {
        Reading unattributed = new Reading(
                "hub-home-1",
                OUTBOX,
                7,
                null,
                "scale-1",
                "29463-7",
                80.0,
                "kg",
                AT,
                AT,
                Set.of(ObservationFlag.UNATTRIBUTED));
        assertThatThrownBy(() -> FhirMapping.observation(unattributed))
                .hasMessageContaining("not the data of a known patient");
        Reading control = reading("6301-6", 2.5, "{INR}", ObservationFlag.NOT_PATIENT_DATA);
        assertThat(control.exportable()).isFalse();
    }

    @Test
    void aCuffReadingIsOneBloodPressurePanelThatPassesTheBpProfile() {
        Observation o = FhirMapping.observation(cuff(
                reading("8480-6", 128.0, "mm[Hg]"),
                reading(43, "8462-4", 82.0, "mm[Hg]"),
                reading(44, "8478-0", 97.0, "mm[Hg]")));
        assertThat(o.getMeta().getProfile())
                .extracting(p -> p.getValue())
                .containsExactly(FhirMapping.VITAL_SIGNS, "http://hl7.org/fhir/StructureDefinition/bp");
        assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getComponent())
                .extracting(c -> c.getCode().getCodingFirstRep().getCode())
                .containsExactly("8480-6", "8462-4", "8478-0");
        assertThat(o.getComponent())
                .extracting(c -> c.getValueQuantity().getValue().doubleValue())
                .containsExactly(128.0, 82.0, 97.0);
        assertThat(o.getComponent()).allSatisfy(c -> {
            assertThat(c.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
            assertThat(c.getValueQuantity().getCode()).isEqualTo("mm[Hg]");
        });
        // Its identity is the systolic reading's, marked as the panel: never that of the systolic reading alone.
        assertThat(o.getIdentifierFirstRep().getSystem()).isEqualTo("urn:nara:observation");
        assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo("hub-home-1/" + OUTBOX + "/42/bp");
        assertThat(o.getIdElement().getIdPart()).isNotEqualTo(FhirMapping.observationId(OUTBOX, 42));
        assertThat(FhirMapping.parseObservationId(o.getIdElement().getIdPart()))
                .contains(new FhirMapping.ObservationKey(OUTBOX, 42, true));
        assertThat(o.getEffectiveDateTimeType().getValue().toInstant()).isEqualTo(AT);
        assertValid(o);
        assertValid(FhirMapping.forPush(o));

        // The validator does hold the panel to the bp profile: without its diastolic component it is refused.
        Observation halfPanel = o.copy();
        halfPanel.getComponent().remove(1);
        assertThat(errors(halfPanel)).isNotEmpty();
    }

    @Test
    void aPanelWithoutMeanPressureHasTheTwoComponentsTheProfileRequires() {
        Observation o = FhirMapping.observation(
                cuff(reading("8480-6", 141.0, "mm[Hg]"), reading(43, "8462-4", 91.0, "mm[Hg]"), null));
        assertThat(o.getComponent())
                .extracting(c -> c.getCode().getCodingFirstRep().getCode())
                .containsExactly("8480-6", "8462-4");
        assertValid(o);
    }

    @Test
    void aFailedHalfOfAPanelHasADataAbsentReasonOnItsComponentAndNoNumber() {
        Observation o = FhirMapping.observation(cuff(
                reading("8480-6", 128.0, "mm[Hg]", ObservationFlag.CUFF_FIT),
                reading(43, "8462-4", null, "mm[Hg]", ObservationFlag.MEASUREMENT_FAILED),
                null));
        Observation.ObservationComponentComponent diastolic = o.getComponent().get(1);
        assertThat(diastolic.getCode().getCodingFirstRep().getCode()).isEqualTo("8462-4");
        assertThat(diastolic.hasValue()).isFalse();
        assertThat(diastolic.getDataAbsentReason().getCodingFirstRep().getCode())
                .isEqualTo("error");
        assertThat(o.getComponent().get(0).getValueQuantity().getValue()).isEqualByComparingTo("128");
        assertThat(o.getNote())
                .extracting(n -> n.getText())
                .containsExactly("Nära quality flags: Systolic blood pressure: CUFF_FIT");
        assertThat(FHIR.newJsonParser().encodeResourceToString(o)).doesNotContain("NaN");
        assertValid(o);

        Observation implausible = FhirMapping.observation(cuff(
                reading("8480-6", 0.0, "mm[Hg]", ObservationFlag.IMPLAUSIBLE),
                reading(43, "8462-4", 80.0, "mm[Hg]"),
                null));
        assertThat(implausible.getComponent().get(0).hasValue()).isFalse();
        assertThat(implausible.getComponent().get(0).getDataAbsentReason().getText())
                .contains("0.0 mm[Hg]");
        assertValid(implausible);
    }

    @Test
    void aPreliminaryValueMakesThePanelPreliminaryAndTheLastArrivalIsItsIssuedTime() {
        Reading diastolic = new Reading(
                "hub-home-1",
                OUTBOX,
                43,
                "patient-1",
                "AA:BB:CC:DD:EE:01",
                "8462-4",
                80.0,
                "mm[Hg]",
                AT,
                AT.plusSeconds(9),
                Set.of(ObservationFlag.PRELIMINARY));
        Observation o = FhirMapping.observation(cuff(reading("8480-6", 120.0, "mm[Hg]"), diastolic, null));
        assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
        assertThat(o.getIssued().toInstant()).isEqualTo(AT.plusSeconds(9));
        assertValid(o);
    }

    static Reading reading(long seq, String code, Double value, String unit, ObservationFlag... flags) {
        Reading r = reading(code, value, unit, flags);
        return new Reading(
                r.hubId(),
                r.outbox(),
                seq,
                r.patientId(),
                r.deviceId(),
                r.code(),
                r.value(),
                r.unit(),
                r.time(),
                r.received(),
                r.flags());
    }

    private static BloodPressurePanels.Panel cuff(Reading systolic, Reading diastolic, Reading mean) {
        return new BloodPressurePanels.Panel(systolic, diastolic, mean);
    }

    private static void assertValid(IBaseResource resource) {
        assertThat(errors(resource))
                .as(() -> FHIR.newJsonParser().encodeResourceToString(resource))
                .isEmpty();
    }

    private static List<SingleValidationMessage> errors(IBaseResource resource) {
        ValidationResult result = validator.validateWithResult(resource);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
    }
}
