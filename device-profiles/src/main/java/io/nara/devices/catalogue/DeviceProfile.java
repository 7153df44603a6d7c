package io.nara.devices.catalogue;

import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One device model, as its catalogue file describes it. See device-profiles/README.md for the format.
 *
 * @param id             the file name without ".json"; what a device binding refers to
 * @param manufacturer   who makes it
 * @param model          the model name as printed on the device
 * @param family         the firmware-notes page (firmware-notes/{family}.md) that tells how to pair and run it
 * @param kind           what it measures
 * @param transport      how the hub reaches it
 * @param protocol       how its bytes are decoded
 * @param advertisedName the BLE local name prefix it advertises, or null
 * @param services       16-bit GATT service UUIDs (hex) the hub uses; empty for non-BLE devices
 * @param characteristics 16-bit GATT characteristic UUIDs (hex) the hub subscribes to, reads or writes
 * @param bondingRequired the device hands over records only to a bonded central
 * @param storedRecords  how stored records are fetched
 * @param clock          whether and how its clock must be set
 * @param quirks         its named deviations from the standard
 * @param analytes       for analyzers: the device's test codes mapped to LOINC codes, beyond the common names
 * @param notes          anything an installer should know, in one or two sentences
 */
public record DeviceProfile(
        String id,
        String manufacturer,
        String model,
        String family,
        Kind kind,
        Transport transport,
        Protocol protocol,
        String advertisedName,
        List<String> services,
        List<String> characteristics,
        boolean bondingRequired,
        StoredRecords storedRecords,
        Clock clock,
        Set<Quirk> quirks,
        Map<String, String> analytes,
        String notes) {

    /** What the vital-sign kinds measure; an analyzer measures laboratory analytes, none of these. */
    private static final Map<Kind, List<ClinicalCode>> VITAL_SIGNS = Map.of(
            Kind.BLOOD_PRESSURE,
                    List.of(
                            Vocabulary.SYSTOLIC,
                            Vocabulary.DIASTOLIC,
                            Vocabulary.MEAN_ARTERIAL_PRESSURE,
                            Vocabulary.HEART_RATE),
            Kind.WEIGHT_SCALE, List.of(Vocabulary.BODY_WEIGHT, Vocabulary.BMI, Vocabulary.BODY_HEIGHT),
            Kind.BODY_COMPOSITION,
                    List.of(
                            Vocabulary.BODY_WEIGHT,
                            Vocabulary.BMI,
                            Vocabulary.BODY_HEIGHT,
                            Vocabulary.BODY_FAT_PERCENTAGE),
            Kind.PULSE_OXIMETER, List.of(Vocabulary.SPO2, Vocabulary.HEART_RATE),
            Kind.THERMOMETER, List.of(Vocabulary.BODY_TEMPERATURE),
            Kind.GLUCOSE_METER, List.of(Vocabulary.GLUCOSE),
            Kind.HEART_RATE, List.of(Vocabulary.HEART_RATE));

    public DeviceProfile {
        services = services == null ? List.of() : List.copyOf(services);
        characteristics = characteristics == null ? List.of() : List.copyOf(characteristics);
        quirks = quirks == null ? Set.of() : Set.copyOf(quirks);
        analytes = analytes == null ? Map.of() : Map.copyOf(analytes);
    }

    public enum Kind {
        BLOOD_PRESSURE,
        WEIGHT_SCALE,
        BODY_COMPOSITION,
        PULSE_OXIMETER,
        THERMOMETER,
        GLUCOSE_METER,
        HEART_RATE,
        ANALYZER
    }

    public enum Transport {
        BLE,
        SERIAL,
        TCP,
        COAP
    }

    public enum Protocol {
        GATT,
        ASTM,
        POCT1,
        SENML
    }

    /**
     * How stored records reach the hub.
     *
     * @param method              see {@link Method}
     * @param deletedAfterTransfer the device forgets a record once it was sent (so the hub must store before acking)
     * @param capacity            how many records the device keeps, or null when unknown
     */
    public record StoredRecords(Method method, boolean deletedAfterTransfer, Integer capacity) {}

    public enum Method {
        /** The device keeps nothing: only live readings. */
        NONE,
        /** On connection the device sends the records it has not sent before. */
        UNSENT_ON_CONNECT,
        /** On connection the device sends every stored record again: the hub's duplicate check removes repeats. */
        ALL_ON_CONNECT,
        /** The hub asks through the Record Access Control Point (0x2A52), from the last sequence number it has. */
        RACP,
        /** The analyzer protocol itself transfers them (ASTM session, POCT1 REQ/OBS). */
        PROTOCOL
    }

    /**
     * The device's clock.
     *
     * @param mustSet          readings carry the device's time and it drifts or resets: the hub sets it
     * @param characteristic   the 16-bit characteristic the hub writes (2A08 Date Time, 2A2B Current Time), or null
     *                         when the clock is set another way (analyzers: by the protocol or on the device)
     * @param everyConnection  the hub must set it on every connection, not only at pairing
     * @param unsetBefore      with quirk UNSET_CLOCK_REPORTS_DEFAULT_DATE: readings stamped before this date mean the
     *                         clock was not set
     */
    public record Clock(boolean mustSet, String characteristic, boolean everyConnection, LocalDate unsetBefore) {}

    /**
     * Whether a device of this model measures {@code loinc} at all: a weight scale sends no blood pressure, whatever
     * arrives in its name. An analyzer measures laboratory analytes (its profile's and the common names), never a
     * vital sign.
     */
    public boolean produces(String loinc) {
        if (kind == Kind.ANALYZER) {
            return analytes.containsValue(loinc)
                    || VITAL_SIGNS.values().stream()
                            .flatMap(List::stream)
                            .filter(c -> c != Vocabulary.GLUCOSE)
                            .noneMatch(c -> c.code().equals(loinc));
        }
        return VITAL_SIGNS.get(kind).stream().anyMatch(c -> c.code().equals(loinc));
    }

    /** The quirks with their parameters, as the decoders take them. */
    public Quirks decoderQuirks() {
        return new Quirks(quirks, clock == null ? null : clock.unsetBefore());
    }

    /** The analyte mapping for analyzer decoders. */
    public Analytes analyteMap() {
        return new Analytes(analytes);
    }
}
