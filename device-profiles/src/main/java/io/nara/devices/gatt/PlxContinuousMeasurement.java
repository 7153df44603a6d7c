package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.List;
import java.util.Set;

/**
 * PLX Continuous Measurement, characteristic 0x2A5F. It carries no timestamp: the hub's time of receipt applies.
 *
 * <p>Decision: the SpO2PR-Normal pair becomes the observation. The Fast and Slow averaging variants are validated and
 * dropped, since storing three SpO2 values per second for the same moment would triple every series for no clinical
 * gain at home.
 */
public final class PlxContinuousMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A5F;

    private static final int FAST_PRESENT = 0x01;
    private static final int SLOW_PRESENT = 0x02;
    private static final int MEASUREMENT_STATUS = 0x04;
    private static final int SENSOR_STATUS = 0x08;
    private static final int PULSE_AMPLITUDE_INDEX = 0x10;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        Double spo2 = in.sfloat("SpO2 normal");
        Double pulse = in.sfloat("pulse rate normal");
        if ((flags & FAST_PRESENT) != 0) {
            in.sfloat("SpO2 fast");
            in.sfloat("pulse rate fast");
        }
        if ((flags & SLOW_PRESENT) != 0) {
            in.sfloat("SpO2 slow");
            in.sfloat("pulse rate slow");
        }
        int measurementStatus = (flags & MEASUREMENT_STATUS) != 0 ? in.uint16("measurement status") : 0;
        int sensorStatus = (flags & SENSOR_STATUS) != 0 ? PlxSpotCheckMeasurement.sensorStatus(in, quirks) : 0;
        if ((flags & PULSE_AMPLITUDE_INDEX) != 0) {
            in.sfloat("pulse amplitude index");
        }
        Set<ObservationFlag> status = PlxStatus.flags(measurementStatus, sensorStatus);
        return List.of(
                PlxSpotCheckMeasurement.reading(Vocabulary.SPO2, spo2, null, status),
                PlxSpotCheckMeasurement.reading(Vocabulary.HEART_RATE, pulse, null, status));
    }
}
