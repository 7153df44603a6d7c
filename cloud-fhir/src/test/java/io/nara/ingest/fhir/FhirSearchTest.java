package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a journal's search asks for, and a clear refusal of what the API does not do. */
class FhirSearchTest {

    @Test
    void aDayIsTheWholeDayAndPrefixesCutItAsTheSpecSays() {
        Instant day = Instant.parse("2026-11-30T00:00:00Z");
        Instant next = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(FhirSearch.date("2026-11-30")).isEqualTo(new FhirSearch.TimeRange(day, next));
        assertThat(FhirSearch.date("ge2026-11-30")).isEqualTo(new FhirSearch.TimeRange(day, null));
        assertThat(FhirSearch.date("gt2026-11-30")).isEqualTo(new FhirSearch.TimeRange(next, null));
        assertThat(FhirSearch.date("lt2026-11-30")).isEqualTo(new FhirSearch.TimeRange(null, day));
        assertThat(FhirSearch.date("le2026-11-30")).isEqualTo(new FhirSearch.TimeRange(null, next));
        assertThat(FhirSearch.date("ge2026-11-30T08:00:00+01:00").from())
                .isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        assertThat(FhirSearch.date("2026-11").to()).isEqualTo(next);
    }

    @Test
    void anObservationSearchCombinesPatientCodesAndDates() {
        FhirSearch.ObservationQuery q = FhirSearch.observations(Map.of(
                "patient", List.of("Patient/p-1"),
                "code", List.of("http://loinc.org|29463-7,8867-4"),
                "date", List.of("ge2026-11-01", "lt2026-11-30"),
                "_count", List.of("10")));
        assertThat(q.patientId()).isEqualTo("p-1");
        assertThat(q.codes()).containsExactly("29463-7", "8867-4");
        assertThat(q.range())
                .isEqualTo(new FhirSearch.TimeRange(
                        Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z")));
        assertThat(q.count()).isEqualTo(10);
    }

    @Test
    void aSymptomIsSearchedByItsSnomedCode() {
        FhirSearch.ObservationQuery q = FhirSearch.observations(
                Map.of("patient", List.of("p-1"), "code", List.of("http://snomed.info/sct|267036007")));
        assertThat(q.codes()).containsExactly("267036007");
    }

    @Test
    void aDateOutsideTheYearsAReadingCanHaveIsRefusedNotOverflowed() {
        for (String absurd : List.of("ge9999", "lt9999-12-31", "2262-04-12", "1969-12-31", "eq0001")) {
            assertThatThrownBy(() -> FhirSearch.date(absurd))
                    .as(absurd)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1970 to 2199");
        }
        assertThat(FhirSearch.date("ge2199-12-31").from()).isEqualTo(Instant.parse("2199-12-31T00:00:00Z"));
    }

    @Test
    void badSearchesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> FhirSearch.observations(Map.of("code", List.of("8867-4"))))
                .hasMessageContaining("needs patient");
        assertThatThrownBy(
                        () -> FhirSearch.observations(Map.of("patient", List.of("p"), "value-quantity", List.of("5"))))
                .hasMessageContaining("'value-quantity' is not supported");
        assertThatThrownBy(() -> FhirSearch.observations(
                        Map.of("patient", List.of("p"), "code", List.of("http://snomed.info/sct|27113001"))))
                .hasMessageContaining("'http://snomed.info/sct|27113001' is not a symptom Nära records");
        assertThatThrownBy(() -> FhirSearch.observations(
                        Map.of("patient", List.of("p"), "code", List.of("urn:oid:1.2.3|27113001"))))
                .hasMessageContaining("code system 'urn:oid:1.2.3'");
        assertThatThrownBy(() -> FhirSearch.observations(Map.of("patient", List.of("p"), "date", List.of("yesterday"))))
                .hasMessageContaining("date 'yesterday'");
        assertThatThrownBy(() -> FhirSearch.observations(Map.of("patient", List.of("p"), "_count", List.of("0"))))
                .hasMessageContaining("_count");
        assertThatThrownBy(() -> FhirSearch.devicePatient(Map.of())).hasMessageContaining("needs patient");
    }
}
