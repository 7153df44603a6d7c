package io.nara.devices.gatt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightMeasurementTest {

    private final WeightMeasurement decoder = new WeightMeasurement();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void siWeightAtFiveGramResolution() throws DecodeException {
        // 0x3FB6 = 16310 x 0.005 kg = 81.55 kg
        List<Measurement> m = decoder.decode(hex("00 B63F"));
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.code().code()).isEqualTo("29463-7");
            assertThat(x.value()).isEqualTo(81.55);
            assertThat(x.unit()).isEqualTo("kg");
        });
    }

    @Test
    void imperialWeightIsConvertedToKilograms() throws DecodeException {
        // 18000 x 0.01 lb = 180 lb = 81.647 kg
        assertThat(decoder.decode(hex("01 5046")).get(0).value()).isEqualTo(81.647);
    }

    @Test
    void multiUserScaleWithBmiAndHeight() throws DecodeException {
        // flags 0x0E: SI, timestamp, user 2, BMI 25.2, height 1.800 m
        List<Measurement> m = decoder.decode(hex("0E B63F EA07 0B 17 06 05 00 02 FC00 0807"));
        assertThat(m).extracting(x -> x.code().code()).containsExactly("29463-7", "39156-5", "8302-2");
        assertThat(m).extracting(Measurement::value).containsExactly(81.55, 25.2, 1.8);
        assertThat(m).allSatisfy(x -> assertThat(x.userIndex()).isEqualTo(2));
    }

    @Test
    void unsuccessfulMeasurementIsFlaggedAndHasNoBmi() throws DecodeException {
        List<Measurement> m = decoder.decode(hex("08 FFFF FC00 0807"));
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.value()).isNull();
            assertThat(x.flags()).containsExactly(ObservationFlag.MEASUREMENT_FAILED);
        });
    }

    @Test
    void truncatedWeightIsADecodeError() {
        assertThatThrownBy(() -> decoder.decode(hex("00 B6"))).hasMessageContaining("weight needs 2 byte(s)");
        assertThatThrownBy(() -> GattDecoders.decode(0x2A00, hex("00")))
                .hasMessageContaining("no decoder for characteristic 0x2A00");
    }
}
