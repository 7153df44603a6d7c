package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import java.util.List;

/**
 * Intermediate Cuff Pressure, characteristic 0x2A36: the cuff pressure while a measurement is running. It has the
 * layout of 0x2A35 with the current cuff pressure in the systolic field and the other two fields NaN.
 *
 * <p>Decision: it is live progress for a display, not a clinical observation, so {@link #decode} yields no
 * measurement; {@link #cuffPressureMmHg} gives the number to whoever shows progress. Its bytes are still validated.
 */
public final class IntermediateCuffPressure implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A36;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        cuffPressureMmHg(value);
        return List.of();
    }

    /** The current cuff pressure in mmHg; null when the device sent a special value. */
    public static Double cuffPressureMmHg(byte[] value) throws DecodeException {
        List<Measurement> all = new BloodPressureMeasurement().decode(value);
        return all.get(0).value();
    }
}
