package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/**
 * The number and time formats every GATT decoder shares, at their limits: IEEE 11073 SFLOAT's most negative mantissa
 * and smallest exponent, the exponents and mantissas a value can be sent with, the Date Time's unknown parts and
 * its year range, and characteristic values cut short.
 */
class GattNumbersAndTimesTest {

    /** Mantissa 0x800 with a non-zero exponent is -2048 (not a special value, not +2048); exponent 8 is -8. */
    @Test
    void sfloatAtItsLimits() {
        assertThat(Ieee11073.sfloat(0x1800)).isEqualTo(-20480.0);
        assertThat(Ieee11073.sfloat(0x17FF)).isEqualTo(20470.0);
        assertThat(Ieee11073.sfloat(0x8001)).isEqualTo(1.0E-8);
        assertThat(Ieee11073.sfloat(0x7001)).isEqualTo(1.0E7);
        // exponent 0: 0x07FE..0x0802 are +INF, NaN, NRes, reserved and -INF; 0x07FD and 0x0803 are numbers
        assertThat(Ieee11073.sfloat(0x07FD)).isEqualTo(2045.0);
        assertThat(Ieee11073.sfloat(0x0803)).isEqualTo(-2045.0);
        assertThat(Ieee11073.sfloat(0x07FE)).isNull();
        assertThat(Ieee11073.sfloat(0x0802)).isNull();
    }

    /** A value set on a device (a target, a simulator's reading) fits exponents -8..7 and mantissas -2046..2045. */
    @Test
    void encodingAValueAtItsLimits() {
        assertThat(Ieee11073.toSfloat(1200, 2)).isEqualTo(0x200C); // 12 x 10^2
        assertThat(Ieee11073.toSfloat(20_450_000_000d, 7)).isEqualTo(0x77FD);
        assertThat(Ieee11073.toSfloat(0.00000001, -8)).isEqualTo(0x8001);
        assertThat(Ieee11073.toSfloat(2045, 0)).isEqualTo(0x07FD);
        assertThat(Ieee11073.toSfloat(-2046, 0)).isEqualTo(0x0802); // -2046 in 12 bits
        assertThatThrownBy(() -> Ieee11073.toSfloat(1, 8)).hasMessage("SFLOAT exponent 8 is outside -8..7");
        assertThatThrownBy(() -> Ieee11073.toSfloat(1, -9)).hasMessage("SFLOAT exponent -9 is outside -8..7");
        assertThatThrownBy(() -> Ieee11073.toSfloat(2046, 0))
                .hasMessage("2046.0 does not fit an SFLOAT with exponent 0");
        assertThatThrownBy(() -> Ieee11073.toSfloat(-2047, 0))
                .hasMessage("-2047.0 does not fit an SFLOAT with exponent 0");
    }

    /** A year, month or day of zero means "not known": no time, and the reading's clock is flagged unreliable. */
    @Test
    void anUnknownDatePartGivesNoTime() throws DecodeException {
        for (String date : new String[] {"0000 0B 17", "EA07 00 17", "EA07 0B 00"}) {
            // thermometer: Celsius, time stamp present, 36.9 (369e-1)
            Measurement m = GattDecoders.decode(0x2A1C, hex("02 710100FF " + date + " 07 1E 0F"))
                    .get(0);
            assertThat(m.deviceTime()).as(date).isNull();
            assertThat(m.flags()).as(date).containsExactly(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
            assertThat(m.value()).isEqualTo(36.9);
        }
    }

    /** Years 1582..9999 are dates; outside, the value is refused naming where the time stamp was. */
    @Test
    void yearsOutsideTheCalendarAreRefused() throws DecodeException {
        assertThat(GattDecoders.decode(0x2A1C, hex("02 710100FF 2E06 0A 0F 00 00 00"))
                        .get(0)
                        .deviceTime())
                .isEqualTo(LocalDateTime.of(1582, 10, 15, 0, 0));
        assertThat(GattDecoders.decode(0x2A1C, hex("02 710100FF 0F27 0C 1F 17 3B 3B"))
                        .get(0)
                        .deviceTime())
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59));
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("02 710100FF 2D06 0A 0F 00 00 00")))
                .hasMessage("timestamp at offset 5: year 1581 is outside 1582..9999");
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("02 710100FF 1027 01 01 00 00 00")))
                .hasMessage("timestamp at offset 5: year 10000 is outside 1582..9999");
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("02 710100FF EA07 02 1E 00 00 00")))
                .hasMessage("timestamp at offset 5 is not a date: 2026-2-30 0:0:0");
    }

    /** The hub sets a device's clock only with a year the Date Time can carry. */
    @Test
    void theHubWritesOnlyYearsTheDateTimeCanCarry() {
        assertThat(GattDateTime.encode(LocalDateTime.of(1582, 10, 15, 0, 0))).isEqualTo(hex("2E06 0A 0F 00 00 00"));
        assertThat(GattDateTime.encode(LocalDateTime.of(9999, 12, 31, 23, 59, 59)))
                .isEqualTo(hex("0F27 0C 1F 17 3B 3B"));
        assertThatThrownBy(() -> GattDateTime.encode(LocalDateTime.of(1581, 1, 1, 0, 0)))
                .hasMessage("year 1581 cannot be sent as a GATT Date Time");
        assertThatThrownBy(() -> GattDateTime.encode(LocalDateTime.of(10000, 1, 1, 0, 0)))
                .hasMessage("year 10000 cannot be sent as a GATT Date Time");
    }

    /** A value cut short in a 32-bit or 24-bit field is refused naming the field, not with an index error. */
    @Test
    void valuesCutShortNameTheField() {
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("00 710100")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("temperature needs 4 byte(s)");
        assertThatThrownBy(() -> WeightScaleFeature.parse(hex("0600 00")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("weight scale feature needs 4 byte(s)");
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, null))
                .isInstanceOf(DecodeException.class)
                .hasMessage("no value: the characteristic value is null");
    }

    /** Temperature types 1..9 are defined (armpit to tympanum); 0 and 10 refuse the value. */
    @Test
    void temperatureTypesAtTheirLimits() throws DecodeException {
        assertThat(GattDecoders.decode(0x2A1C, hex("04 710100FF 01")).get(0).value())
                .isEqualTo(36.9);
        assertThat(GattDecoders.decode(0x2A1C, hex("04 710100FF 09")).get(0).value())
                .isEqualTo(36.9);
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("04 710100FF 00")))
                .hasMessage("temperature type 0 is reserved (1..9 are defined)");
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("04 710100FF 0A")))
                .hasMessage("temperature type 10 is reserved (1..9 are defined)");
    }

    /** A heart rate belt's RR intervals come in 16-bit pairs; an odd byte left is refused, naming what is left. */
    @Test
    void rrIntervalsMustBeWhole() throws DecodeException {
        assertThat(GattDecoders.decode(0x2A37, hex("10 48 E803 E803")).get(0).value())
                .isEqualTo(72.0);
        assertThatThrownBy(() -> GattDecoders.decode(0x2A37, hex("10 48 E803 E8")))
                .hasMessage("RR intervals: 3 byte(s) left at offset 2, not a whole number of 16-bit intervals");
    }
}
