package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static io.nara.protocol.message.ObservationFlag.BODY_MOVEMENT;
import static io.nara.protocol.message.ObservationFlag.CUFF_FIT;
import static io.nara.protocol.message.ObservationFlag.DEVICE_CLOCK_UNRELIABLE;
import static io.nara.protocol.message.ObservationFlag.IMPROPER_POSITION;
import static io.nara.protocol.message.ObservationFlag.IRREGULAR_PULSE;
import static io.nara.protocol.message.ObservationFlag.MEASUREMENT_FAILED;
import static io.nara.protocol.message.ObservationFlag.PULSE_RATE_OUT_OF_RANGE;
import static io.nara.protocol.message.ObservationFlag.QUESTIONABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoreBloodPressureTest {

    private final BloodPressureMeasurement decoder = new BloodPressureMeasurement();

    @Test
    void publishedCaptureOfAnErrorReadingIsFailedNotTheNumber2047() throws DecodeException {
        // A cuff showing "Err" (movement) as captured in a public app's issue tracker: flags 0x16, all values NaN,
        // timestamp 2024-06-23 14:35:10, pulse NaN, status 0. Libraries that ignore SFLOAT specials show 2047 mmHg.
        List<Measurement> m = decoder.decode(hex("16 FF07 FF07 FF07 E807 06 17 0E 23 0A FF07 0000"));
        assertThat(m).hasSize(4).allSatisfy(x -> {
            assertThat(x.value()).isNull();
            assertThat(x.deviceValue()).isNull();
            assertThat(x.flags()).containsExactly(MEASUREMENT_FAILED);
            assertThat(x.deviceTime()).isEqualTo(LocalDateTime.of(2024, 6, 23, 14, 35, 10));
        });
    }

    @ParameterizedTest(name = "status 0x{0}")
    @CsvSource({
        "0001, BODY_MOVEMENT",
        "0002, CUFF_FIT",
        "0004, IRREGULAR_PULSE",
        "0008, PULSE_RATE_OUT_OF_RANGE",
        "0010, PULSE_RATE_OUT_OF_RANGE",
        "0020, IMPROPER_POSITION"
    })
    void everyStatusBitHasItsFlagUnderTheQuestionableUmbrella(String status, String flag) throws DecodeException {
        String le = status.substring(2) + status.substring(0, 2);
        Measurement systolic = decoder.decode(hex("10 7800 5000 5D00 " + le)).get(0);
        assertThat(systolic.flags()).containsExactlyInAnyOrder(ObservationFlag.valueOf(flag), QUESTIONABLE);
        assertThat(systolic.value()).isEqualTo(120.0);
    }

    @Test
    void allStatusBitsTogether() throws DecodeException {
        assertThat(decoder.decode(hex("10 7800 5000 5D00 3F00")).get(0).flags())
                .containsExactlyInAnyOrder(
                        BODY_MOVEMENT,
                        CUFF_FIT,
                        IRREGULAR_PULSE,
                        PULSE_RATE_OUT_OF_RANGE,
                        IMPROPER_POSITION,
                        QUESTIONABLE);
    }

    @Test
    void kPaKeepsTheDevicesOwnValueAndUnit() throws DecodeException {
        Measurement systolic = decoder.decode(hex("01 A0F0 6BF0 7CF0")).get(0);
        assertThat(systolic.value()).isEqualTo(120.0);
        assertThat(systolic.deviceValue()).isEqualTo(16.0);
        assertThat(systolic.deviceUnit()).isEqualTo("kPa");
        assertThat(systolic.unit()).isEqualTo("mm[Hg]");
    }

    @Test
    void unsetClockQuirkTurnsAFactoryDateIntoNoTime() throws DecodeException {
        // An Omron-style cuff that lost its clock stamps 2017-01-01 00:00:59 instead of year 0.
        byte[] value = hex("1E 7F00 5500 6400 E107 01 01 00 00 3B 4000 01 0000");
        Quirks omron = new Quirks(Set.of(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE), LocalDate.of(2018, 1, 1));
        Measurement strict = decoder.decode(value).get(0);
        Measurement quirked = decoder.decode(value, omron).get(0);
        assertThat(strict.deviceTime()).isEqualTo(LocalDateTime.of(2017, 1, 1, 0, 0, 59));
        assertThat(strict.flags()).isEmpty();
        assertThat(quirked.deviceTime()).isNull();
        assertThat(quirked.flags()).containsExactly(DEVICE_CLOCK_UNRELIABLE);
        assertThat(quirked.value()).isEqualTo(127.0);
        // A real time after the cut-off stays.
        byte[] real = hex("1E 7F00 5500 6400 EA07 0B 17 07 1E 0F 4000 02 0000");
        assertThat(decoder.decode(real, omron).get(0).deviceTime())
                .isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 30, 15));
    }

    @Test
    void zeroPulseAndMeanQuirks() throws DecodeException {
        byte[] value = hex("04 7800 5000 0000 0000");
        assertThat(decoder.decode(value)).extracting(Measurement::value).containsExactly(120.0, 80.0, 0.0, 0.0);
        Quirks q = Quirks.of(Quirk.PULSE_RATE_ZERO_MEANS_NOT_MEASURED, Quirk.MEAN_PRESSURE_ZERO_MEANS_NOT_MEASURED);
        assertThat(decoder.decode(value, q)).extracting(Measurement::value).containsExactly(120.0, 80.0, null, null);
    }

    @Test
    void intermediateCuffPressureIsNoObservation() throws DecodeException {
        byte[] value = hex("00 6E00 FF07 FF07");
        assertThat(GattDecoders.decode(IntermediateCuffPressure.UUID16, value)).isEmpty();
        assertThat(IntermediateCuffPressure.cuffPressureMmHg(value)).isEqualTo(110.0);
    }

    @Test
    void fullUuidsAreAccepted() throws DecodeException {
        assertThat(GattDecoders.parseUuid("00002A35-0000-1000-8000-00805F9B34FB"))
                .isEqualTo(0x2A35);
        assertThat(GattDecoders.parseUuid("0x2a9d")).isEqualTo(0x2A9D);
        Assertions.assertThatThrownBy(() -> GattDecoders.parseUuid("233BF001-5A34-1B6D-975C-000D5690ABE4"))
                .hasMessageContaining("not a 16-bit or Bluetooth-base");
    }
}
