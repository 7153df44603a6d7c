package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Temperature Measurement, characteristic 0x2A1C of the Health Thermometer service 0x1809: a 32-bit FLOAT in Celsius
 * or Fahrenheit, an optional timestamp and an optional temperature type (body site).
 */
public final class TemperatureMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A1C;

    private static final int FAHRENHEIT = 0x01;
    private static final int TIMESTAMP = 0x02;
    private static final int TYPE_PRESENT = 0x04;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        Double raw = in.float32("temperature");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime time = (flags & TIMESTAMP) != 0 ? GattDateTime.readStamp(in, quirks, common) : null;
        if ((flags & TYPE_PRESENT) != 0) {
            int type = in.uint8("temperature type");
            if (type < 1 || type > 9) {
                throw new DecodeException("temperature type " + type + " is reserved (1..9 are defined)");
            }
        }
        if ((flags & FAHRENHEIT) == 0) {
            return List.of(Measurement.of(Vocabulary.BODY_TEMPERATURE, raw, time, null, common));
        }
        Double celsius = raw == null ? null : WeightMeasurement.round((raw - 32) * 5 / 9, 100);
        return List.of(Measurement.converted(Vocabulary.BODY_TEMPERATURE, celsius, raw, "[degF]", time, null, common));
    }
}
