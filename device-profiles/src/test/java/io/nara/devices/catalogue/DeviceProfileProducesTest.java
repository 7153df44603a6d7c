package io.nara.devices.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class DeviceProfileProducesTest {

    private final DeviceCatalogue catalogue = DeviceCatalogue.builtIn();

    @Test
    void aDeviceProducesOnlyWhatItsKindMeasures() {
        DeviceProfile scale = catalogue.find("generic-weight-scale").orElseThrow();
        assertThat(scale.produces(Vocabulary.BODY_WEIGHT.code())).isTrue();
        assertThat(scale.produces(Vocabulary.SYSTOLIC.code())).isFalse();
        DeviceProfile cuff = catalogue.find("and-ua-651ble").orElseThrow();
        assertThat(cuff.produces(Vocabulary.SYSTOLIC.code())).isTrue();
        assertThat(cuff.produces(Vocabulary.HEART_RATE.code())).isTrue();
        assertThat(cuff.produces(Vocabulary.BODY_TEMPERATURE.code())).isFalse();
    }

    @Test
    void anAnalyzerProducesLaboratoryAnalytesNeverAVitalSign() {
        DeviceProfile analyzer = catalogue.find("abbott-i-stat-ds").orElseThrow();
        assertThat(analyzer.produces(Vocabulary.POTASSIUM.code())).isTrue();
        assertThat(analyzer.produces(Vocabulary.EGFR.code())).isTrue();
        assertThat(analyzer.produces(Vocabulary.SYSTOLIC.code())).isFalse();
        assertThat(analyzer.produces(Vocabulary.BODY_WEIGHT.code())).isFalse();
    }

    /**
     * An analyzer that maps only its cardiac markers (cobas h 232) still produces the common laboratory analytes,
     * glucose among them: glucose is measured by meters and analyzers alike, so it is no vital sign to refuse.
     */
    @Test
    void anAnalyzerProducesCommonAnalytesItDoesNotMapAndGlucose() {
        DeviceProfile cobas = catalogue.find("roche-cobas-h-232").orElseThrow();
        assertThat(cobas.analytes())
                .doesNotContainValue(Vocabulary.POTASSIUM.code())
                .doesNotContainValue(Vocabulary.GLUCOSE.code());
        assertThat(cobas.produces(Vocabulary.POTASSIUM.code())).isTrue();
        assertThat(cobas.produces(Vocabulary.GLUCOSE.code())).isTrue();
        assertThat(cobas.produces(Vocabulary.HEART_RATE.code())).isFalse();
    }

    /** A profile without clock settings (a device not from the catalogue) has no factory date to ignore. */
    @Test
    void aProfileWithoutClockHasNoDefaultDate() {
        DeviceProfile noClock = new DeviceProfile(
                "x",
                "X",
                "X",
                "x",
                DeviceProfile.Kind.WEIGHT_SCALE,
                DeviceProfile.Transport.COAP,
                DeviceProfile.Protocol.SENML,
                null,
                null,
                null,
                false,
                null,
                null,
                null,
                null,
                null);
        assertThat(noClock.decoderQuirks().isDefaultDate(LocalDateTime.of(2000, 1, 1, 0, 0)))
                .isFalse();
    }
}
