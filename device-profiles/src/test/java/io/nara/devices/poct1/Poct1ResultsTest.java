package io.nara.devices.poct1;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.protocol.message.ObservationFlag;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** POCT1 observations with what a handheld analyzer leaves out or overrides: a result time of its own, no value. */
class Poct1ResultsTest {

    private final Poct1Observations observations = new Poct1Observations(Analytes.COMMON_ONLY);

    private AnalyzerReport parse(String svcTime, String obs) throws DecodeException {
        return observations.parse(("<OBS.R01><HDR><HDR.message_type V=\"OBS.R01\"/><HDR.control_id V=\"5\"/></HDR>"
                        + "<SVC><SVC.observation_dttm V=\"" + svcTime + "\"/><PT><PT.patient_id V=\"19401231-1234\"/>"
                        + obs
                        + "</PT></SVC></OBS.R01>")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A result stamped with its own time keeps it; one without takes the service's time. */
    @Test
    void aResultsOwnTimeWinsOverTheServicesTime() throws DecodeException {
        AnalyzerReport r = parse(
                "2026-11-23T08:15:00+01:00",
                "<OBS><OBS.observation_id V=\"K\"/><OBS.value V=\"4.1\" U=\"mmol/L\"/>"
                        + "<OBS.observation_dttm V=\"2026-11-23T08:20:00+01:00\"/></OBS>"
                        + "<OBS><OBS.observation_id V=\"Na\"/><OBS.value V=\"139\" U=\"mmol/L\"/></OBS>");
        assertThat(r.measurements())
                .extracting(Measurement::deviceTime)
                .containsExactly(LocalDateTime.of(2026, 11, 23, 8, 20), LocalDateTime.of(2026, 11, 23, 8, 15));
    }

    /** A blank service time is no time (the reading is not silently stamped), not a parse error. */
    @Test
    void aBlankTimeIsNoTime() throws DecodeException {
        AnalyzerReport r = parse("  ", "<OBS><OBS.observation_id V=\"K\"/><OBS.value V=\"4.1\" U=\"mmol/L\"/></OBS>");
        assertThat(r.measurements()).singleElement().satisfies(m -> {
            assertThat(m.deviceTime()).isNull();
            assertThat(m.value()).isEqualTo(4.1);
        });
    }

    /** An observation without any value (the cartridge failed) is a failed measurement, not a crash or a zero. */
    @Test
    void anObservationWithoutValueIsAFailedMeasurement() throws DecodeException {
        AnalyzerReport r = parse("2026-11-23T08:15:00+01:00", "<OBS><OBS.observation_id V=\"K\"/></OBS>");
        assertThat(r.measurements()).singleElement().satisfies(m -> {
            assertThat(m.value()).isNull();
            assertThat(m.flags()).contains(ObservationFlag.MEASUREMENT_FAILED);
        });
    }

    /** A value too large for a double is refused as out of range, never stored as infinity. */
    @Test
    void aValueBeyondDoubleIsOutOfRange() throws DecodeException {
        AnalyzerReport r = parse(
                "2026-11-23T08:15:00+01:00",
                "<OBS><OBS.observation_id V=\"K\"/><OBS.value V=\"1e999\" U=\"mmol/L\"/></OBS>");
        assertThat(r.measurements()).isEmpty();
        assertThat(r.skipped()).singleElement().asString().endsWith("result '1e999' for Potassium is out of range");
    }
}
