package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Weight Measurement, characteristic 0x2A9D of the Weight Scale service 0x181D. */
public final class WeightMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A9D;

    private static final int UNITS_IMPERIAL = 0x01;
    private static final int TIMESTAMP_PRESENT = 0x02;
    private static final int USER_ID_PRESENT = 0x04;
    private static final int BMI_AND_HEIGHT_PRESENT = 0x08;
    /** The specification's "measurement unsuccessful". */
    private static final int UNSUCCESSFUL = 0xFFFF;
    private static final int UNKNOWN_USER = 0xFF;
    private static final double KG_PER_LB = 0.45359237;
    private static final double M_PER_INCH = 0.0254;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        boolean imperial = (flags & UNITS_IMPERIAL) != 0;
        int rawWeight = in.uint16("weight");
        boolean hasTimestamp = (flags & TIMESTAMP_PRESENT) != 0;
        LocalDateTime time = hasTimestamp ? GattDateTime.read(in) : null;
        Integer user = (flags & USER_ID_PRESENT) != 0 ? in.uint8("user id") : null;
        boolean hasBmi = (flags & BMI_AND_HEIGHT_PRESENT) != 0;
        int rawBmi = hasBmi ? in.uint16("BMI") : 0;
        int rawHeight = hasBmi ? in.uint16("height") : 0;

        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        if (hasTimestamp && time == null) {
            common.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        }
        Integer userIndex = user == null || user == UNKNOWN_USER ? null : user;

        // Resolution 0.005 kg or 0.01 lb; stored in kg rounded to the gram so lb readings do not carry float noise.
        Double kg = rawWeight == UNSUCCESSFUL ? null
                : imperial ? round(rawWeight * 0.01 * KG_PER_LB, 1000) : round(rawWeight * 0.005, 1000);
        List<Measurement> out = new ArrayList<>(3);
        out.add(Measurement.of(Vocabulary.BODY_WEIGHT, kg, time, userIndex, common));
        if (hasBmi && kg != null) {
            out.add(Measurement.of(Vocabulary.BMI, round(rawBmi * 0.1, 10), time, userIndex,
                    common));
            double metres = imperial ? rawHeight * 0.1 * M_PER_INCH : rawHeight * 0.001;
            out.add(Measurement.of(Vocabulary.BODY_HEIGHT, round(metres, 1000), time, userIndex,
                    common));
        }
        return List.copyOf(out);
    }

    private static double round(double value, int per) {
        return Math.round(value * per) / (double) per;
    }
}
