package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import io.nara.ingest.clinic.Admissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EncounterMappingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String GRETA = "{\"reference\": \"Patient/patient-route-1\"}";
    private static final String HOME = """
            , "hospitalization": {"dischargeDisposition": {"coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/discharge-disposition", "code": "home"}]}}""";

    /** A finished Encounter as a hospital's system sends it; {@code %s} is the part under test. */
    private static String finished(String subject, String extra) {
        return """
                {"resourceType": "Encounter", "status": "finished",
                 "identifier": [{"system": "urn:oid:1.2.752.29.4.5", "value": "VT-2026-0042"}],
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP",
                           "display": "inpatient encounter"},
                 "subject": %s,
                 "period": {"start": "2026-11-20T09:30:00+01:00", "end": "2026-11-27T14:00:00+01:00"},
                 "reasonCode": [{"text": "Hjärtsvikt, försämring"}]%s}
                """.formatted(subject, extra);
    }

    @Test
    void aFinishedEncounterIsAStayWithItsDischargeAndDisposition() {
        EncounterMapping.Parsed p = EncounterMapping.read(FHIR, finished(GRETA, HOME), null);
        assertThat(p.patient()).isEqualTo(new EncounterMapping.PatientRef("urn:nara:patient", "patient-route-1"));
        assertThat(p.stay())
                .isEqualTo(new Admissions.HospitalStay(
                        "urn:oid:1.2.752.29.4.5",
                        "VT-2026-0042",
                        null,
                        Instant.parse("2026-11-20T08:30:00Z"),
                        Instant.parse("2026-11-27T13:00:00Z"),
                        "Hjärtsvikt, försämring",
                        "IMP",
                        "home",
                        "hem / home"));
        assertThat(p.home()).isTrue();
    }

    @Test
    void thePatientIsNamedByPersonnummerInEitherSystemWithoutItsDash() {
        String inera = "{\"identifier\": {\"system\": \"http://electronichealth.se/identifier/personnummer\","
                + " \"value\": \"19450505-0008\"}}";
        assertThat(EncounterMapping.read(FHIR, finished(inera, HOME), null).patient())
                .isEqualTo(new EncounterMapping.PatientRef(
                        "http://electronichealth.se/identifier/personnummer", "194505050008"));
        String oid = "{\"identifier\": {\"system\": \"urn:oid:1.2.752.129.2.1.3.1\", \"value\": \"194505050008\"}}";
        assertThat(EncounterMapping.read(FHIR, finished(oid, HOME), null)
                        .patient()
                        .naraId())
                .isFalse();
        String nara = "{\"identifier\": {\"system\": \"urn:nara:patient\", \"value\": \"patient-route-1\"}}";
        assertThat(EncounterMapping.read(FHIR, finished(nara, HOME), null).patient())
                .isEqualTo(new EncounterMapping.PatientRef("urn:nara:patient", "patient-route-1"));
    }

    @Test
    void aDispositionToAnotherFacilityOrDeathIsNotHomeAndAMissingOneIs() {
        String snf = HOME.replace("\"home\"", "\"snf\"");
        EncounterMapping.Parsed p = EncounterMapping.read(FHIR, finished(GRETA, snf), null);
        assertThat(p.home()).isFalse();
        assertThat(p.stay().dispositionText()).startsWith("särskilt boende");
        assertThat(EncounterMapping.read(FHIR, finished(GRETA, HOME.replace("\"home\"", "\"exp\"")), null)
                        .home())
                .isFalse();
        EncounterMapping.Parsed none = EncounterMapping.read(FHIR, finished(GRETA, ""), null);
        assertThat(none.home()).isTrue();
        assertThat(none.stay().disposition()).isNull();
        // A local code system's code is kept with its words; it is not one of R4's, so it says nothing of home.
        String local = """
                , "hospitalization": {"dischargeDisposition": {"coding": [
                    {"system": "urn:oid:1.2.752.29.99", "code": "K1", "display": "Korttidsboende"}]}}""";
        EncounterMapping.Parsed k = EncounterMapping.read(FHIR, finished(GRETA, local), null);
        assertThat(k.stay().disposition()).isEqualTo("K1");
        assertThat(k.stay().dispositionText()).isEqualTo("Korttidsboende");
        assertThat(k.home()).isTrue();
    }

    @Test
    void anInProgressEncounterIsAnAdmissionWithoutDischarge() {
        String body = finished(GRETA, "")
                .replace("\"finished\"", "\"in-progress\"")
                .replace(", \"end\": \"2026-11-27T14:00:00+01:00\"", "");
        Admissions.HospitalStay stay = EncounterMapping.read(FHIR, body, null).stay();
        assertThat(stay.admittedAt()).isEqualTo(Instant.parse("2026-11-20T08:30:00Z"));
        assertThat(stay.dischargedAt()).isNull();
        assertThatThrownBy(() -> EncounterMapping.read(
                        FHIR, finished(GRETA, "").replace("\"finished\"", "\"in-progress\""), null))
                .isInstanceOf(EncounterMapping.Malformed.class)
                .hasMessageContaining("period.end");
    }

    @Test
    void anUpdateKeepsTheIdTheHospitalChoseAndRefusesOneThatDiffers() {
        String body = finished(GRETA, HOME)
                .replace("{\"resourceType\": \"Encounter\",", "{\"resourceType\": \"Encounter\", \"id\": \"vt-42\",");
        assertThat(EncounterMapping.read(FHIR, body, "vt-42").stay().fhirId()).isEqualTo("vt-42");
        assertThatThrownBy(() -> EncounterMapping.read(FHIR, body, "vt-43")).hasMessageContaining("is not vt-43");
        assertThatThrownBy(() -> EncounterMapping.read(FHIR, finished(GRETA, HOME), "42"))
                .hasMessageContaining("digit");
    }

    @Test
    void eachMalformedEncounterIsRefusedNamingItsProblem() {
        assertRefused("not json", "not a JSON object");
        assertRefused("{\"resourceType\": \"Patient\"}", "resourceType must be Encounter, was 'Patient'");
        assertRefused(finished(GRETA, HOME).replace("\"finished\"", "\"done\""), "'done' is not an Encounter status");
        assertRefused(finished(GRETA, HOME).replace("\"finished\"", "\"planned\""), "'planned' is not a stay");
        assertRefused(
                finished(GRETA, HOME).replace(", \"end\": \"2026-11-27T14:00:00+01:00\"", ""), "period.end is missing");
        assertRefused(
                finished(GRETA, HOME).replace("2026-11-27T14:00:00+01:00", "2026-11-19T14:00:00+01:00"),
                "period.end 2026-11-19T13:00:00Z is not after period.start 2026-11-20T08:30:00Z");
        assertRefused(
                finished(GRETA, HOME).replace("2026-11-20T09:30:00+01:00", "2026-11-20"),
                "period.start must be a date-time with a zone");
        assertRefused(
                finished(GRETA, HOME).replace("\"value\": \"VT-2026-0042\"", "\"value\": \"\""),
                "identifier (system and value");
        assertRefused(finished("{\"display\": \"Greta\"}", HOME), "subject must name the patient");
        assertRefused(finished("{\"reference\": \"Group/x\"}", HOME), "subject must be a Patient");
        assertRefused(
                finished("{\"identifier\": {\"system\": \"urn:example\", \"value\": \"1\"}}", HOME),
                "urn:example is not one Nära knows");
    }

    private static void assertRefused(String body, String problem) {
        assertThatThrownBy(() -> EncounterMapping.read(FHIR, body, null))
                .isInstanceOf(EncounterMapping.Malformed.class)
                .hasMessageContaining(problem);
    }
}
