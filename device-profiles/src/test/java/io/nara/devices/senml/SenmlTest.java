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
import org.junit.jupiter.api.Test;

class SenmlTest {

    private final SenmlDecoder decoder = new SenmlDecoder(ZoneId.of("Europe/Stockholm"));

    @Test
    void jsonPackWithBaseValuesUnitsAndTimes() throws DecodeException {
        String pack = """
                [{"bn":"urn:dev:mac:0024befffe804ff1:","bt":1795415715,"bu":"kg","bver":10,"n":"weight","v":81.5},
                 {"n":"systolic","u":"mmHg","v":128,"t":10},
                 {"n":"temp","u":"Cel","v":36.9},
                 {"n":"8867-4","u":"beat/min","v":64},
                 {"n":"battery","u":"%EL","v":80},
                 {"n":"firmware","vs":"1.2.3"}]""";
        // a device whose profile is a thermometer: its "temp" is a body temperature
        SenmlDecoder.Result r =
                decoder.decodeJson(pack.getBytes(StandardCharsets.UTF_8), new SenmlDecoder.Context(null, true));
        assertThat(r.measurements())
                .extracting(Measurement::code)
                .containsExactly(
                        Vocabulary.BODY_WEIGHT,
                        Vocabulary.SYSTOLIC,
                        Vocabulary.BODY_TEMPERATURE,
                        Vocabulary.HEART_RATE);
        assertThat(r.measurements()).extracting(Measurement::value).containsExactly(81.5, 128.0, 36.9, 64.0);
        // 1795415715 = 2026-11-23T06:35:15Z = 07:35:15 in Stockholm
        assertThat(r.measurements().get(0).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 35, 15));
        assertThat(r.measurements().get(1).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 35, 25));
        assertThat(r.skipped())
                .containsExactly(
                        "record 5 (urn:dev:mac:0024befffe804ff1:battery): not a signal Nära knows",
                        "record 6 (urn:dev:mac:0024befffe804ff1:firmware): not a numeric value");
    }

    @Test
    void relativeTimesGiveNoDeviceTimeAndPoundsAreConverted() throws DecodeException {
        SenmlDecoder.Result r = decoder.decodeJson(
                "[{\"n\":\"weight\",\"u\":\"lb\",\"v\":180,\"t\":-5}]".getBytes(StandardCharsets.UTF_8));
        Measurement m = r.measurements().get(0);
        assertThat(m.deviceTime()).isNull();
        assertThat(m.value()).isEqualTo(81.646627);
        assertThat(m.deviceValue()).isEqualTo(180.0);
    }

    /**
     * A clockless CoAP scale sends its morning weight and the one it kept from two minutes earlier as bt = -30 with
     * t = 30 and t = -90 (RFC 8428: relative to now): they are counted back from the hub's receipt, not both stamped
     * with it.
     */
    @Test
    void relativeTimesCountBackFromTheHubsReceipt() throws DecodeException {
        Instant received = Instant.parse("2026-11-23T06:35:15Z"); // 07:35:15 in Stockholm
        SenmlDecoder.Result r =
                decoder.decodeJson("""
                [{"bn":"scale:","bt":-30,"n":"weight","u":"kg","v":81.5,"t":30},
                 {"n":"weight","u":"kg","v":81.7,"t":-90}]""".getBytes(StandardCharsets.UTF_8), new SenmlDecoder.Context(received, false));
        assertThat(r.measurements())
                .extracting(Measurement::deviceTime)
                .containsExactly(LocalDateTime.of(2026, 11, 23, 7, 35, 15), LocalDateTime.of(2026, 11, 23, 7, 33, 15));
    }

    /** A scale's SenML "temp" is the room's or the scale's, not the patient's: never a body temperature. */
    @Test
    void aTemperatureFromADeviceThatIsNotAThermometerIsNotABodyTemperature() throws DecodeException {
        SenmlDecoder.Result r =
                decoder.decodeJson("""
                [{"n":"weight","u":"kg","v":81.5},{"n":"temp","u":"Cel","v":21.5}]""".getBytes(StandardCharsets.UTF_8), new SenmlDecoder.Context(null, false));
        assertThat(r.measurements()).extracting(Measurement::code).containsExactly(Vocabulary.BODY_WEIGHT);
        assertThat(r.skipped()).singleElement().asString().contains("temp", "not a body thermometer");
    }

    @Test
    void cborPackWithIntegerLabels() throws DecodeException {
        // [{-2: "dev:", 0: "weight", 1: "kg", 2: 81.5}]
        byte[] cbor = hex("81 A4 21 64 6465763A 00 66 776569676874 01 62 6B67 02 FB 4054600000000000");
        SenmlDecoder.Result r = decoder.decodeCbor(cbor);
        assertThat(r.measurements()).singleElement().satisfies(m -> {
            assertThat(m.code()).isEqualTo(Vocabulary.BODY_WEIGHT);
            assertThat(m.value()).isEqualTo(81.5);
        });
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> decoder.decodeJson("{\"n\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("must be an array");
        assertThatThrownBy(() -> decoder.decodeJson(
                        "[{\"n\":\"weight\",\"u\":\"kg\",\"v\":\"81\"}]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("field v must be a finite number");
        assertThatThrownBy(() ->
                        decoder.decodeJson("[{\"n\":\"weight\",\"v\":1,\"x_\":1}]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("mandatory-to-understand field 'x_'");
        assertThatThrownBy(() -> decoder.decodeJson("[{\"v\":1}]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("has no name");
        assertThatThrownBy(() -> decoder.decodeJson("[{\"n\":".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("SenML JSON is malformed");
        assertThatThrownBy(() -> decoder.decodeCbor(hex("81 A1 00"))).hasMessageContaining("SenML CBOR is malformed");
    }
}
