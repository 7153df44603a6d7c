package io.nara.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.WeightBand;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.DeviceBinding.DeviceUser;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A couple sharing a scale and a cuff: whose reading is it? Never the wrong patient. */
class AttributionTest {

    static final Map<String, CarePlan> PLANS = Map.of(
            "anna", new CarePlan("anna", "1", List.of(), null, null, new WeightBand(50, 70), null, null),
            "bo", new CarePlan("bo", "1", List.of(), null, null, new WeightBand(75, 95), null, null));
    static final DeviceBinding SCALE_WITH_INDEXES =
            new DeviceBinding("scale", "m", null, List.of(new DeviceUser("anna", 1), new DeviceUser("bo", 2)));
    static final DeviceBinding SCALE_WITHOUT =
            new DeviceBinding("scale", "m", null, List.of(new DeviceUser("anna", null), new DeviceUser("bo", null)));

    @ParameterizedTest(name = "indexes={0} user={1} weight={2} -> {3}")
    @CsvSource(
            nullValues = "-",
            value = {
                "true,  1, 88.0, anna", // the index wins over the weight band
                "true,  2, 61.0, bo",
                "true,  3, 61.0, -", // a guest's index: unattributed, not guessed by weight
                "true,  -, 61.0, anna", // no index in this reading: the band
                "false, -, 61.0, anna",
                "false, -, 82.5, bo",
                "false, -, 72.0, -", // between the bands
                "false, -, -,    -", // a cuff reading on a shared cuff without index: no weight to go by
            })
    void attributes(boolean indexes, Integer user, Double weight, String expected) {
        Optional<String> patient = Attribution.patientFor(
                indexes ? SCALE_WITH_INDEXES : SCALE_WITHOUT, id -> Optional.ofNullable(PLANS.get(id)), user, weight);
        assertThat(patient.orElse(null)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"60.0", "65.0"})
    void overlappingBandsAttributeNobody(double weight) {
        Map<String, CarePlan> overlapping = Map.of(
                "anna", new CarePlan("anna", "1", List.of(), null, null, new WeightBand(50, 70), null, null),
                "bo", new CarePlan("bo", "1", List.of(), null, null, new WeightBand(60, 95), null, null));
        assertThat(Attribution.patientFor(SCALE_WITHOUT, id -> Optional.ofNullable(overlapping.get(id)), null, weight))
                .isEmpty();
    }

    @Test
    void aPersonalDeviceIsAlwaysItsPatientsWhateverTheWeight() {
        DeviceBinding own = new DeviceBinding("scale-2", "m", "anna", null);
        assertThat(Attribution.patientFor(own, id -> Optional.ofNullable(PLANS.get(id)), null, 88.0))
                .contains("anna");
    }

    @Test
    void aUserWithoutACarePlanOnTheHubHasNoBandAndTheOtherIsStillFound() {
        DeviceBinding shared = new DeviceBinding(
                "scale", "m", null, List.of(new DeviceUser("guest", null), new DeviceUser("bo", null)));
        assertThat(Attribution.patientFor(shared, id -> Optional.ofNullable(PLANS.get(id)), null, 82.5))
                .contains("bo");
    }
}
