package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Weight Measurement, characteristic 0x2A9D of the Weight Scale service 0x181D (Weight Scale Service 1.0). */
public final class WeightMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A9D;

    private static final int UNITS_IMPERIAL = 0x01;
    private static final int TIMESTAMP_PRESENT = 0x02;
    private static final int USER_ID_PRESENT = 0x04;
    private static final int BMI_AND_HEIGHT_PRESENT = 0x08;
    /** The specification's "measurement unsuccessful". */
    static final int UNSUCCESSFUL = 0xFFFF;

    static final int UNKNOWN_USER = 0xFF;
    static final double KG_PER_LB = 0.45359237;
    static final double M_PER_INCH = 0.0254;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        boolean imperial = (flags & UNITS_IMPERIAL) != 0;
        int rawWeight = in.uint16("weight");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime time = (flags & TIMESTAMP_PRESENT) != 0 ? GattDateTime.readStamp(in, quirks, common) : null;
        Integer user = (flags & USER_ID_PRESENT) != 0 ? in.uint8("user id") : null;
        boolean hasBmi = (flags & BMI_AND_HEIGHT_PRESENT) != 0;
        int rawBmi = hasBmi ? in.uint16("BMI") : 0;
        int rawHeight = hasBmi ? in.uint16("height") : 0;
        Integer userIndex = user == null || user == UNKNOWN_USER ? null : user;

        List<Measurement> out = new ArrayList<>(3);
        out.add(mass(Vocabulary.BODY_WEIGHT, rawWeight, imperial, time, userIndex, common));
        // BMI and height are derived from the weight: meaningless when the weighing failed.
        if (hasBmi && rawWeight != UNSUCCESSFUL) {
            out.add(Measurement.of(Vocabulary.BMI, round(rawBmi * 0.1, 10), time, userIndex, common));
            out.add(length(Vocabulary.BODY_HEIGHT, rawHeight, imperial, time, userIndex, common));
        }
        return List.copyOf(out);
    }

    /** A mass field at 0.005 kg or 0.01 lb resolution, stored in kg rounded to the gram; 0xFFFF is unsuccessful. */
    static Measurement mass(
            ClinicalCode code,
            int raw,
            boolean imperial,
            LocalDateTime time,
            Integer user,
            Set<ObservationFlag> common) {
        if (raw == UNSUCCESSFUL) {
            return Measurement.converted(code, null, null, imperial ? "[lb_av]" : "kg", time, user, common);
        }
        if (imperial) {
            double lb = round(raw * 0.01, 100);
            return Measurement.converted(code, round(lb * KG_PER_LB, 1000), lb, "[lb_av]", time, user, common);
        }
        return Measurement.of(code, round(raw * 0.005, 1000), time, user, common);
    }

    /** A height field at 0.001 m or 0.1 inch resolution, stored in metres rounded to the millimetre. */
    static Measurement length(
            ClinicalCode code,
            int raw,
            boolean imperial,
            LocalDateTime time,
            Integer user,
            Set<ObservationFlag> common) {
        if (imperial) {
            double inches = round(raw * 0.1, 10);
            return Measurement.converted(code, round(inches * M_PER_INCH, 1000), inches, "[in_i]", time, user, common);
        }
        return Measurement.of(code, round(raw * 0.001, 1000), time, user, common);
    }

    static double round(double value, int per) {
        return Math.round(value * per) / (double) per;
    }
}
