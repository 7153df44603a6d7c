package io.nara.devices.astm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AstmTest {

    private static final List<String> MESSAGE = List.of(
            "H|\\^&|||i-STAT^DS|||||||P|LIS2-A2|20261123081500",
            "P|1||19401231-1234",
            "O|1|CART-77||^^^CHEM8|R||20261123080500",
            "R|1|^^^Na|139|mmol/L|136-145|N||F||||20261123081000",
            "R|2|^^^K|5.9|mmol/L|3.5-4.9|H||F||||20261123081000",
            "R|3|^^^Crea|1.4|mg/dL|0.6-1.3|H||F||||20261123081000",
            "R|4|^^^Hb|>25.5|g/dL||>||F",
            "R|5|^^^iCa|1.2|mmol/L||N||F",
            "R|6|^^^eGFR||mL/min/1.73m2||||X",
            "C|1|I|cartridge lot 123|G",
            "L|1|N");

    private final AstmRecords records = new AstmRecords(Analytes.COMMON_ONLY, Quirks.NONE);

    @Test
    void resultsAreMappedConvertedAndFlagged() throws DecodeException {
        AnalyzerReport report = records.parse(MESSAGE);
        List<Measurement> m = report.measurements();
        assertThat(m)
                .extracting(Measurement::code)
                .containsExactly(
                        Vocabulary.SODIUM,
                        Vocabulary.POTASSIUM,
                        Vocabulary.CREATININE,
                        Vocabulary.HEMOGLOBIN,
                        Vocabulary.EGFR);
        assertThat(m).extracting(Measurement::value).containsExactly(139.0, 5.9, 123.788, 255.0, null);
        assertThat(m.get(3).unit()).isEqualTo("g/L"); // sent as >25.5 g/dL, stored as Swedish labs report it
        assertThat(m.get(1).flags()).containsExactly(ObservationFlag.ABNORMAL);
        assertThat(m.get(2).deviceValue()).isEqualTo(1.4);
        assertThat(m.get(2).deviceUnit()).isEqualTo("mg/dL");
        assertThat(m.get(2).unit()).isEqualTo("umol/L");
        assertThat(m.get(2).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 8, 10));
        assertThat(m.get(3).flags()).contains(ObservationFlag.ABOVE_MEASURING_RANGE);
        assertThat(m.get(3).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 8, 5)); // collection time
        assertThat(m.get(4).flags()).containsExactly(ObservationFlag.MEASUREMENT_FAILED);
        assertThat(report.results().get(0).patientId()).isEqualTo("19401231-1234");
        assertThat(report.results().get(0).sampleId()).isEqualTo("CART-77");
        assertThat(report.skipped()).containsExactly("record 8: unknown test code 'iCa'");
    }

    @Test
    void framesWrapFromSevenToZeroAndSurviveARetransmission() {
        List<String> long12 = new ArrayList<>(List.of(MESSAGE.get(0), MESSAGE.get(1)));
        for (int i = 0; i < 9; i++) {
            long12.add("R|" + (i + 1) + "|^^^K|4." + i + "|mmol/L||N||F");
        }
        long12.add("L|1|N");
        List<byte[]> frames = AstmFrames.frames(long12);
        assertThat(frames).hasSize(12);
        assertThat(frames.get(6)[1]).isEqualTo((byte) '7');
        assertThat(frames.get(7)[1]).isEqualTo((byte) '0');

        AstmLinkReceiver rx = new AstmLinkReceiver();
        assertThat(sent(rx.onBytes(new byte[] {AstmFrames.ENQ}))).isEqualTo("ACK");
        for (int i = 0; i < frames.size() - 1; i++) {
            assertThat(sent(rx.onBytes(frames.get(i)))).isEqualTo("ACK");
            if (i == 3) {
                assertThat(sent(rx.onBytes(frames.get(i)))).isEqualTo("ACK"); // repeat: ACKed, kept once
            }
        }
        List<AstmLinkReceiver.Action> last = rx.onBytes(frames.get(frames.size() - 1));
        assertThat(last)
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).isEqualTo(long12));
        assertThat(sent(rx.stored())).isEqualTo("ACK"); // the last ACK only after the outbox has it
        assertThat(rx.onBytes(new byte[] {AstmFrames.EOT})).isEmpty();
    }

    @Test
    void longRecordsAreSplitWithEtbAndBadFramesAreNaked() {
        String longRecord = "C|1|I|" + "x".repeat(300) + "|G";
        List<byte[]> frames = AstmFrames.frames(List.of(MESSAGE.get(0), longRecord, "L|1|N"));
        assertThat(frames.get(1)[frames.get(1).length - 5]).isEqualTo(AstmFrames.ETB);
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(new byte[] {AstmFrames.ENQ});
        rx.onBytes(frames.get(0));
        byte[] corrupt = frames.get(1).clone();
        corrupt[10] ^= 0x01;
        assertThat(sent(rx.onBytes(corrupt))).isEqualTo("NAK");
        assertThat(sent(rx.onBytes(frames.get(2)))).isEqualTo("NAK"); // out of order
        assertThat(sent(rx.onBytes(frames.get(1)))).isEqualTo("ACK");
        assertThat(sent(rx.onBytes(frames.get(2)))).isEqualTo("ACK");
        List<AstmLinkReceiver.Action> done = rx.onBytes(frames.get(3));
        assertThat(((AstmLinkReceiver.Deliver) done.get(0)).records().get(1)).isEqualTo(longRecord);
    }

    @Test
    void checksumIsSumModulo256AsTwoUpperCaseHexDigits() {
        byte[] f = AstmFrames.frame(1, "L|1|N\r", true);
        // '1'+'L'+'|'+'1'+'|'+'N'+CR+ETX = 49+76+124+49+124+78+13+3 = 516 -> 0x04
        assertThat(new String(f, StandardCharsets.ISO_8859_1)).isEqualTo("\u00021L|1|N\r\u000304\r\n");
    }

    @Test
    void timeoutDiscardsAPartialMessage() {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(new byte[] {AstmFrames.ENQ});
        rx.onBytes(AstmFrames.frame(1, MESSAGE.get(0) + "\r", true));
        assertThat(rx.onTimeout()).singleElement().isInstanceOf(AstmLinkReceiver.Aborted.class);
        assertThat(rx.onBytes(AstmFrames.frame(2, "L|1|N\r", true))).isEmpty(); // neutral: ignored until ENQ
    }

    @Test
    void quirksForCrLfRecordsAndTestCodeInFirstComponent() throws DecodeException {
        List<String> crlf = List.of("H|\\^&", "\nP|1||X", "\nR|1|INR^^^|2.6||2.0-3.0|N||F", "\nL|1");
        assertThatThrownBy(() -> records.parse(crlf)).hasMessageContaining("unknown record type '\\x0A'");
        AstmRecords coagulation = new AstmRecords(
                new Analytes(Map.of()),
                Quirks.of(Quirk.ASTM_RECORDS_END_WITH_CRLF, Quirk.ASTM_TEST_CODE_IN_FIRST_COMPONENT));
        assertThat(coagulation.parse(crlf).measurements()).singleElement().satisfies(m -> {
            assertThat(m.code()).isEqualTo(Vocabulary.INR);
            assertThat(m.value()).isEqualTo(2.6);
        });
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> records.parse(List.of("P|1"))).hasMessageContaining("must be the header");
        assertThatThrownBy(() -> records.parse(List.of("H|\\^&", "R|1|^^^K|4.1|mmol/L||||F||||2026133")))
                .hasMessageContaining("R.13");
        assertThatThrownBy(() -> records.parse(List.of("H|||"))).hasMessageContaining("too short");
    }

    @Test
    void unknownUnitOrNonNumericValueIsSkippedWithTheReason() throws DecodeException {
        AnalyzerReport r = records.parse(List.of("H|\\^&", "R|1|^^^K|4.1|mg/dL", "R|2|^^^Na|high|mmol/L", "L|1"));
        assertThat(r.results()).isEmpty();
        assertThat(r.skipped())
                .containsExactly(
                        "record 2: unit 'mg/dL' is not known for Potassium (expected mmol/L or a known conversion)",
                        "record 3: result 'high' for Sodium is not a number");
    }

    private static String sent(List<AstmLinkReceiver.Action> actions) {
        assertThat(actions).singleElement().isInstanceOf(AstmLinkReceiver.Send.class);
        byte b = ((AstmLinkReceiver.Send) actions.get(0)).bytes()[0];
        return b == AstmFrames.ACK ? "ACK" : b == AstmFrames.NAK ? "NAK" : "0x" + Integer.toHexString(b);
    }
}
