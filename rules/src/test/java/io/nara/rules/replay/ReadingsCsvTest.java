package io.nara.rules.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingsCsvTest {

    @Test
    void readsTimesWithOffsetsConvertsUnitsAndKeepsFlags() {
        ReadingsCsv.Parsed p = ReadingsCsv.parse(
                List.of(
                        "time,code,value,unit,flags",
                        "# the scale speaks pounds",
                        "",
                        "2026-11-23T07:30:00+01:00,29463-7,176.4,lb",
                        "2026-11-23T07:35:00Z,8480-6,118,mm[Hg],QUESTIONABLE|cuff_fit"),
                "p1");
        assertThat(p.problems()).isEmpty();
        assertThat(p.ok()).isTrue();
        Observation weight = p.readings().get(0);
        assertThat(weight.time()).isEqualTo(Instant.parse("2026-11-23T06:30:00Z"));
        assertThat(weight.value()).isEqualTo(80.013694);
        assertThat(weight.unit()).isEqualTo("kg");
        assertThat(weight.patientId()).isEqualTo("p1");
        assertThat(weight.deviceId()).isEqualTo(ReadingsCsv.DEVICE);
        assertThat(weight.flags()).isEmpty();
        assertThat(p.readings().get(1).flags())
                .containsExactlyInAnyOrder(ObservationFlag.QUESTIONABLE, ObservationFlag.CUFF_FIT);
        assertThat(p.readings()).extracting(Observation::seq).containsExactly(1L, 2L);
    }

    @Test
    void anEmptyValueOrNaNIsAFailedMeasurementNeverANumber() {
        ReadingsCsv.Parsed p = ReadingsCsv.parse(
                List.of("2026-11-23T07:30:00Z,8480-6,,mm[Hg]", "2026-11-23T07:31:00Z,8480-6,NaN,mm[Hg]"), "p1");
        assertThat(p.readings()).allSatisfy(o -> {
            assertThat(o.value()).isNull();
            assertThat(o.has(ObservationFlag.MEASUREMENT_FAILED)).isTrue();
        });
    }

    @Test
    void aValueNoBodyProducesIsFlaggedImplausibleAndKept() {
        ReadingsCsv.Parsed p = ReadingsCsv.parse(
                List.of(
                        "2026-11-23T07:30:00Z,59408-5,100,%",
                        "2026-11-23T07:31:00Z,59408-5,130,%",
                        "2026-11-23T07:32:00Z,8480-6,118,mm[Hg],MEASUREMENT_FAILED"),
                "p1");
        assertThat(p.readings().get(0).flags()).isEmpty();
        assertThat(p.readings().get(1).flags()).containsExactly(ObservationFlag.IMPLAUSIBLE);
        // a value is never a failed measurement, whatever the flags column says
        assertThat(p.readings().get(2).flags()).isEmpty();
    }

    @Test
    void everyBadLineIsNamedWithItsNumberAndTheProblem() {
        ReadingsCsv.Parsed p = ReadingsCsv.parse(
                List.of(
                        "time,code,value,unit",
                        "2026-11-23T07:30:00,29463-7,80,kg",
                        "2026-11-23T07:30:00Z,1234-5,80,kg",
                        "2026-11-23T07:30:00Z,29463-7,eighty,kg",
                        "2026-11-23T07:30:00Z,29463-7,Infinity,kg",
                        "2026-11-23T07:30:00Z,2823-3,16,mg/dL",
                        "2026-11-23T07:30:00Z,29463-7,80,kg,WET",
                        "2026-11-23T07:30:00Z,29463-7,80",
                        "2026-11-23T07:30:00Z,29463-7,80,kg,,extra",
                        "2026-11-23T07:31:00Z,29463-7,80,kg"),
                "p1");
        assertThat(p.ok()).isFalse();
        assertThat(p.problems())
                .containsExactly(
                        "line 2: time '2026-11-23T07:30:00' is not an ISO 8601 time with an offset"
                                + " (2026-11-23T07:30:00+01:00 or 2026-11-23T06:30:00Z)",
                        "line 3: unknown LOINC code '1234-5'",
                        "line 4: value 'eighty' is not a number",
                        "line 5: value 'Infinity' is not a finite number",
                        "line 6: unit 'mg/dL' is not a unit of Potassium (2823-3, stored in mmol/L)",
                        "line 7: unknown flag 'WET'; known: " + Arrays.toString(ObservationFlag.values()),
                        "line 8: expected time,code,value,unit[,flags], found 3 field(s): 2026-11-23T07:30:00Z,29463-7,80",
                        "line 9: expected time,code,value,unit[,flags], found 6 field(s): "
                                + "2026-11-23T07:30:00Z,29463-7,80,kg,,extra");
        assertThat(p.readings()).hasSize(1);
    }

    @Test
    void aHeaderIsOnlyAHeaderOnTheFirstLine() {
        ReadingsCsv.Parsed p =
                ReadingsCsv.parse(List.of("2026-11-23T07:31:00Z,29463-7,80,kg", "time,code,value,unit"), "p1");
        assertThat(p.problems()).singleElement().asString().startsWith("line 2: time 'time'");
    }

    @Test
    void anEmptyFlagsColumnIsNoFlags() {
        ReadingsCsv.Parsed p = ReadingsCsv.parse(List.of("2026-11-23T07:31:00Z,8480-6,120,mm[Hg], "), "p1");
        assertThat(p.problems()).isEmpty();
        assertThat(p.readings())
                .singleElement()
                .satisfies(o -> assertThat(o.flags()).isEmpty());
    }

    @Test
    void aHeaderAfterABadFirstLineIsNotAHeader() {
        // Only the first line may be a header: a later "time" line is a mistake to show, not to skip.
        ReadingsCsv.Parsed p = ReadingsCsv.parse(List.of("yesterday,8480-6,120,mm[Hg]", "time,code,value,unit"), "p1");
        assertThat(p.problems()).hasSize(2);
        assertThat(p.problems().get(1)).startsWith("line 2: time 'time'");
    }
}
