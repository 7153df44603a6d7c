package io.nara.gateway.careplan;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.SchemaVersion;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whose sample an analyzer says it measured, against the binding and the national ids the cloud gave. */
class StatedPatientTest {

    private static final DeviceBinding ANNAS = new DeviceBinding("inr-1", "roche-coaguchek-inrange", "anna");
    private static final DeviceBinding COUPLES = new DeviceBinding(
            "inr-1",
            "roche-coaguchek-inrange",
            null,
            List.of(new DeviceBinding.DeviceUser("anna", null), new DeviceBinding.DeviceUser("bo", null)));

    private static HubConfig config(DeviceBinding binding, Map<String, String> ids) {
        return new HubConfig(SchemaVersion.CURRENT, 2, List.of(), List.of(binding), null, ids);
    }

    @Test
    void aPersonnummerMatchesHoweverItWasTyped() {
        HubConfig c = config(ANNAS, Map.of("anna", "191212121212"));
        for (String typed : List.of("19121212-1212", "121212-1212", "1212121212", " 191212121212 ")) {
            assertThat(HubAttribution.stated(ANNAS, c, typed))
                    .as(typed)
                    .isEqualTo(new HubAttribution.Stated("anna", null));
        }
    }

    @Test
    void anotherPersonsNumberIsRefusedNamingBothAndMaskingTheStrangersLastDigits() {
        HubAttribution.Stated s =
                HubAttribution.stated(ANNAS, config(ANNAS, Map.of("anna", "191212121212")), "19401231-1234");
        assertThat(s.patientId()).isNull();
        assertThat(s.problem())
                .contains("19401231-****", "patient anna", "inr-1")
                .doesNotContain("1234");
        // one digit off (a typing slip) is someone else too: the check digit is part of the number
        assertThat(HubAttribution.stated(ANNAS, config(ANNAS, Map.of("anna", "191212121212")), "19121212-1213")
                        .problem())
                .isNotNull();
    }

    @Test
    void aSharedAnalyzersResultGoesToTheUserItNamesAndNobodyElse() {
        HubConfig c = config(COUPLES, Map.of("anna", "191212121212", "bo", "194012311234"));
        assertThat(HubAttribution.stated(COUPLES, c, "401231-1234").patientId()).isEqualTo("bo");
        assertThat(HubAttribution.stated(COUPLES, c, "121212-1212").patientId()).isEqualTo("anna");
        assertThat(HubAttribution.stated(COUPLES, c, "19500101-0000").problem()).contains("anna, bo");
    }

    @Test
    void withoutAStatedIdOrAKnownNationalIdTheBindingDecides() {
        assertThat(HubAttribution.stated(ANNAS, config(ANNAS, Map.of("anna", "191212121212")), null))
                .isEqualTo(new HubAttribution.Stated(null, null));
        // a config without national ids (a hub configured by file) cannot check: the binding decides
        assertThat(HubAttribution.stated(ANNAS, config(ANNAS, Map.of()), "19401231-1234"))
                .isEqualTo(new HubAttribution.Stated(null, null));
    }

    @Test
    void aReserveNumberMatchesByItsLettersAndDigits() {
        HubConfig c = config(ANNAS, Map.of("anna", "RES-2024-77"));
        assertThat(HubAttribution.stated(ANNAS, c, "res202477").patientId()).isEqualTo("anna");
        assertThat(HubAttribution.stated(ANNAS, c, "RES-2024-78").problem()).isNotNull();
    }
}
