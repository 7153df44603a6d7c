package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The GATT characteristic decoders, by 16-bit characteristic UUID. */
public final class GattDecoders {

    private static final Map<Integer, CharacteristicDecoder> BY_UUID = Map.ofEntries(
            Map.entry(BloodPressureMeasurement.UUID16, new BloodPressureMeasurement()),
            Map.entry(IntermediateCuffPressure.UUID16, new IntermediateCuffPressure()),
            Map.entry(WeightMeasurement.UUID16, new WeightMeasurement()),
            Map.entry(WeightScaleFeature.UUID16, new WeightScaleFeature.Decoder()),
            Map.entry(BodyCompositionMeasurement.UUID16, new BodyCompositionMeasurement()),
            Map.entry(PlxSpotCheckMeasurement.UUID16, new PlxSpotCheckMeasurement()),
            Map.entry(PlxContinuousMeasurement.UUID16, new PlxContinuousMeasurement()),
            Map.entry(HeartRateMeasurement.UUID16, new HeartRateMeasurement()),
            Map.entry(TemperatureMeasurement.UUID16, new TemperatureMeasurement()),
            Map.entry(GlucoseMeasurement.UUID16, new GlucoseMeasurement()),
            Map.entry(GlucoseMeasurementContext.UUID16, new GlucoseMeasurementContext.Decoder()),
            Map.entry(RecordAccessControlPoint.UUID16, value -> {
                RecordAccessControlPoint.parseResponse(value);
                return List.of();
            }));

    /** The Bluetooth base UUID that 16-bit UUIDs abbreviate: 0000xxxx-0000-1000-8000-00805F9B34FB. */
    private static final Pattern FULL_UUID = Pattern.compile("0000([0-9a-f]{4})-0000-1000-8000-00805f9b34fb");

    private static final Pattern SHORT_UUID = Pattern.compile("(?:0x)?([0-9a-f]{4})");

    private GattDecoders() {}

    public static Optional<CharacteristicDecoder> forCharacteristic(int uuid16) {
        return Optional.ofNullable(BY_UUID.get(uuid16));
    }

    /** The 16-bit UUIDs that have a decoder. */
    public static Set<Integer> supported() {
        return BY_UUID.keySet();
    }

    /** Decodes a value of the given characteristic; an unknown characteristic is a decode error, not a silent drop. */
    public static List<Measurement> decode(int uuid16, byte[] value) throws DecodeException {
        return decode(uuid16, value, Quirks.NONE);
    }

    /** Decodes a value from a device with the given quirks (from its catalogue profile). */
    public static List<Measurement> decode(int uuid16, byte[] value, Quirks quirks) throws DecodeException {
        CharacteristicDecoder decoder = BY_UUID.get(uuid16);
        if (decoder == null) {
            throw new DecodeException(String.format("no decoder for characteristic 0x%04X", uuid16));
        }
        return decoder.decode(value, quirks);
    }

    /**
     * Parses a characteristic UUID as a 16-bit number: "2A35", "0x2A35" or the full
     * "00002a35-0000-1000-8000-00805f9b34fb". A vendor's 128-bit UUID is not a standard characteristic.
     */
    public static int parseUuid(String text) throws DecodeException {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        var full = FULL_UUID.matcher(t);
        if (full.matches()) {
            return Integer.parseInt(full.group(1), 16);
        }
        var shortForm = SHORT_UUID.matcher(t);
        if (shortForm.matches()) {
            return Integer.parseInt(shortForm.group(1), 16);
        }
        throw new DecodeException("'" + text + "' is not a 16-bit or Bluetooth-base 128-bit characteristic UUID");
    }
}
