package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import java.util.List;

/** Decodes one GATT characteristic value into measurements. Implementations are pure and thread-safe. */
@FunctionalInterface
public interface CharacteristicDecoder {

    List<Measurement> decode(byte[] value) throws DecodeException;
}
