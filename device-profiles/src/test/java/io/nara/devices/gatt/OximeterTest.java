package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static io.nara.protocol.message.ObservationFlag.DEVICE_CLOCK_UNRELIABLE;
import static io.nara.protocol.message.ObservationFlag.MEASUREMENT_FAILED;
import static io.nara.protocol.message.ObservationFlag.POOR_SIGNAL;
import static io.nara.protocol.message.ObservationFlag.PRELIMINARY;
import static io.nara.protocol.message.ObservationFlag.QUESTIONABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OximeterTest {

    private final PlxSpotCheckMeasurement spot = new PlxSpotCheckMeasurement();

    @Test
    void spotCheckWithTimestampAndCleanStatus() throws DecodeException {
        // SpO2 98 %, pulse 72, 2026-11-23 07:30:15, status: validated data (bit 7), sensor status 0
        List<Measurement> m = spot.decode(hex("07 6200 4800 EA07 0B 17 07 1E 0F 8000 000000"));
        assertThat(m).extracting(Measurement::code).containsExactly(Vocabulary.SPO2, Vocabulary.HEART_RATE);
        assertThat(m).extracting(Measurement::value).containsExactly(98.0, 72.0);
        assertThat(m).allSatisfy(x -> {
            assertThat(x.flags()).isEmpty();
            assertThat(x.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 30, 15));
        });
    }

    @ParameterizedTest(name = "measurement status 0x{0} -> {1}")
    @CsvSource({
        "0020, PRELIMINARY", "0040, PRELIMINARY", "1000, PRELIMINARY",
        "0400, NOT_PATIENT_DATA", "0800, NOT_PATIENT_DATA", "4000, QUESTIONABLE"
    })
    void measurementStatusBits(String status, String flag) throws DecodeException {
        String le = status.substring(2) + status.substring(0, 2);
        Measurement m = spot.decode(hex("02 6200 4800 " + le)).get(0);
        assertThat(m.flags()).contains(ObservationFlag.valueOf(flag), QUESTIONABLE);
        assertThat(m.value()).isEqualTo(98.0);
    }

    @Test
    void invalidOrUnavailableIsAFailedMeasurementKeepingTheDevicesNumber() throws DecodeException {
        for (String status : new String[] {"0020", "0080"}) { // bit 13 unavailable, bit 15 invalid (LE)
            Measurement m = spot.decode(hex("02 6200 4800 " + status)).get(0);
            assertThat(m.value()).isNull();
            assertThat(m.deviceValue()).isEqualTo(98.0);
            assertThat(m.flags()).contains(MEASUREMENT_FAILED);
        }
    }

    @Test
    void sensorStatusSignalProblemsAndSensorFailures() throws DecodeException {
        Measurement lowPerfusion = spot.decode(hex("04 6200 4800 200000")).get(0); // bit 5
        assertThat(lowPerfusion.flags()).containsExactlyInAnyOrder(POOR_SIGNAL, QUESTIONABLE);
        Measurement disconnected = spot.decode(hex("04 6200 4800 008000")).get(0); // bit 15
        assertThat(disconnected.flags()).contains(MEASUREMENT_FAILED);
        Measurement malfunction = spot.decode(hex("04 6200 4800 020000")).get(0); // bit 1
        assertThat(malfunction.value()).isNull();
        Measurement ongoing = spot.decode(hex("04 6200 4800 000200")).get(0); // bit 9 signal analysis ongoing
        assertThat(ongoing.flags()).containsExactlyInAnyOrder(PRELIMINARY, QUESTIONABLE);
    }

    @Test
    void deviceClockNotSetFlagDropsTheTimestamp() throws DecodeException {
        Measurement m = spot.decode(hex("11 6200 4800 B207 01 01 00 00 00")).get(0);
        assertThat(m.deviceTime()).isNull();
        assertThat(m.flags()).containsExactly(DEVICE_CLOCK_UNRELIABLE);
    }

    @Test
    void sixteenBitSensorStatusQuirk() throws DecodeException {
        byte[] value = hex("0C 6200 4800 2000 F4FF");
        assertThatThrownBy(() -> spot.decode(value)).isInstanceOf(DecodeException.class); // strict: PAI truncated
        List<Measurement> m = spot.decode(value, Quirks.of(Quirk.PLX_SENSOR_STATUS_16_BIT));
        assertThat(m.get(0).flags()).containsExactlyInAnyOrder(POOR_SIGNAL, QUESTIONABLE);
    }

    @Test
    void continuousNormalFastSlowAndNanPulse() throws DecodeException {
        // fast + slow + status + sensor + PAI; normal SpO2 97, pulse NaN
        List<Measurement> m =
                new PlxContinuousMeasurement().decode(hex("1F 6100 FF07 6100 4800 6000 4700 0000 000000 F4FF"));
        assertThat(m).extracting(Measurement::value).containsExactly(97.0, null);
        assertThat(m.get(1).flags()).containsExactly(MEASUREMENT_FAILED);
        assertThat(m.get(0).flags()).isEmpty();
        assertThat(m.get(0).deviceTime()).isNull();
    }
}
