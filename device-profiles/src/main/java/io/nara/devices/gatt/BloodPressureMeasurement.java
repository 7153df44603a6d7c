package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Blood Pressure Measurement, characteristic 0x2A35 of the Blood Pressure service 0x1810 (Blood Pressure Service 1.0).
 * Intermediate Cuff Pressure 0x2A36 shares the layout; see {@link IntermediateCuffPressure}.
 */
public final class BloodPressureMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A35;

    static final int UNITS_KPA = 0x01;
    static final int TIMESTAMP_PRESENT = 0x02;
    static final int PULSE_RATE_PRESENT = 0x04;
    static final int USER_ID_PRESENT = 0x08;
    static final int STATUS_PRESENT = 0x10;

    private static final int BODY_MOVEMENT = 0x0001;
    private static final int CUFF_TOO_LOOSE = 0x0002;
    private static final int IRREGULAR_PULSE = 0x0004;
    /** Bits 3-4: 0 pulse within range, 1 above the upper limit, 2 below the lower limit, 3 reserved. */
    private static final int PULSE_RANGE_MASK = 0x0018;

    private static final int IMPROPER_POSITION = 0x0020;
    static final double MMHG_PER_KPA = 7.500615758;
    static final int UNKNOWN_USER = 0xFF;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        int rawSystolic = in.uint16("systolic");
        int rawDiastolic = in.uint16("diastolic");
        int rawMean = in.uint16("mean arterial pressure");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime time = (flags & TIMESTAMP_PRESENT) != 0 ? GattDateTime.readStamp(in, quirks, common) : null;
        boolean hasPulse = (flags & PULSE_RATE_PRESENT) != 0;
        Double pulse = hasPulse ? in.sfloat("pulse rate") : null;
        Integer user = (flags & USER_ID_PRESENT) != 0 ? in.uint8("user id") : null;
        int status = (flags & STATUS_PRESENT) != 0 ? in.uint16("measurement status") : 0;

        common.addAll(statusFlags(status));
        Integer userIndex = user == null || user == UNKNOWN_USER ? null : user;
        boolean kpa = (flags & UNITS_KPA) != 0;
        Double mean = Ieee11073.sfloat(rawMean);
        if (quirks.has(Quirk.MEAN_PRESSURE_ZERO_MEANS_NOT_MEASURED) && mean != null && mean == 0) {
            mean = null;
        }
        if (quirks.has(Quirk.PULSE_RATE_ZERO_MEANS_NOT_MEASURED) && pulse != null && pulse == 0) {
            pulse = null;
        }

        List<Measurement> out = new ArrayList<>(4);
        out.add(pressure(Vocabulary.SYSTOLIC, Ieee11073.sfloat(rawSystolic), kpa, time, userIndex, common));
        out.add(pressure(Vocabulary.DIASTOLIC, Ieee11073.sfloat(rawDiastolic), kpa, time, userIndex, common));
        out.add(pressure(Vocabulary.MEAN_ARTERIAL_PRESSURE, mean, kpa, time, userIndex, common));
        if (hasPulse) {
            out.add(Measurement.of(Vocabulary.HEART_RATE, pulse, time, userIndex, common));
        }
        return List.copyOf(out);
    }

    /** Every Measurement Status bit as a flag; each finer flag also sets QUESTIONABLE, the umbrella rules use. */
    static Set<ObservationFlag> statusFlags(int status) {
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if ((status & BODY_MOVEMENT) != 0) {
            flags.add(ObservationFlag.BODY_MOVEMENT);
        }
        if ((status & CUFF_TOO_LOOSE) != 0) {
            flags.add(ObservationFlag.CUFF_FIT);
        }
        if ((status & IRREGULAR_PULSE) != 0) {
            flags.add(ObservationFlag.IRREGULAR_PULSE);
        }
        if ((status & PULSE_RANGE_MASK) != 0) {
            flags.add(ObservationFlag.PULSE_RATE_OUT_OF_RANGE);
        }
        if ((status & IMPROPER_POSITION) != 0) {
            flags.add(ObservationFlag.IMPROPER_POSITION);
        }
        if (!flags.isEmpty()) {
            flags.add(ObservationFlag.QUESTIONABLE);
        }
        return flags;
    }

    static Measurement pressure(
            ClinicalCode code, Double raw, boolean kpa, LocalDateTime time, Integer user, Set<ObservationFlag> common) {
        if (!kpa) {
            return Measurement.of(code, raw, time, user, common);
        }
        Double mmHg = raw == null ? null : Math.round(raw * MMHG_PER_KPA * 10) / 10.0;
        return Measurement.converted(code, mmHg, raw, "kPa", time, user, common);
    }
}
