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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Glucose records (0x2A18) and their contexts (0x2A34) as a glucose meter hands them over through the RACP: every
 * sensor status bit on its own, records without a concentration, and a context with every optional field so that the
 * HbA1c is read where it really is.
 */
class GlucoseRecordsTest {

    /** 5.5 mmol/L (0.0055 mol/L) of capillary whole blood from a finger, at 2026-11-23 07:30:15, with a status. */
    private static Measurement withStatus(String status) throws DecodeException {
        return GattDecoders.decode(0x2A18, hex("0E 0300 EA07 0B 17 07 1E 0F 37C0 11 " + status))
                .get(0);
    }

    /**
     * Each bit of the Sensor Status Annunciation alone: a failed strip, sample or sensor gives no glucose value at
     * all; out of range and temperature are kept with their flag; a low battery is a device matter, not the reading's;
     * reserved bits mean nothing.
     */
    @Test
    void eachSensorStatusBitOnItsOwn() throws DecodeException {
        Map<String, Set<ObservationFlag>> byBit = Map.ofEntries(
                Map.entry("0100", Set.of()), // device battery low
                Map.entry("0200", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // sensor malfunction
                Map.entry("0400", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // sample size insufficient
                Map.entry("0800", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // strip insertion error
                Map.entry("1000", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // strip type incorrect
                Map.entry("2000", Set.of(ObservationFlag.ABOVE_MEASURING_RANGE)),
                Map.entry("4000", Set.of(ObservationFlag.BELOW_MEASURING_RANGE)),
                Map.entry("8000", Set.of(ObservationFlag.QUESTIONABLE)), // temperature too high
                Map.entry("0001", Set.of(ObservationFlag.QUESTIONABLE)), // temperature too low
                Map.entry("0002", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // read interrupted
                Map.entry("0004", Set.of(ObservationFlag.MEASUREMENT_FAILED)), // general device fault
                Map.entry("0008", Set.of(ObservationFlag.DEVICE_CLOCK_UNRELIABLE)), // time fault
                Map.entry("0010", Set.of()),
                Map.entry("0080", Set.of())); // reserved
        for (Map.Entry<String, Set<ObservationFlag>> e : byBit.entrySet()) {
            Measurement m = withStatus(e.getKey());
            assertThat(m.flags()).as(e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
            if (e.getValue().contains(ObservationFlag.MEASUREMENT_FAILED)) {
                assertThat(m.value()).as(e.getKey()).isNull();
            } else {
                assertThat(m.value()).as(e.getKey()).isEqualTo(5.5);
            }
            assertThat(m.deviceValue()).as(e.getKey()).isEqualTo(0.0055);
        }
    }

    /** A record that only announces its context (no concentration) delivers no glucose reading. */
    @Test
    void aRecordWithoutConcentrationDeliversNothing() throws DecodeException {
        GlucoseMeasurement.Record r = GlucoseMeasurement.parse(hex("10 0400 EA07 0B 17 07 1E 0F"), Quirks.NONE);
        assertThat(r.sequenceNumber()).isEqualTo(4);
        assertThat(r.contextFollows()).isTrue();
        assertThat(r.measurements()).isEmpty();
        GlucoseMeasurement.Record alone =
                GlucoseMeasurement.parse(hex("08 0500 EA07 0B 17 07 1E 0F 0000"), Quirks.NONE);
        assertThat(alone.contextFollows()).isFalse();
        assertThat(alone.measurements()).isEmpty();
    }

    /** A negative time offset (the meter's clock an hour ahead) moves the reading back; no context follows. */
    @Test
    void aNegativeTimeOffsetMovesTheReadingBack() throws DecodeException {
        GlucoseMeasurement.Record r =
                GlucoseMeasurement.parse(hex("03 0600 EA07 0B 17 07 1E 0F C4FF 5AB0 11"), Quirks.NONE);
        assertThat(r.contextFollows()).isFalse();
        Measurement m = r.measurements().get(0);
        assertThat(m.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 6, 30, 15));
        assertThat(m.deviceUnit()).isEqualTo("kg/L");
        assertThat(m.value()).isEqualTo(5.0);
    }

    /** Type 1 (capillary whole blood) at location 10 (not available) is the patient's blood, not a control. */
    @Test
    void typeAndLocationAreNotConfused() throws DecodeException {
        Measurement m = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F 37C0 A1"))
                .get(0);
        assertThat(m.flags()).isEmpty();
        assertThat(m.value()).isEqualTo(5.5);
    }

    /**
     * A context with every optional field (extended flags, carbohydrate, meal, tester and health, exercise,
     * medication, HbA1c): each is stepped over at its size, so the HbA1c of 7.2 % is the one the meter sent.
     */
    @Test
    void aContextWithEveryFieldReadsTheHba1cWhereItIs() throws DecodeException {
        byte[] full = hex("DF 0500 00 01 3200 03 51 100E 32 01 02D0 48F0");
        assertThat(GlucoseMeasurementContext.parse(full)).isEqualTo(new GlucoseMeasurementContext(5, 3, 1, 5, 7.2));
        assertThat(GattDecoders.decode(0x2A34, full)).singleElement().satisfies(m -> {
            assertThat(m.code()).isEqualTo(Vocabulary.HBA1C);
            assertThat(m.value()).isEqualTo(7.2);
        });
    }

    /** A context with only its sequence number: nothing else is read, and it is no observation. */
    @Test
    void aBareContextHasNothingToSay() throws DecodeException {
        assertThat(GlucoseMeasurementContext.parse(hex("00 0700")))
                .isEqualTo(new GlucoseMeasurementContext(7, null, null, null, null));
        assertThat(GattDecoders.decode(0x2A34, hex("00 0700"))).isEmpty();
        // only the HbA1c
        assertThat(GlucoseMeasurementContext.parse(hex("40 0700 48F0")).hba1cPercent())
                .isEqualTo(7.2);
    }

    /** Meals 1 (preprandial) to 5 (bedtime) are defined; 0 and 6 are reserved and refuse the context. */
    @Test
    void mealCodesOutsideOneToFiveAreRefused() throws DecodeException {
        assertThat(GlucoseMeasurementContext.parse(hex("02 0100 01")).meal()).isEqualTo(1);
        assertThat(GlucoseMeasurementContext.parse(hex("02 0100 05")).meal()).isEqualTo(5);
        assertThatThrownBy(() -> GlucoseMeasurementContext.parse(hex("02 0100 00")))
                .hasMessage("meal 0 is reserved (1..5 are defined)");
        assertThatThrownBy(() -> GlucoseMeasurementContext.parse(hex("02 0100 06")))
                .hasMessage("meal 6 is reserved (1..5 are defined)");
    }

    /** Tester in the low nibble, health in the high: a professional (2) testing a patient under stress (4). */
    @Test
    void testerAndHealthAreTheirOwnNibbles() throws DecodeException {
        GlucoseMeasurementContext c = GlucoseMeasurementContext.parse(hex("04 0100 42"));
        assertThat(c.tester()).isEqualTo(2);
        assertThat(c.health()).isEqualTo(4);
        assertThat(GlucoseMeasurementContext.parse(hex("04 0100 F2")).health()).isEqualTo(15);
    }

    /** A meter whose clock was never set (year 0) still delivers its glucose, without a time and flagged. */
    @Test
    void aRecordWithAnUnknownDateHasNoTime() throws DecodeException {
        Measurement m = GattDecoders.decode(0x2A18, hex("06 0200 0000 00 00 00 00 00 37C0 11"))
                .get(0);
        assertThat(m.deviceTime()).isNull();
        assertThat(m.flags()).containsExactly(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(m.value()).isEqualTo(5.5);
    }

    /** A concentration of NaN (0x07FF) is a failed measurement: no number, never 0 or NaN mmol/L. */
    @Test
    void aNotANumberConcentrationIsAFailedMeasurement() throws DecodeException {
        Measurement m = GattDecoders.decode(0x2A18, hex("06 0200 EA07 0B 17 07 1E 0F FF07 11"))
                .get(0);
        assertThat(m.value()).isNull();
        assertThat(m.flags()).contains(ObservationFlag.MEASUREMENT_FAILED);
    }
}
