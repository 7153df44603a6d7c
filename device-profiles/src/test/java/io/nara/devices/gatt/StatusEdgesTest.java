package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static io.nara.protocol.message.ObservationFlag.MEASUREMENT_FAILED;
import static io.nara.protocol.message.ObservationFlag.NOT_PATIENT_DATA;
import static io.nara.protocol.message.ObservationFlag.POOR_SIGNAL;
import static io.nara.protocol.message.ObservationFlag.QUESTIONABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Status bits a device reports that decide whether a value may reach the rules: a demo or control value must never
 * raise an alert, a disconnected sensor's number must never be read as the patient's.
 */
class StatusEdgesTest {

    private final PlxContinuousMeasurement continuous = new PlxContinuousMeasurement();

    @Test
    void aContinuousOximeterInDemonstrationModeIsNotThePatient() throws DecodeException {
        // flags: measurement status present; SpO2 97, pulse 72; status bit 10 (demonstration), little-endian
        List<Measurement> m = continuous.decode(hex("04 6100 4800 0004"));
        assertThat(m).allSatisfy(x -> assertThat(x.flags()).contains(NOT_PATIENT_DATA, QUESTIONABLE));
        assertThat(m).extracting(Measurement::value).containsExactly(97.0, 72.0);
    }

    @Test
    void aContinuousOximeterWhoseSensorIsOffTheFingerGivesNoValue() throws DecodeException {
        // flags: sensor status present; bit 11 "sensor unconnected to user"
        List<Measurement> m = continuous.decode(hex("08 6100 4800 000800"));
        assertThat(m).allSatisfy(x -> {
            assertThat(x.value()).isNull();
            assertThat(x.flags()).contains(MEASUREMENT_FAILED);
        });
        assertThat(m.get(0).deviceValue()).isEqualTo(97.0);
    }

    @Test
    void theUpperByteOfTheTwentyFourBitSensorStatusIsReadAsTheUpperByte() throws DecodeException {
        // Reserved bits 16-23 set, nothing else: no flag. Read as the middle byte, they would be bits 8-15 (sensor
        // unconnected, malfunctioning, ...), and a good reading would be thrown away.
        List<Measurement> reserved = continuous.decode(hex("08 6100 4800 0000FF"));
        assertThat(reserved).allSatisfy(x -> assertThat(x.flags()).isEmpty());
        // Bit 11 with reserved bits beside it: still a sensor off the finger.
        List<Measurement> unconnected = new PlxSpotCheckMeasurement().decode(hex("04 6100 4800 0008FF"));
        assertThat(unconnected.get(0).flags()).contains(MEASUREMENT_FAILED);
        // The pulse amplitude index after a 24-bit status is read from the right place.
        List<Measurement> withIndex = continuous.decode(hex("18 6100 4800 200000 F4FF"));
        assertThat(withIndex.get(0).flags()).containsExactlyInAnyOrder(POOR_SIGNAL, QUESTIONABLE);
    }

    @Test
    void theSixteenBitSensorStatusQuirkAppliesToTheContinuousCharacteristicToo() throws DecodeException {
        List<Measurement> m =
                continuous.decode(hex("18 6100 4800 2000 F4FF"), Quirks.of(Quirk.PLX_SENSOR_STATUS_16_BIT));
        assertThat(m.get(0).flags()).containsExactlyInAnyOrder(POOR_SIGNAL, QUESTIONABLE);
        assertThat(m.get(0).value()).isEqualTo(97.0);
    }

    @Test
    void aGlucoseControlSolutionIsRecognisedByItsSampleLocationAlone() throws DecodeException {
        // type 1 (capillary whole blood), location 4 (control solution)
        Measurement byLocation = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F 37C0 41"))
                .get(0);
        assertThat(byLocation.flags()).contains(NOT_PATIENT_DATA);
        // type 1, location 1 (finger): the patient's blood
        Measurement finger = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F 37C0 11"))
                .get(0);
        assertThat(finger.flags()).doesNotContain(NOT_PATIENT_DATA);
        // type 1, location 2 (alternate site test): the patient's blood, not a control
        Measurement alternate = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F 37C0 21"))
                .get(0);
        assertThat(alternate.flags()).doesNotContain(NOT_PATIENT_DATA);
    }
}
