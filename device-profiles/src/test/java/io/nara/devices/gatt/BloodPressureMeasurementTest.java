package io.nara.devices.gatt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class BloodPressureMeasurementTest {

    private final BloodPressureMeasurement decoder = new BloodPressureMeasurement();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void mmHgWithTimestampPulseUserAndStatus() throws DecodeException {
        // flags 0x1E: mmHg, timestamp, pulse, user id, status; 120/80/93, 2026-11-23 07:30:15, pulse 72, user 1
        List<Measurement> m = decoder.decode(hex("1E 7800 5000 5D00 EA07 0B 17 07 1E 0F 4800 01 0000"));
        assertThat(m)
                .extracting(x -> x.code().code(), Measurement::value)
                .containsExactly(
                        Tuple.tuple("8480-6", 120.0),
                        Tuple.tuple("8462-4", 80.0),
                        Tuple.tuple("8478-0", 93.0),
                        Tuple.tuple("8867-4", 72.0));
        assertThat(m).allSatisfy(x -> {
            assertThat(x.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 30, 15));
            assertThat(x.userIndex()).isEqualTo(1);
            assertThat(x.flags()).isEmpty();
        });
        assertThat(m.get(0).unit()).isEqualTo("mm[Hg]");
        assertThat(m.get(3).unit()).isEqualTo("/min");
    }

    @Test
    void kPaIsConvertedToMmHg() throws DecodeException {
        // flags 0x01: kPa; 16.0 / 10.7 / 12.4 kPa as SFLOAT with exponent -1
        List<Measurement> m = decoder.decode(hex("01 A0F0 6BF0 7CF0"));
        assertThat(m).extracting(Measurement::value).containsExactly(120.0, 80.3, 93.0);
        assertThat(m.get(0).deviceTime()).isNull();
    }

    @Test
    void nanSystolicIsAFailedMeasurementNotANumber() throws DecodeException {
        List<Measurement> m = decoder.decode(hex("00 FF07 5000 5D00"));
        assertThat(m.get(0).value()).isNull();
        assertThat(m.get(0).flags()).containsExactly(ObservationFlag.MEASUREMENT_FAILED);
        assertThat(m.get(1).value()).isEqualTo(80.0);
    }

    @Test
    void statusBitsMakeTheReadingQuestionableAndUnsetClockIsFlagged() throws DecodeException {
        // body movement bit set; timestamp with year 0 = device clock never set; user 0xFF = unknown
        List<Measurement> m = decoder.decode(hex("1A 5500 3700 4100 0000 00 00 00 00 00 FF 0100"));
        assertThat(m).allSatisfy(x -> {
            assertThat(x.flags()).contains(ObservationFlag.QUESTIONABLE, ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
            assertThat(x.deviceTime()).isNull();
            assertThat(x.userIndex()).isNull();
        });
        assertThat(m.get(0).code()).isEqualTo(Vocabulary.SYSTOLIC);
    }

    @Test
    void truncatedValueNamesTheMissingField() {
        assertThatThrownBy(() -> decoder.decode(hex("06 7800 5000 5D00 EA07")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("timestamp month");
        assertThatThrownBy(() -> decoder.decode(new byte[0])).hasMessageContaining("flags");
        assertThatThrownBy(() -> decoder.decode(hex("02 7800 5000 5D00 EA07 0D 01 00 00 00")))
                .hasMessageContaining("is not a date");
    }
}
