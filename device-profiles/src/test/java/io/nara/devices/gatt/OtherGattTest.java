package io.nara.devices.gatt;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtherGattTest {

    @Test
    void heartRateFormatsContactAndRrIntervals() throws DecodeException {
        assertThat(GattDecoders.decode(0x2A37, hex("00 48")).get(0).value()).isEqualTo(72.0);
        assertThat(GattDecoders.decode(0x2A37, hex("01 2C01")).get(0).value()).isEqualTo(300.0);
        Measurement noContact = GattDecoders.decode(0x2A37, hex("04 48")).get(0);
        assertThat(noContact.flags())
                .containsExactlyInAnyOrder(ObservationFlag.POOR_SIGNAL, ObservationFlag.QUESTIONABLE);
        assertThat(GattDecoders.decode(0x2A37, hex("16 48 0004 0A04")).get(0).flags())
                .isEmpty();
        assertThatThrownBy(() -> GattDecoders.decode(0x2A37, hex("10 48 0004 0A")))
                .hasMessageContaining("RR");
    }

    @Test
    void temperatureFloatCelsiusFahrenheitAndSpecials() throws DecodeException {
        // FLOAT 0xFF00016C = 364 x 10^-1 = 36.4; timestamp; type 2 (body)
        Measurement c = GattDecoders.decode(0x2A1C, hex("06 6C0100FF EA07 0B 17 07 1E 0F 02"))
                .get(0);
        assertThat(c.value()).isEqualTo(36.4);
        assertThat(c.code()).isEqualTo(Vocabulary.BODY_TEMPERATURE);
        assertThat(c.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 30, 15));
        Measurement f = GattDecoders.decode(0x2A1C, hex("01 DA0300FF")).get(0); // 986 x 10^-1 = 98.6 F
        assertThat(f.value()).isEqualTo(37.0);
        assertThat(f.deviceValue()).isEqualTo(98.6);
        assertThat(f.deviceUnit()).isEqualTo("[degF]");
        assertThat(GattDecoders.decode(0x2A1C, hex("00 FFFF7F00")).get(0).value())
                .isNull(); // NaN
        assertThatThrownBy(() -> GattDecoders.decode(0x2A1C, hex("04 6C0100FF 0A")))
                .hasMessageContaining("temperature type 10 is reserved");
    }

    @Test
    void glucoseInKgPerLitreWithOffsetAndContextFlag() throws DecodeException {
        // flags 0x13: time offset, concentration (kg/L), context follows; seq 1; 2026-11-23 07:30:15 + 5 min;
        // 0xB05A = 90 x 10^-5 kg/L = 90 mg/dL; capillary whole blood (1), finger (1)
        GlucoseMeasurement.Record r =
                GlucoseMeasurement.parse(hex("13 0100 EA07 0B 17 07 1E 0F 0500 5AB0 11"), Quirks.NONE);
        assertThat(r.sequenceNumber()).isEqualTo(1);
        assertThat(r.contextFollows()).isTrue();
        Measurement m = r.measurements().get(0);
        assertThat(m.value()).isEqualTo(5.0);
        assertThat(m.deviceUnit()).isEqualTo("kg/L");
        assertThat(m.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 35, 15));
    }

    @Test
    void glucoseMolPerLitreControlSolutionAndStatus() throws DecodeException {
        // mol/L: 0xC037 = 55 x 10^-4 mol/L = 5.5 mmol/L; type 10 control solution
        Measurement control = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F 37C0 1A"))
                .get(0);
        assertThat(control.value()).isEqualTo(5.5);
        assertThat(control.flags()).containsExactly(ObservationFlag.NOT_PATIENT_DATA);
        // status: result higher than the device can process (bit 5) and strip insertion error (bit 3)
        Measurement high = GattDecoders.decode(0x2A18, hex("0E 0300 EA07 0B 17 07 1E 0F 37C0 11 2000"))
                .get(0);
        assertThat(high.flags()).containsExactly(ObservationFlag.ABOVE_MEASURING_RANGE);
        Measurement strip = GattDecoders.decode(0x2A18, hex("0E 0300 EA07 0B 17 07 1E 0F 37C0 11 0800"))
                .get(0);
        assertThat(strip.value()).isNull();
        assertThat(strip.deviceValue()).isEqualTo(0.0055);
    }

    @Test
    void glucoseContextWithHbA1c() throws DecodeException {
        // meal (2 postprandial), tester-health (self 1, no issues 5), HbA1c 6.5 % (0xF041)
        GlucoseMeasurementContext ctx = GlucoseMeasurementContext.parse(hex("46 0100 02 51 41F0"));
        assertThat(ctx).isEqualTo(new GlucoseMeasurementContext(1, 2, 1, 5, 6.5));
        List<Measurement> m = GattDecoders.decode(0x2A34, hex("46 0100 02 51 41F0"));
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(Vocabulary.HBA1C);
            assertThat(x.value()).isEqualTo(6.5);
        });
        assertThatThrownBy(() -> GlucoseMeasurementContext.parse(hex("02 0100 09")))
                .hasMessageContaining("meal 9");
    }

    @Test
    void clockEncodings() {
        LocalDateTime t = LocalDateTime.of(2026, 11, 23, 7, 30, 15, 500_000_000);
        assertThat(GattDateTime.encode(t)).isEqualTo(hex("EA07 0B 17 07 1E 0F"));
        // Monday = 1; 2026-11-23 is a Monday; 0.5 s = 128/256; external reference
        assertThat(CurrentTime.encode(t, CurrentTime.ADJUST_EXTERNAL_REFERENCE))
                .isEqualTo(hex("EA07 0B 17 07 1E 0F 01 80 02"));
        assertThatThrownBy(() -> CurrentTime.encode(t, 0x10)).hasMessageContaining("reserved");
    }

    @Test
    void racpRequestsAndResponses() throws DecodeException {
        assertThat(RecordAccessControlPoint.reportStoredRecords(new RecordAccessControlPoint.All()))
                .isEqualTo(hex("0101"));
        assertThat(RecordAccessControlPoint.reportStoredRecords(new RecordAccessControlPoint.FromSequence(0x0102)))
                .isEqualTo(hex("0103 01 0201"));
        assertThat(RecordAccessControlPoint.deleteStoredRecords(new RecordAccessControlPoint.Last()))
                .isEqualTo(hex("0206"));
        assertThat(RecordAccessControlPoint.reportNumberOfRecords(new RecordAccessControlPoint.First()))
                .isEqualTo(hex("0405"));
        assertThat(RecordAccessControlPoint.abort()).isEqualTo(hex("0300"));
        assertThat(RecordAccessControlPoint.parseResponse(hex("0500 0700")))
                .isEqualTo(new RecordAccessControlPoint.NumberOfRecords(7));
        assertThat(RecordAccessControlPoint.parseResponse(hex("0600 0101")))
                .isEqualTo(new RecordAccessControlPoint.ResponseCode(1, RecordAccessControlPoint.Code.SUCCESS));
        assertThat(RecordAccessControlPoint.parseResponse(hex("0600 0106")))
                .isEqualTo(
                        new RecordAccessControlPoint.ResponseCode(1, RecordAccessControlPoint.Code.NO_RECORDS_FOUND));
        assertThatThrownBy(() -> RecordAccessControlPoint.parseResponse(hex("0101")))
                .hasMessageContaining("operator must be 0");
        assertThatThrownBy(() -> RecordAccessControlPoint.parseResponse(hex("0600 010A")))
                .hasMessageContaining("reserved");
    }
}
