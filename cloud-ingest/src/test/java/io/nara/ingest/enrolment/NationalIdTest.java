package io.nara.ingest.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class NationalIdTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);

    @Test
    void personnummerIsReadInEveryUsualFormAndKeptAsTwelveDigits() {
        // 19121212-1212 is Skatteverket's own example of a valid personnummer.
        for (String typed : new String[] {"19121212-1212", "191212121212", "121212+1212", " 19121212 - 1212 "}) {
            NationalId id = NationalId.parse(typed, TODAY);
            assertThat(id.kind()).as(typed).isEqualTo(NationalId.Kind.PERSONNUMMER);
            assertThat(id.value()).as(typed).isEqualTo("191212121212");
            assertThat(id.display()).isEqualTo("19121212-1212");
        }
    }

    @Test
    void aTwoDigitYearIsPlacedInTheMostRecentCenturyNotInTheFuture() {
        assertThat(NationalId.parse("401231-1231", TODAY).value()).startsWith("1940");
        assertThat(NationalId.parse("200101-2380", TODAY).value()).startsWith("2020");
    }

    @Test
    void samordningsnummerHasSixtyAddedToTheDay() {
        NationalId id = NationalId.parse("19701063-2391", TODAY);
        assertThat(id.kind()).isEqualTo(NationalId.Kind.SAMORDNINGSNUMMER);
        assertThat(id.kind().system()).isEqualTo("urn:oid:1.2.752.129.2.1.3.3");
        assertThat(NationalId.Kind.PERSONNUMMER.system()).isEqualTo("urn:oid:1.2.752.129.2.1.3.1");
    }

    @Test
    void aWrongCheckDigitIsRefusedNamingIt() {
        assertThatThrownBy(() -> NationalId.parse("19121212-1213", TODAY))
                .isInstanceOf(NationalId.InvalidNationalId.class)
                .hasMessageContaining("check digit");
    }

    @Test
    void aDateThatDoesNotExistOrLiesAheadIsRefused() {
        // 19130230: 30 February, with a right check digit for its digits.
        String feb30 = "130230-" + "123" + NationalId.luhn("130230123");
        assertThatThrownBy(() -> NationalId.parse("19" + feb30, TODAY)).hasMessageContaining("does not exist");
        String future = "271201-" + "123" + NationalId.luhn("271201123");
        assertThatThrownBy(() -> NationalId.parse("20" + future, TODAY)).hasMessageContaining("future");
    }

    @Test
    void textThatIsNoNumberIsRefusedInBothLanguages() {
        assertThatThrownBy(() -> NationalId.parse("Greta", TODAY))
                .hasMessageContaining("inget personnummer")
                .hasMessageContaining("is not a personnummer");
    }

    @Test
    void reserveNumbersAreKeptAsEnteredWithinTheirShape() {
        assertThat(NationalId.reserve(" RES-2026-0042 ").value()).isEqualTo("RES-2026-0042");
        assertThatThrownBy(() -> NationalId.reserve("a b")).hasMessageContaining("reserve number");
    }

    @Test
    void theAgeIsTheWholeYearsSinceTheDateOfBirthTheNumberCarries() {
        NationalId pnr = NationalId.parse("19121212-1212", TODAY);
        assertThat(pnr.birthDate()).contains(LocalDate.of(1912, 12, 12));
        assertThat(pnr.age(TODAY)).contains(113);
        assertThat(pnr.age(LocalDate.of(2026, 12, 12))).contains(114);
        // A samordningsnummer's day is the day of birth plus 60.
        NationalId samordning = NationalId.parse("19701063-2391", TODAY);
        assertThat(samordning.birthDate()).contains(LocalDate.of(1970, 10, 3));
        assertThat(samordning.age(TODAY)).contains(56);
        assertThat(NationalId.reserve("R-2026-0001").age(TODAY)).isEmpty();
    }
}
