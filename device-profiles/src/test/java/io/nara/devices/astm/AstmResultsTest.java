package io.nara.devices.astm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.analyzer.AnalyzerResult;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ASTM E1394 records as a point-of-care analyzer sends them, field by field: whose result it is, when it was taken,
 * what its flags say, and which records refuse the whole message.
 */
class AstmResultsTest {

    private final AstmRecords records = new AstmRecords(Analytes.COMMON_ONLY, Quirks.NONE);

    private static List<String> message(String... body) {
        return Stream.concat(Stream.concat(Stream.of("H|\\^&|||i-STAT^DS"), Stream.of(body)), Stream.of("L|1|N"))
                .toList();
    }

    private Measurement potassium(String abnormalFlag, String status) throws DecodeException {
        return records.parse(message("P|1||19401231-1234", "R|1|^^^K|4.1|mmol/L||" + abnormalFlag + "||" + status))
                .measurements()
                .get(0);
    }

    /** Every abnormal flag of E1394 (low, high, panic, abnormal, off scale) marks the result abnormal, in any case. */
    @Test
    void everyAbnormalFlagMarksTheResultAbnormal() throws DecodeException {
        for (String flag : List.of("L", "H", "LL", "HH", "A", "AA", "<", ">", "h", " hh ")) {
            assertThat(potassium(flag, "F").flags()).as(flag).containsExactly(ObservationFlag.ABNORMAL);
        }
        for (String flag : List.of("N", "", "S", "R")) {
            assertThat(potassium(flag, "F").flags()).as(flag).isEmpty();
        }
    }

    /**
     * The result status: X could not be measured; P, I and S are not final (preliminary and questionable); W is a
     * result the instrument itself doubts; F, C, R and V are usable results.
     */
    @Test
    void theResultStatusSaysWhetherTheValueCanBeUsed() throws DecodeException {
        assertThat(potassium("N", "x").flags()).containsExactly(ObservationFlag.MEASUREMENT_FAILED);
        for (String status : List.of("P", "I", "s")) {
            assertThat(potassium("N", status).flags())
                    .as(status)
                    .containsExactlyInAnyOrder(ObservationFlag.PRELIMINARY, ObservationFlag.QUESTIONABLE);
        }
        assertThat(potassium("N", " w ").flags()).containsExactly(ObservationFlag.QUESTIONABLE);
        for (String status : List.of("F", "C", "R", "V", "")) {
            assertThat(potassium("N", status).flags()).as(status).isEmpty();
        }
    }

    /**
     * A quality-control run (O.12 action code Q) is not patient data; the next patient's order is again patient data,
     * and a patient record forgets the previous patient's specimen and collection time.
     */
    @Test
    void aQualityControlRunIsNotPatientDataAndTheNextPatientIs() throws DecodeException {
        AnalyzerReport r = records.parse(message(
                "P|1||QC-LEVEL-1",
                "O|1|CTRL-1||^^^CHEM8|R||20261123070000||||q ",
                "R|1|^^^K|4.1|mmol/L||N||F",
                "P|2||19401231-1234",
                "R|1|^^^K|5.9|mmol/L||H||F"));
        assertThat(r.results()).extracting(AnalyzerResult::patientId).containsExactly("QC-LEVEL-1", "19401231-1234");
        assertThat(r.results()).extracting(AnalyzerResult::sampleId).containsExactly("CTRL-1", null);
        assertThat(r.measurements().get(0).flags()).containsExactly(ObservationFlag.NOT_PATIENT_DATA);
        assertThat(r.measurements().get(0).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 7, 0));
        assertThat(r.measurements().get(1).flags()).containsExactly(ObservationFlag.ABNORMAL);
        assertThat(r.measurements().get(1).deviceTime()).isNull();
    }

    /** A routine order after a QC order in the same patient is patient data again. */
    @Test
    void aRoutineOrderAfterAControlOrderIsPatientData() throws DecodeException {
        AnalyzerReport r = records.parse(message(
                "P|1||19401231-1234",
                "O|1|CTRL-1||^^^CHEM8|R||||||Q",
                "R|1|^^^K|4.1|mmol/L||N||F",
                "O|2|CART-78^2||^^^CHEM8|R||||||N",
                "R|1|^^^K|5.9|mmol/L||N||F"));
        assertThat(r.measurements().get(0).flags()).containsExactly(ObservationFlag.NOT_PATIENT_DATA);
        assertThat(r.measurements().get(1).flags()).isEmpty();
        assertThat(r.results().get(1).sampleId()).isEqualTo("CART-78");
    }

    /** The practice-assigned id (P.3) wins; a blank one falls back to the laboratory's (P.4); ids are trimmed. */
    @Test
    void thePatientIsThePracticesIdElseTheLaboratorys() throws DecodeException {
        AnalyzerReport r = records.parse(message(
                "P|1| 19401231-1234 |LAB-9",
                "R|1|^^^K|4.1|mmol/L",
                "P|2|  |LAB-9",
                "R|1|^^^K|4.2|mmol/L",
                "P|3",
                "R|1|^^^K|4.3|mmol/L"));
        assertThat(r.results()).extracting(AnalyzerResult::patientId).containsExactly("19401231-1234", "LAB-9", null);
    }

    /** Escape sequences in an id are resolved: &F& is the field delimiter, &S& component, &R& repeat, &E& escape. */
    @Test
    void escapedDelimitersInIdsAreResolved() throws DecodeException {
        AnalyzerReport r = records.parse(message("P|1||A&F&B&S&C&R&D&E&E&X&", "O|1|S&S&1^2", "R|1|^^^K|4.1|mmol/L"));
        assertThat(r.results().get(0).patientId()).isEqualTo("A|B^C\\D&E&X&");
        assertThat(r.results().get(0).sampleId()).isEqualTo("S^1");
    }

    /** A test id with repeats: only the first repeat names the test. */
    @Test
    void onlyTheFirstRepeatOfATestIdNamesTheTest() throws DecodeException {
        AnalyzerReport r = records.parse(message("R|1|^^^K\\^^^Na|4.1|mmol/L"));
        assertThat(r.measurements()).extracting(Measurement::code).containsExactly(Vocabulary.POTASSIUM);
        AnalyzerReport noCode = records.parse(message("R|1|^^|4.1|mmol/L"));
        assertThat(noCode.skipped()).containsExactly("record 2: unknown test code ''");
    }

    /** Dates are YYYYMMDD with optional HHMM and SS; the completion time wins over the collection time. */
    @Test
    void datesWithAndWithoutTimeOfDay() throws DecodeException {
        AnalyzerReport r = records.parse(message(
                "O|1|CART-77||^^^CHEM8|R||20261123",
                "R|1|^^^K|4.1|mmol/L||N||F",
                "R|2|^^^Na|139|mmol/L||N||F||||202611230815",
                "R|3|^^^Crea|90|umol/L||N||F||||20261123081542"));
        assertThat(r.measurements())
                .extracting(Measurement::deviceTime)
                .containsExactly(
                        LocalDateTime.of(2026, 11, 23, 0, 0),
                        LocalDateTime.of(2026, 11, 23, 8, 15),
                        LocalDateTime.of(2026, 11, 23, 8, 15, 42));
    }

    @Test
    void impossibleDatesRefuseTheMessage() {
        assertThatThrownBy(() -> records.parse(message("O|1|C||^^^X|R||20261331")))
                .hasMessage("record 2: O.8 collection date/time '20261331' is not a date");
        assertThatThrownBy(() -> records.parse(message("R|1|^^^K|4.1|mmol/L||N||F||||2026112308")))
                .hasMessage("record 2: R.13 date/time completed '2026112308' is not YYYYMMDD[HHMM[SS]]");
    }

    /** The header declares four different delimiters that are not letters or digits; anything else is refused. */
    @Test
    void aHeaderWithClashingOrAlphanumericDelimitersIsRefused() {
        for (String header : List.of(
                "H||^&", "H|\\|&", "H|\\^|", "H|^^&", "H|\\^\\", "H|\\^^", "HA\\^&", "H|1^&", "H|\\x&", "H|\\^E")) {
            assertThatThrownBy(() -> records.parse(List.of(header, "L|1")))
                    .as(header)
                    .hasMessage("header declares invalid delimiters '" + header.substring(1, 5) + "'");
        }
        assertThatThrownBy(() -> records.parse(List.of("H|\\^", "L|1")))
                .hasMessage("header record is too short to declare its delimiters: 'H|\\^'");
    }

    /** An instrument configured with other delimiters (! for fields, ~ repeat, ` component, % escape) is understood. */
    @Test
    void anotherSetOfDelimitersIsUnderstood() throws DecodeException {
        AnalyzerReport r = records.parse(List.of("H!~`%", "P!1!!19401231-1234", "R!1!```K!5.9!mmol/L!!H!!F", "L!1"));
        assertThat(r.results()).singleElement().satisfies(res -> {
            assertThat(res.patientId()).isEqualTo("19401231-1234");
            assertThat(res.measurement().value()).isEqualTo(5.9);
            assertThat(res.measurement().flags()).containsExactly(ObservationFlag.ABNORMAL);
        });
    }

    /** Comment, query, manufacturer and scientific records carry nothing Nära uses; an unknown type is refused. */
    @Test
    void recordTypesWithoutResultsAreIgnoredAndUnknownOnesRefused() throws DecodeException {
        AnalyzerReport r =
                records.parse(message("C|1|I|lot 123|G", "Q|1|^ALL", "M|1|X", "S|1|Y", "R|1|^^^K|4.1|mmol/L"));
        assertThat(r.measurements()).extracting(Measurement::code).containsExactly(Vocabulary.POTASSIUM);
        assertThatThrownBy(() -> records.parse(message("Z|1"))).hasMessage("record 2: unknown record type 'Z'");
        assertThatThrownBy(() -> records.parse(message(" |1"))).hasMessage("record 2: unknown record type ' '");
        assertThatThrownBy(() -> records.parse(message("~|1"))).hasMessage("record 2: unknown record type '~'");
        assertThatThrownBy(() -> records.parse(message("\u007F|1")))
                .hasMessage("record 2: unknown record type '\\x7F'");
        assertThatThrownBy(() -> records.parse(message("\u001F|1")))
                .hasMessage("record 2: unknown record type '\\x1F'");
        assertThatThrownBy(() -> records.parse(List.of("P|1")))
                .hasMessage("record 1 must be the header (H) but is 'P'");
    }

    @Test
    void anEmptyMessageOrRecordIsRefused() {
        assertThatThrownBy(() -> records.parse(List.of())).hasMessage("ASTM message has no records");
        assertThatThrownBy(() -> records.parse(message(""))).hasMessage("record 2 is empty");
    }
}
