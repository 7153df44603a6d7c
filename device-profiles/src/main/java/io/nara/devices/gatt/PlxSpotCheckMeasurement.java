package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** PLX Spot-check Measurement, characteristic 0x2A5E of the Pulse Oximeter service 0x1822 (PLXS 1.0). */
public final class PlxSpotCheckMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A5E;

    private static final int TIMESTAMP = 0x01;
    private static final int MEASUREMENT_STATUS = 0x02;
    private static final int SENSOR_STATUS = 0x04;
    private static final int PULSE_AMPLITUDE_INDEX = 0x08;
    private static final int DEVICE_CLOCK_NOT_SET = 0x10;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        Double spo2 = in.sfloat("SpO2");
        Double pulse = in.sfloat("pulse rate");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime time = (flags & TIMESTAMP) != 0 ? GattDateTime.readStamp(in, quirks, common) : null;
        int measurementStatus = (flags & MEASUREMENT_STATUS) != 0 ? in.uint16("measurement status") : 0;
        int sensorStatus = (flags & SENSOR_STATUS) != 0 ? sensorStatus(in, quirks) : 0;
        if ((flags & PULSE_AMPLITUDE_INDEX) != 0) {
            in.sfloat("pulse amplitude index"); // no vocabulary code: validated, not kept
        }
        // The device says its own clock is not set: whatever timestamp it sent is not a time.
        if ((flags & DEVICE_CLOCK_NOT_SET) != 0) {
            time = null;
            common.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        }
        common.addAll(PlxStatus.flags(measurementStatus, sensorStatus));
        return List.of(
                reading(Vocabulary.SPO2, spo2, time, common), reading(Vocabulary.HEART_RATE, pulse, time, common));
    }

    static int sensorStatus(ByteCursor in, Quirks quirks) throws DecodeException {
        return quirks.has(Quirk.PLX_SENSOR_STATUS_16_BIT)
                ? in.uint16("device and sensor status")
                : in.uint24("device and sensor status");
    }

    /** A reading whose status says it failed keeps the device's number but has no value. */
    static Measurement reading(ClinicalCode code, Double raw, LocalDateTime time, Set<ObservationFlag> flags) {
        boolean failed = flags.contains(ObservationFlag.MEASUREMENT_FAILED);
        return Measurement.converted(code, failed ? null : raw, raw, code.ucum(), time, null, flags);
    }
}
