package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The GATT characteristic decoders, by 16-bit characteristic UUID. */
public final class GattDecoders {

    private static final Map<Integer, CharacteristicDecoder> BY_UUID = Map.of(
            BloodPressureMeasurement.UUID16, new BloodPressureMeasurement(),
            WeightMeasurement.UUID16, new WeightMeasurement());

    private GattDecoders() {
    }

    public static Optional<CharacteristicDecoder> forCharacteristic(int uuid16) {
        return Optional.ofNullable(BY_UUID.get(uuid16));
    }

    /** Decodes a value of the given characteristic; an unknown characteristic is a decode error, not a silent drop. */
    public static List<Measurement> decode(int uuid16, byte[] value) throws DecodeException {
        CharacteristicDecoder decoder = BY_UUID.get(uuid16);
        if (decoder == null) {
            throw new DecodeException(String.format("no decoder for characteristic 0x%04X", uuid16));
        }
        return decoder.decode(value);
    }
}
