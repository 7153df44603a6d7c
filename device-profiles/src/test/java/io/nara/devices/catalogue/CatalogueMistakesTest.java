package io.nara.devices.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.Quirk;
import io.nara.devices.catalogue.DeviceProfile.Clock;
import io.nara.devices.catalogue.DeviceProfile.Kind;
import io.nara.devices.catalogue.DeviceProfile.Method;
import io.nara.devices.catalogue.DeviceProfile.Protocol;
import io.nara.devices.catalogue.DeviceProfile.StoredRecords;
import io.nara.devices.catalogue.DeviceProfile.Transport;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A catalogue entry with one mistake at a time, the kind an installer or contributor makes when adding a device
 * model: each is refused with exactly its own problem, so a typo never reaches a hub as a silently ignored setting,
 * and the correct entries next to it stay accepted.
 */
class CatalogueMistakesTest {

    /** The A&D UA-651BLE blood pressure monitor as it ships in the catalogue: the correct entry to start from. */
    private static Draft bloodPressure() {
        Draft d = new Draft();
        d.id = "and-ua-651ble";
        d.manufacturer = "A&D Medical";
        d.model = "UA-651BLE";
        d.family = "and-medical";
        d.kind = Kind.BLOOD_PRESSURE;
        d.transport = Transport.BLE;
        d.protocol = Protocol.GATT;
        d.services = List.of("1810", "180A");
        d.characteristics = List.of("2A35", "2A49", "2A08");
        d.storedRecords = new StoredRecords(Method.UNSENT_ON_CONNECT, true, 30);
        d.clock = new Clock(true, "2A08", true, null);
        return d;
    }

    /** The cobas h 232 analyzer over POCT1, with its own test codes. */
    private static Draft analyzer() {
        Draft d = new Draft();
        d.id = "roche-cobas-h-232";
        d.manufacturer = "Roche Diagnostics";
        d.model = "cobas h 232";
        d.family = "roche-poc";
        d.kind = Kind.ANALYZER;
        d.transport = Transport.TCP;
        d.protocol = Protocol.POCT1;
        d.storedRecords = new StoredRecords(Method.PROTOCOL, false, null);
        d.clock = new Clock(true, null, false, null);
        d.analytes = Map.of("TnT", "6598-7");
        return d;
    }

    private static void refused(Draft d, String problem) {
        assertThatThrownBy(() -> DeviceCatalogue.validate(d.id + ".json", d.profile()))
                .isInstanceOf(DeviceCatalogue.CatalogueException.class)
                .hasMessage(d.id + ".json: " + problem);
    }

    private static void accepted(Draft d) {
        assertThatCode(() -> DeviceCatalogue.validate(d.id + ".json", d.profile()))
                .doesNotThrowAnyException();
    }

    @Test
    void theCorrectEntriesAreAccepted() {
        accepted(bloodPressure());
        accepted(analyzer());
    }

    @Test
    void eachRequiredTextIsRequired() {
        Draft noManufacturer = bloodPressure();
        noManufacturer.manufacturer = " ";
        refused(noManufacturer, "manufacturer is required");
        Draft noModel = bloodPressure();
        noModel.model = null;
        refused(noModel, "model is required");
        Draft noFamily = bloodPressure();
        noFamily.family = "";
        refused(noFamily, "family is required; family '' must be lower-case words joined by '-'");
    }

    @Test
    void eachRequiredSettingIsRequired() {
        String problem = "kind, transport, protocol, storedRecords and clock are required";
        Draft noKind = bloodPressure();
        noKind.kind = null;
        refused(noKind, problem);
        Draft noStored = bloodPressure();
        noStored.storedRecords = null;
        refused(noStored, problem);
        Draft noClock = analyzer();
        noClock.clock = null;
        refused(noClock, problem);
        Draft noTransport = analyzer();
        noTransport.transport = null;
        refused(noTransport, problem);
    }

    @Test
    void anIdOrFamilyThatIsNotLowerCaseWordsIsRefused() {
        Draft upper = bloodPressure();
        upper.id = "AND-UA-651BLE";
        refused(upper, "id 'AND-UA-651BLE' must be lower-case words joined by '-' and equal the file name");
        Draft trailingDash = bloodPressure();
        trailingDash.family = "and-medical-";
        refused(trailingDash, "family 'and-medical-' must be lower-case words joined by '-'");
    }

    @Test
    void aGattDeviceNeedsItsServicesAndCharacteristics() {
        Draft noServices = bloodPressure();
        noServices.services = List.of();
        refused(noServices, "a GATT device names its services and characteristics");
        Draft lowerCaseService = bloodPressure();
        lowerCaseService.services = List.of("1810", "180a");
        refused(lowerCaseService, "service '180a' is not 4 upper-case hex digits");
        Draft lowerCaseCharacteristic = bloodPressure();
        lowerCaseCharacteristic.characteristics = List.of("2A35", "2a49", "2A08");
        refused(lowerCaseCharacteristic, "characteristic '2a49' is not 4 upper-case hex digits");
    }

    /**
     * A blood pressure monitor listed with only its feature, clock and RACP characteristics (the measurement
     * characteristic forgotten) would connect and never deliver a reading: refused. RACP and the glucose context have
     * decoders but carry no measurement of their own.
     */
    @Test
    void aDeviceWithoutAMeasurementCharacteristicIsRefused() {
        Draft onlyControl = bloodPressure();
        onlyControl.characteristics = List.of("2A49", "2A08", "2A52", "2A9E");
        onlyControl.storedRecords = new StoredRecords(Method.RACP, false, null);
        refused(onlyControl, "no characteristic of this device carries measurements");
        Draft withMeasurement = bloodPressure();
        withMeasurement.characteristics = List.of("2A52", "2A35", "2A08");
        withMeasurement.storedRecords = new StoredRecords(Method.RACP, false, null);
        accepted(withMeasurement);
    }

    @Test
    void anAnalyzerHasNoGattCharacteristics() {
        Draft withCharacteristic = analyzer();
        withCharacteristic.characteristics = List.of("2A35");
        refused(withCharacteristic, "POCT1 devices have no GATT services or characteristics");
        Draft withService = analyzer();
        withService.services = List.of("1810");
        refused(withService, "POCT1 devices have no GATT services or characteristics");
    }

    @Test
    void theClockIsSetOnlyThroughDateTimeOrCurrentTime() {
        Draft currentTime = bloodPressure();
        currentTime.characteristics = List.of("2A35", "2A49", "2A2B");
        currentTime.clock = new Clock(true, "2A2B", true, null);
        accepted(currentTime);
        Draft battery = bloodPressure();
        battery.characteristics = List.of("2A35", "2A49", "2A19");
        battery.clock = new Clock(true, "2A19", true, null);
        refused(battery, "clock characteristic must be 2A08 or 2A2B, not 2A19");
    }

    /** The Omron's factory date quirk and its date go together: one without the other is refused either way. */
    @Test
    void theUnsetClockDateAndItsQuirkGoTogether() {
        Draft dateWithoutQuirk = bloodPressure();
        dateWithoutQuirk.clock = new Clock(true, "2A08", true, LocalDate.of(2018, 1, 1));
        refused(dateWithoutQuirk, "clock.unsetBefore is set exactly when quirk UNSET_CLOCK_REPORTS_DEFAULT_DATE is");
        Draft both = bloodPressure();
        both.clock = new Clock(true, "2A08", true, LocalDate.of(2018, 1, 1));
        both.quirks = Set.of(Quirk.UNSET_CLOCK_REPORTS_DEFAULT_DATE);
        accepted(both);
    }

    @Test
    void recordsByRacpNeedTheRacpCharacteristic() {
        Draft racp = bloodPressure();
        racp.storedRecords = new StoredRecords(Method.RACP, false, null);
        refused(racp, "stored records by RACP need characteristic 2A52");
    }

    @Test
    void anAnalyzersTestCodeMustMapToAKnownCode() {
        Draft unknownCode = analyzer();
        unknownCode.analytes = Map.of("TnT", "1-1");
        assertThatThrownBy(() -> DeviceCatalogue.validate("roche-cobas-h-232.json", unknownCode.profile()))
                .hasMessageStartingWith("roche-cobas-h-232.json: ")
                .hasMessageContaining("1-1");
    }

    @Test
    void theBuiltInCatalogueFindsByIdAndNothingElse() {
        DeviceCatalogue catalogue = DeviceCatalogue.builtIn();
        assertThat(catalogue.find("and-ua-651ble"))
                .hasValueSatisfying(p -> assertThat(p.model()).isEqualTo("UA-651BLE"));
        assertThat(catalogue.find("and-ua-651ble.json")).isEmpty();
        assertThat(catalogue.find("# One device model per file; every file here must be listed (a test checks)."))
                .isEmpty();
    }

    /** A catalogue entry under construction; {@link #profile()} makes the record. */
    private static final class Draft {
        String id;
        String manufacturer;
        String model;
        String family;
        Kind kind;
        Transport transport;
        Protocol protocol;
        List<String> services = List.of();
        List<String> characteristics = List.of();
        StoredRecords storedRecords;
        Clock clock;
        Set<Quirk> quirks = Set.of();
        Map<String, String> analytes = Map.of();

        DeviceProfile profile() {
            return new DeviceProfile(
                    id,
                    manufacturer,
                    model,
                    family,
                    kind,
                    transport,
                    protocol,
                    null,
                    services,
                    characteristics,
                    false,
                    storedRecords,
                    clock,
                    quirks,
                    analytes,
                    null);
        }
    }
}
