package io.nara.devices.catalogue;

import static io.nara.devices.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.gatt.GattDecoders;
import io.nara.protocol.message.ObservationFlag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DeviceCatalogueTest {

    private final DeviceCatalogue catalogue = DeviceCatalogue.builtIn();

    @Test
    void holdsTheModelsAHeartFailureHomeNeeds() {
        assertThat(catalogue.all())
                .extracting(DeviceProfile::id)
                .contains(
                        "and-ua-651ble",
                        "and-uc-352ble",
                        "omron-hem-9200t",
                        "beurer-bf-600",
                        "beurer-bm-54",
                        "nonin-3230",
                        "generic-blood-pressure",
                        "generic-weight-scale",
                        "generic-body-composition",
                        "generic-pulse-oximeter",
                        "generic-thermometer",
                        "generic-glucose-meter",
                        "generic-heart-rate",
                        "roche-cobas-h-232",
                        "roche-coaguchek-xs-plus",
                        "roche-coaguchek-pro-ii",
                        "abbott-i-stat-ds");
    }

    @Test
    void everyFileIsListedAndEveryFamilyHasAFirmwareNotesPage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/catalogue"))) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".json"))
                            .map(n -> n.substring(0, n.length() - 5)))
                    .containsExactlyInAnyOrderElementsOf(
                            catalogue.all().stream().map(DeviceProfile::id).toList());
        }
        for (DeviceProfile p : catalogue.all()) {
            assertThat(Path.of("../firmware-notes/" + p.family() + ".md"))
                    .as(p.id())
                    .isRegularFile();
        }
    }

    @Test
    void theOmronQuirkIsAppliedThroughItsProfile() throws DecodeException {
        DeviceProfile omron = catalogue.find("omron-hem-9200t").orElseThrow();
        assertThat(omron.quirks()).containsExactly(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE);
        byte[] factoryDate = hex("1E 7F00 5500 6400 E107 01 01 00 00 3B 4000 01 0000");
        List<Measurement> m = GattDecoders.decode(0x2A35, factoryDate, omron.decoderQuirks());
        assertThat(m.get(0).flags()).containsExactly(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(m.get(0).deviceTime()).isNull();
        DeviceProfile generic = catalogue.find("generic-blood-pressure").orElseThrow();
        assertThat(GattDecoders.decode(0x2A35, factoryDate, generic.decoderQuirks())
                        .get(0)
                        .deviceTime())
                .isNotNull();
    }

    @Test
    void validationNamesTheFileAndEveryProblem() {
        DeviceProfile bad = new DeviceProfile(
                "omron-x",
                "Omron",
                "X",
                "omron",
                DeviceProfile.Kind.BLOOD_PRESSURE,
                DeviceProfile.Transport.TCP,
                DeviceProfile.Protocol.GATT,
                null,
                List.of("1810"),
                List.of("2A35", "2AFF"),
                true,
                new DeviceProfile.StoredRecords(DeviceProfile.Method.RACP, false, null),
                new DeviceProfile.Clock(true, "2A2B", true, null),
                Set.of(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE),
                Map.of("K", "1-1"),
                null);
        assertThatThrownBy(() -> DeviceCatalogue.validate("omron-y.json", bad))
                .hasMessageStartingWith("omron-y.json: ")
                .hasMessageContaining("equal the file name")
                .hasMessageContaining("GATT devices use transport BLE")
                .hasMessageContaining("characteristic 2AFF has no decoder")
                .hasMessageContaining("clock characteristic 2A2B is not among the characteristics")
                .hasMessageContaining("clock.unsetBefore")
                .hasMessageContaining("RACP need characteristic 2A52")
                .hasMessageContaining("only analyzers map analytes")
                .hasMessageContaining("1-1, which is not in the vocabulary");
    }

    @Test
    void analyzerProfilesMapTheirOwnTestCodes() {
        DeviceProfile cobas = catalogue.find("roche-cobas-h-232").orElseThrow();
        assertThat(cobas.analyteMap().resolve("TnT"))
                .hasValueSatisfying(c -> assertThat(c.code()).isEqualTo("6598-7"));
        assertThat(catalogue.find("omron-hem-9200t").orElseThrow().clock().unsetBefore())
                .isEqualTo(LocalDate.of(2018, 1, 1));
    }
}
