package io.nara.devices.gatt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ieee11073Test {

    @ParameterizedTest(name = "SFLOAT 0x{0} = {1}")
    @CsvSource({
        "0072, 114", // exponent 0
        "F4B5, 120.5", // 1205 x 10^-1
        "FFFF, -0.1", // mantissa -1, exponent -1
        "2001, 100", // 1 x 10^2
        "0800, ", // NRes
        "07FF, ", // NaN
        "07FE, ", // +INF
        "0802, ", // -INF
        "0801, ", // reserved
    })
    void decodesSfloatIncludingSpecialValues(String hex, Double expected) {
        assertThat(Ieee11073.sfloat(Integer.parseInt(hex, 16))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "FLOAT 0x{0} = {1}")
    @CsvSource({
        "FF00016C, 36.4",
        "00000001, 1",
        "007FFFFF, ",
        "00800000, ",
        "007FFFFE, ",
        "00800002, ",
        "00800001, ",
        "FE800000, -83886.08",
    })
    void decodesFloatIncludingSpecialValues(String hex, Double expected) {
        assertThat(Ieee11073.float32(Long.parseLong(hex, 16))).isEqualTo(expected);
    }

    @Test
    void encodesWhatItDecodes() {
        for (double v : new double[] {85, 120.5, -3.2, 0, 2045}) {
            int exponent = v == Math.rint(v) ? 0 : -1;
            assertThat(Ieee11073.sfloat(Ieee11073.toSfloat(v, exponent))).isEqualTo(v);
        }
        assertThatThrownBy(() -> Ieee11073.toSfloat(5000, 0)).hasMessageContaining("does not fit");
    }
}
