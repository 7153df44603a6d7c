package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Body composition scales (0x2A9C) send any subset of eleven optional fields; every one present must be stepped over
 * at its size so the weight and height are read where the scale put them.
 */
class BodyCompositionFieldsTest {

    /**
     * Every optional field: time stamp, user, basal metabolism, muscle %, muscle mass, fat-free mass, soft lean mass,
     * body water mass, impedance, then weight 80.00 kg and height 1.780 m.
     */
    @Test
    void everyOptionalFieldIsSteppedOver() throws DecodeException {
        List<Measurement> m = new BodyCompositionMeasurement()
                .decode(hex("FE0F EB00 EA07 0B 17 07 1E 0F 02 1A06 9C01 A00F 2C1A 5019 3C0F 0014 803E F406"));
        assertThat(m)
                .extracting(Measurement::code)
                .containsExactly(Vocabulary.BODY_FAT_PERCENTAGE, Vocabulary.BODY_WEIGHT, Vocabulary.BODY_HEIGHT);
        assertThat(m).extracting(Measurement::value).containsExactly(23.5, 80.0, 1.78);
        assertThat(m).extracting(Measurement::deviceTime).containsOnly(LocalDateTime.of(2026, 11, 23, 7, 30, 15));
        assertThat(m).extracting(Measurement::userIndex).containsOnly(2);
    }

    /** Only the body fat: no time, no user, nothing else read. */
    @Test
    void onlyTheBodyFat() throws DecodeException {
        List<Measurement> m = new BodyCompositionMeasurement().decode(hex("0000 EB00"));
        assertThat(m).singleElement().satisfies(fat -> {
            assertThat(fat.value()).isEqualTo(23.5);
            assertThat(fat.deviceTime()).isNull();
            assertThat(fat.userIndex()).isNull();
        });
    }

    /** User 255 is "unknown user": the reading belongs to nobody in particular, not to user 255. */
    @Test
    void theUnknownUserIsNoUser() throws DecodeException {
        List<Measurement> m = new BodyCompositionMeasurement().decode(hex("0404 EB00 FF 803E"));
        assertThat(m).extracting(Measurement::userIndex).containsOnly((Integer) null);
        assertThat(m.get(1).value()).isEqualTo(80.0);
    }

    /** An imperial scale: weight in 0.01 lb and height in 0.1 inch, stored in kg and m with the device's numbers. */
    @Test
    void anImperialScale() throws DecodeException {
        // weight 176.37 lb, height 70.1 in
        List<Measurement> m = new BodyCompositionMeasurement().decode(hex("010C EB00 E544 BD02"));
        assertThat(m.get(1).deviceUnit()).isEqualTo("[lb_av]");
        assertThat(m.get(1).deviceValue()).isEqualTo(176.37);
        assertThat(m.get(1).value()).isEqualTo(80.0);
        assertThat(m.get(2).deviceUnit()).isEqualTo("[in_i]");
        assertThat(m.get(2).value()).isEqualTo(1.781);
    }
}
