package io.nara.devices.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.vocabulary.Vocabulary;
import org.junit.jupiter.api.Test;

class DeviceProfileProducesTest {

    private final DeviceCatalogue catalogue = DeviceCatalogue.builtIn();

    @Test
    void aDeviceProducesOnlyWhatItsKindMeasures() {
        DeviceProfile scale = catalogue.find("generic-weight-scale").orElseThrow();
        assertThat(scale.produces(Vocabulary.BODY_WEIGHT.loinc())).isTrue();
        assertThat(scale.produces(Vocabulary.SYSTOLIC.loinc())).isFalse();
        DeviceProfile cuff = catalogue.find("and-ua-651ble").orElseThrow();
        assertThat(cuff.produces(Vocabulary.SYSTOLIC.loinc())).isTrue();
        assertThat(cuff.produces(Vocabulary.HEART_RATE.loinc())).isTrue();
        assertThat(cuff.produces(Vocabulary.BODY_TEMPERATURE.loinc())).isFalse();
    }

    @Test
    void anAnalyzerProducesLaboratoryAnalytesNeverAVitalSign() {
        DeviceProfile analyzer = catalogue.find("abbott-i-stat-ds").orElseThrow();
        assertThat(analyzer.produces(Vocabulary.POTASSIUM.loinc())).isTrue();
        assertThat(analyzer.produces(Vocabulary.EGFR.loinc())).isTrue();
        assertThat(analyzer.produces(Vocabulary.SYSTOLIC.loinc())).isFalse();
        assertThat(analyzer.produces(Vocabulary.BODY_WEIGHT.loinc())).isFalse();
    }
}
