package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleTest {

    @Test
    void imperialScaleKeepsPoundsAndInches() throws DecodeException {
        // flags 0x0D: imperial, user 3, BMI 24.9, height 70.0 in; 181.40 lb
        List<Measurement> m = new WeightMeasurement().decode(hex("0D DC46 03 F900 BC02"));
        assertThat(m).extracting(Measurement::value).containsExactly(82.282, 24.9, 1.778);
        assertThat(m.get(0).deviceValue()).isEqualTo(181.4);
        assertThat(m.get(0).deviceUnit()).isEqualTo("[lb_av]");
        assertThat(m.get(2).deviceValue()).isEqualTo(70.0);
        assertThat(m.get(2).deviceUnit()).isEqualTo("[in_i]");
        assertThat(m).allSatisfy(x -> assertThat(x.userIndex()).isEqualTo(3));
    }

    @Test
    void unknownYearTimestampIsFlaggedNotInvented() throws DecodeException {
        Measurement m = new WeightMeasurement()
                .decode(hex("02 B63F 0000 0B 17 06 05 00"))
                .get(0);
        assertThat(m.deviceTime()).isNull();
        assertThat(m.flags()).containsExactly(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(m.value()).isEqualTo(81.55);
    }

    @Test
    void multiUserScaleUnknownUserIsUnattributed() throws DecodeException {
        assertThat(new WeightMeasurement().decode(hex("04 B63F FF")).get(0).userIndex())
                .isNull();
        assertThat(new WeightMeasurement().decode(hex("04 B63F 04")).get(0).userIndex())
                .isEqualTo(4);
    }

    @Test
    void weightScaleFeature() throws DecodeException {
        // timestamp, multi-user, BMI; weight resolution 7 (0.005 kg), height resolution 3 (0.001 m): 0x01BF
        assertThat(WeightScaleFeature.parse(hex("BF010000")))
                .isEqualTo(new WeightScaleFeature(true, true, true, 0.005, 0.001));
        assertThat(WeightScaleFeature.parse(hex("00000000")))
                .isEqualTo(new WeightScaleFeature(false, false, false, null, null));
        assertThatThrownBy(() -> WeightScaleFeature.parse(hex("40000000"))).hasMessageContaining("reserved");
    }

    @Test
    void bodyCompositionWithSkippedFieldsWeightAndHeight() throws DecodeException {
        // flags 0x0E04: user id, muscle %, impedance(0x0200), weight(0x0400), height(0x0800) -> 0x0E14
        // fat 23.5 %, user 2, muscle 41.2 %, impedance 512.0 ohm, weight 80.00 kg, height 1.780 m
        List<Measurement> m = new BodyCompositionMeasurement().decode(hex("140E EB00 02 9C01 0014 803E F406"));
        assertThat(m)
                .extracting(x -> x.code())
                .containsExactly(Vocabulary.BODY_FAT_PERCENTAGE, Vocabulary.BODY_WEIGHT, Vocabulary.BODY_HEIGHT);
        assertThat(m).extracting(Measurement::value).containsExactly(23.5, 80.0, 1.78);
        assertThat(m).allSatisfy(x -> assertThat(x.userIndex()).isEqualTo(2));
    }

    @Test
    void bodyCompositionUnsuccessful() throws DecodeException {
        assertThat(new BodyCompositionMeasurement()
                        .decode(hex("0000 FFFF"))
                        .get(0)
                        .flags())
                .containsExactly(ObservationFlag.MEASUREMENT_FAILED);
        assertThatThrownBy(() -> new BodyCompositionMeasurement().decode(hex("0004 EB00 80")))
                .hasMessageContaining("weight needs 2 byte(s)");
    }
}
