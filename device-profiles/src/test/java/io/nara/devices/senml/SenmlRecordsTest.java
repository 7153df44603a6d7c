package io.nara.devices.senml;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * SenML packs as constrained CoAP devices send them, record by record: which fields make a reading, which make a
 * record that is skipped with its reason, and which make the whole pack refused (RFC 8428).
 */
class SenmlRecordsTest {

    private final SenmlDecoder decoder = new SenmlDecoder(ZoneId.of("Europe/Stockholm"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A scale that sends its tare as base value: the reading is base value plus value, in the base unit. */
    @Test
    void baseValueIsAddedToEachValueAndBaseUnitApplies() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("""
                [{"bn":"scale/","bv":80,"bu":"kg"},{"n":"weight","v":1.5},{"n":"weight","v":2.25,"u":"kg"}]"""));
        assertThat(r.measurements()).extracting(Measurement::value).containsExactly(81.5, 82.25);
        assertThat(r.measurements()).extracting(Measurement::deviceValue).containsExactly(81.5, 82.25);
        assertThat(r.measurements()).extracting(Measurement::unit).containsOnly("kg");
        assertThat(r.skipped()).isEmpty();
    }

    /** A later base record replaces the earlier base name and unit for the records after it. */
    @Test
    void aSecondBaseRecordChangesTheBaseForWhatFollows() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("""
                [{"bn":"bp:","bu":"mmHg"},{"n":"systolic","v":128},
                 {"bn":"meter.","bu":"mg/dL"},{"n":"glucose","v":108.1}]"""));
        assertThat(r.measurements())
                .extracting(Measurement::code)
                .containsExactly(Vocabulary.SYSTOLIC, Vocabulary.GLUCOSE);
        assertThat(r.measurements().get(1).deviceUnit()).isEqualTo("mg/dL");
        assertThat(r.measurements().get(1).value()).isCloseTo(6.0, Offset.offset(0.001));
    }

    /** A pack from a SenML version newer than RFC 8428 might mean something else by the same fields: refused. */
    @Test
    void aNewerSenmlVersionIsRefused() {
        assertThatThrownBy(() -> decoder.decodeJson(utf8("[{\"bver\":11,\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5}]")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("record 1")
                .hasMessageContaining("base version 11.0 is newer than RFC 8428");
    }

    /** A name or a unit without any value is a broken record, not a base record: the pack is refused. */
    @Test
    void aNameOrUnitWithoutValueIsRefused() {
        assertThatThrownBy(() -> decoder.decodeJson(
                        utf8("[{\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5}," + "{\"n\":\"weight\"}]")))
                .hasMessage("SenML record 2 has a name or unit but no value");
        assertThatThrownBy(() -> decoder.decodeJson(utf8("[{\"u\":\"kg\"}]")))
                .hasMessage("SenML record 1 has a name or unit but no value");
    }

    /**
     * String, boolean, data and sum values are valid SenML but not a clinical number: each is skipped with its reason
     * and the weight in the same pack still arrives.
     */
    @Test
    void nonNumericValuesAreSkippedAndTheRestArrives() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("""
                [{"bn":"dev:","n":"firmware","vs":"1.2.3"},{"n":"lid","vb":true},{"n":"blob","vd":"AAEC"},
                 {"n":"steps","s":1200},{"n":"weight","u":"kg","v":81.5}]"""));
        assertThat(r.measurements()).extracting(Measurement::code).containsExactly(Vocabulary.BODY_WEIGHT);
        assertThat(r.skipped())
                .containsExactly(
                        "record 1 (dev:firmware): not a numeric value",
                        "record 2 (dev:lid): not a numeric value",
                        "record 3 (dev:blob): not a numeric value",
                        "record 4 (dev:steps): not a numeric value");
    }

    /** A value without any unit (none in the record, none as base) cannot be trusted as kg or lb: skipped. */
    @Test
    void aValueWithoutAnyUnitIsSkipped() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("[{\"n\":\"weight\",\"v\":81.5}]"));
        assertThat(r.measurements()).isEmpty();
        assertThat(r.skipped()).containsExactly("record 1 (weight): no unit");
    }

    /** A unit the vocabulary cannot convert for that signal (a weight in stones) is skipped, naming the unit. */
    @Test
    void anUnknownUnitIsSkippedNamingIt() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("[{\"n\":\"weight\",\"u\":\"st\",\"v\":12.8}]"));
        assertThat(r.measurements()).isEmpty();
        assertThat(r.skipped()).containsExactly("record 1 (weight): unit 'st' is not known for Body weight");
    }

    /** A thermometer's "Temperature" (any case, any prefix) is the body temperature; its "weight" stays a weight. */
    @Test
    void aThermometersTemperatureInAnyCaseIsTheBodyTemperature() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("""
                [{"bn":"urn:dev:ow:10e2073a0108006:","n":"Temperature","u":"Cel","v":38.4},
                 {"n":"weight","u":"kg","v":81.5}]"""), new SenmlDecoder.Context(null, true));
        assertThat(r.measurements())
                .extracting(Measurement::code)
                .containsExactly(Vocabulary.BODY_TEMPERATURE, Vocabulary.BODY_WEIGHT);
        assertThat(r.measurements().get(0).value()).isEqualTo(38.4);
    }

    /** A scale's "Temp" in another case is still not a body temperature. */
    @Test
    void anotherDevicesTemperatureInAnyCaseIsSkipped() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(utf8("[{\"n\":\"scale.TEMP\",\"u\":\"Cel\",\"v\":21.5}]"));
        assertThat(r.measurements()).isEmpty();
        assertThat(r.skipped()).singleElement().asString().startsWith("record 1 (scale.TEMP): a temperature");
    }

    /** Names are matched by their last segment after ':', '/' or '.', ignoring case and punctuation. */
    @Test
    void namesAreMatchedByTheirLastSegment() {
        assertThat(SenmlDecoder.resolve("urn:dev:mac:0024befffe804ff1:Body-Weight"))
                .contains(Vocabulary.BODY_WEIGHT);
        assertThat(SenmlDecoder.resolve("clinic/bp/systolic")).contains(Vocabulary.SYSTOLIC);
        assertThat(SenmlDecoder.resolve("bp.v2.diastolic")).contains(Vocabulary.DIASTOLIC);
        assertThat(SenmlDecoder.resolve("a.b/c:SpO2")).contains(Vocabulary.SPO2);
        assertThat(SenmlDecoder.resolve("oximeter/spo2:battery")).isEmpty();
        // the part before the last separator is not a signal: a device called "weight" reporting its battery
        assertThat(SenmlDecoder.resolve("weight.battery")).isEmpty();
        assertThat(SenmlDecoder.resolve("weight/battery")).isEmpty();
        assertThat(SenmlDecoder.resolve("weight:battery")).isEmpty();
    }

    /**
     * The boundary of RFC 8428's relative times is 2^28 s: 2^28 itself is an absolute time (1978-07-04T21:24:16Z),
     * one second less is "2^28 - 1 s from now", which a decoder without the time of receipt must not date.
     */
    @Test
    void absoluteTimesStartAtTwoToTheTwentyEighth() throws DecodeException {
        SenmlDecoder utc = new SenmlDecoder(ZoneId.of("UTC"));
        SenmlDecoder.Result r = utc.decodeJson(utf8("""
                [{"n":"weight","u":"kg","v":81.5,"t":268435456},{"n":"weight","u":"kg","v":81.6,"t":268435455}]"""));
        assertThat(r.measurements())
                .extracting(Measurement::deviceTime)
                .containsExactly(LocalDateTime.of(1978, 7, 4, 21, 24, 16), null);
    }

    /** Fractions of a second are kept, for absolute and for relative times. */
    @Test
    void fractionsOfASecondAreKept() throws DecodeException {
        Instant received = Instant.parse("2026-11-23T06:35:15Z");
        SenmlDecoder.Result r = decoder.decodeJson(utf8("""
                [{"n":"weight","u":"kg","v":81.5,"t":1795415715.25},{"n":"weight","u":"kg","v":81.6,"t":-0.5}]"""), new SenmlDecoder.Context(received, false));
        assertThat(r.measurements())
                .extracting(Measurement::deviceTime)
                .containsExactly(
                        LocalDateTime.of(2026, 11, 23, 7, 35, 15, 250_000_000),
                        LocalDateTime.of(2026, 11, 23, 7, 35, 14, 500_000_000));
    }

    /** A time after the year 9999 is a broken clock, not a reading to store: the pack is refused naming the time. */
    @Test
    void aTimeAfterTheYear9999IsRefused() throws DecodeException {
        assertThatThrownBy(() -> decoder.decodeJson(
                        utf8("[{\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5," + "\"t\":253402300800}]")))
                .hasMessage("SenML record 1: time 2.534023008E11 is after the year 9999");
        // the last second of 9999 is still a time
        SenmlDecoder utc = new SenmlDecoder(ZoneId.of("UTC"));
        assertThat(utc.decodeJson(utf8("[{\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5,\"t\":253402300799}]"))
                        .measurements()
                        .get(0)
                        .deviceTime())
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59));
    }

    /** Every field has its RFC 8428 type; a base name that is a number or a non-object record refuses the pack. */
    @Test
    void mistypedFieldsAndRecordsAreRefused() {
        assertThatThrownBy(() -> decoder.decodeJson(utf8("[{\"bn\":42,\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5}]")))
                .hasMessage("SenML record 1: field bn must be a string");
        assertThatThrownBy(() -> decoder.decodeJson(utf8("[{\"n\":\"weight\",\"u\":\"kg\",\"v\":81.5},42]")))
                .hasMessage("SenML record 2 is not an object");
        assertThatThrownBy(() -> decoder.decodeJson(new byte[0])).hasMessage("SenML JSON pack is empty");
        assertThatThrownBy(() -> decoder.decodeJson(null)).hasMessage("SenML JSON pack is empty");
        assertThatThrownBy(() -> decoder.decodeCbor(new byte[0])).hasMessage("SenML CBOR pack is empty");
    }

    /** CBOR has NaN, which JSON cannot carry: a weight of NaN is refused, never a number. */
    @Test
    void aCborNotANumberIsRefused() {
        // [{0: "weight", 1: "kg", 2: NaN (half precision)}]
        byte[] cbor = hex("81 A3 00 66 776569676874 01 62 6B67 02 F9 7E00");
        assertThatThrownBy(() -> decoder.decodeCbor(cbor))
                .hasMessage("SenML record 1: field v must be a finite number");
        // ... and so is an infinite one
        byte[] infinite = hex("81 A3 00 66 776569676874 01 62 6B67 02 F9 7C00");
        assertThatThrownBy(() -> decoder.decodeCbor(infinite))
                .hasMessage("SenML record 1: field v must be a finite number");
    }

    /** The CBOR labels of base time (-3), base unit (-4), base value (-5) and time (6) mean what their names do. */
    @Test
    void cborBaseLabelsAreUnderstood() throws DecodeException {
        // [{-2: "s:", -3: 1795415715, -4: "kg", -5: 80}, {0: "weight", 2: 1.5, 6: 10}]
        byte[] cbor =
                hex("82 A4 21 62 733A 22 1A 6B03 DEA3 23 62 6B67 24 18 50" + " A3 00 66 776569676874 02 F9 3E00 06 0A");
        SenmlDecoder.Result r = decoder.decodeCbor(cbor);
        assertThat(r.measurements()).singleElement().satisfies(m -> {
            assertThat(m.code()).isEqualTo(Vocabulary.BODY_WEIGHT);
            assertThat(m.value()).isEqualTo(81.5);
            assertThat(m.deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 35, 25));
        });
    }
}
