package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import java.util.List;

/** Decodes one GATT characteristic value into measurements. Implementations are pure and thread-safe. */
@FunctionalInterface
public interface CharacteristicDecoder {

    /** Decodes a value from a standard-conformant device. */
    List<Measurement> decode(byte[] value) throws DecodeException;

    /** Decodes a value from a device with the given quirks; decoders that know no quirk of theirs ignore them. */
    default List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        return decode(value);
    }
}
