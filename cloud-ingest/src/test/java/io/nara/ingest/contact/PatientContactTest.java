package io.nara.ingest.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PatientContactTest {

    @Test
    void swedishAndInternationalNumbersAreTakenAsTypedAndDialledWithoutSeparators() {
        PatientContact.Details d = PatientContact.parse(new JsonObject()
                .put("phone", " 070-123 45 67 ")
                .put("careContactPhone", "+46 (0)8 123 456 78")
                .put("careContactName", "Sara Lind")
                .put("careContactRole", "Distriktssköterska")
                .put("address", "Storgatan 1, 123 45 Norrby")
                .put("sipUrl", "https://sip.example.se/plan/17")
                .put("sipDate", "2026-11-02")
                .put("sipResponsibilities", "Hemtjänsten väger måndag och torsdag"));
        assertThat(d.phone()).isEqualTo("070-123 45 67");
        assertThat(PatientContact.dial(d.phone())).isEqualTo("0701234567");
        assertThat(PatientContact.dial(d.careContactPhone())).isEqualTo("+46081234567" + "8");
        assertThat(d.sipDate()).isEqualTo(LocalDate.of(2026, 11, 2));
        assertThat(d.any()).isTrue();
        assertThat(d.filled()).contains("phone", "careContactName", "sipUrl", "sipDate", "sipResponsibilities");
    }

    @Test
    void blankFieldsAreNoneAndOtherFieldsOfTheBodyAreIgnored() {
        PatientContact.Details d = PatientContact.parse(
                new JsonObject().put("phone", "  ").put("name", "Greta Holm").put("hubId", "hub-1"));
        assertThat(d.any()).isFalse();
        assertThat(d.filled()).isEmpty();
    }

    @Test
    void aPhoneNumberThatIsNotOneIsRefusedNamingTheFieldAndWhatWasTyped() {
        for (String bad : new String[] {"ring Sara", "12345", "46701234567", "070-123 45 67 ank 3", "+46 70 12a 45"}) {
            assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("phone", bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("patientens telefon: '" + bad + "' är inget telefonnummer")
                    .hasMessageContaining("is not a phone number");
        }
        assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("careContactPhone", "Sara")))
                .hasMessageContaining("fast vårdkontakts telefon: 'Sara'")
                .hasMessageContaining("the care contact's phone: 'Sara' is not a phone number");
    }

    @Test
    void theSipLinkMustBeAWebAddressAndItsDateADate() {
        for (String bad : new String[] {"javascript:alert(1)", "sip-plan-17", "ftp://x.se/p", "https://"}) {
            assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("sipUrl", bad)))
                    .as(bad)
                    .hasMessageContaining("är ingen webbadress")
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("sipDate", "2 november")))
                .hasMessageContaining("'2 november' är inget datum");
        assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("address", "x".repeat(301))))
                .hasMessageContaining("adress är för lång");
        assertThatThrownBy(() -> PatientContact.parse(new JsonObject().put("phone", 701234567)))
                .hasMessageContaining("'phone' must be a string");
    }
}
