package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Blood Pressure Measurement, characteristic 0x2A35 of the Blood Pressure service 0x1810. */
public final class BloodPressureMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A35;

    private static final int UNITS_KPA = 0x01;
    private static final int TIMESTAMP_PRESENT = 0x02;
    private static final int PULSE_RATE_PRESENT = 0x04;
    private static final int USER_ID_PRESENT = 0x08;
    private static final int STATUS_PRESENT = 0x10;
    /** Body movement, cuff fit, irregular pulse, pulse rate range (2 bits), measurement position. */
    private static final int STATUS_QUESTIONABLE_BITS = 0x003F;
    private static final double MMHG_PER_KPA = 7.500615758;
    private static final int UNKNOWN_USER = 0xFF;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        Double systolic = Ieee11073.sfloat(in.uint16("systolic"));
        Double diastolic = Ieee11073.sfloat(in.uint16("diastolic"));
        Double mean = Ieee11073.sfloat(in.uint16("mean arterial pressure"));
        boolean hasTimestamp = (flags & TIMESTAMP_PRESENT) != 0;
        LocalDateTime time = hasTimestamp ? GattDateTime.read(in) : null;
        Double pulse = (flags & PULSE_RATE_PRESENT) != 0 ? Ieee11073.sfloat(in.uint16("pulse rate")) : null;
        boolean hasPulse = (flags & PULSE_RATE_PRESENT) != 0;
        Integer user = (flags & USER_ID_PRESENT) != 0 ? in.uint8("user id") : null;
        int status = (flags & STATUS_PRESENT) != 0 ? in.uint16("measurement status") : 0;

        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        if ((status & STATUS_QUESTIONABLE_BITS) != 0) {
            common.add(ObservationFlag.QUESTIONABLE);
        }
        if (hasTimestamp && time == null) {
            common.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        }
        Integer userIndex = user == null || user == UNKNOWN_USER ? null : user;
        boolean kpa = (flags & UNITS_KPA) != 0;

        List<Measurement> out = new ArrayList<>(4);
        out.add(pressure(Vocabulary.SYSTOLIC, systolic, kpa, time, userIndex, common));
        out.add(pressure(Vocabulary.DIASTOLIC, diastolic, kpa, time, userIndex, common));
        out.add(pressure(Vocabulary.MEAN_ARTERIAL_PRESSURE, mean, kpa, time, userIndex, common));
        if (hasPulse) {
            out.add(Measurement.of(Vocabulary.HEART_RATE, pulse, time, userIndex, common));
        }
        return List.copyOf(out);
    }

    private static Measurement pressure(ClinicalCode code, Double raw, boolean kpa, LocalDateTime time, Integer user,
                                        Set<ObservationFlag> common) {
        if (raw == null || !kpa) {
            return Measurement.of(code, raw, time, user, common);
        }
        return Measurement.of(code, Math.round(raw * MMHG_PER_KPA * 10) / 10.0, time, user, common);
    }
}
