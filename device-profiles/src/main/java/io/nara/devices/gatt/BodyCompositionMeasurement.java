package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Body Composition Measurement, characteristic 0x2A9C of the Body Composition service 0x181B.
 *
 * <p>Decision: body fat, weight and height become observations (the vocabulary has codes for them). Basal
 * metabolism, muscle, fat-free, soft-lean and water mass and impedance are read and validated but not kept: no care
 * plan for heart failure uses them and the vocabulary has no agreed code. Adding one is a vocabulary entry plus a line
 * here.
 */
public final class BodyCompositionMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A9C;

    private static final int UNITS_IMPERIAL = 0x0001;
    private static final int TIMESTAMP = 0x0002;
    private static final int USER_ID = 0x0004;
    private static final int BASAL_METABOLISM = 0x0008;
    private static final int MUSCLE_PERCENTAGE = 0x0010;
    private static final int MUSCLE_MASS = 0x0020;
    private static final int FAT_FREE_MASS = 0x0040;
    private static final int SOFT_LEAN_MASS = 0x0080;
    private static final int BODY_WATER_MASS = 0x0100;
    private static final int IMPEDANCE = 0x0200;
    private static final int WEIGHT = 0x0400;
    private static final int HEIGHT = 0x0800;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return decode(value, Quirks.NONE);
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint16("flags");
        boolean imperial = (flags & UNITS_IMPERIAL) != 0;
        int rawFat = in.uint16("body fat percentage");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime time = (flags & TIMESTAMP) != 0 ? GattDateTime.readStamp(in, quirks, common) : null;
        Integer user = (flags & USER_ID) != 0 ? in.uint8("user id") : null;
        skip(in, flags, BASAL_METABOLISM, "basal metabolism");
        skip(in, flags, MUSCLE_PERCENTAGE, "muscle percentage");
        skip(in, flags, MUSCLE_MASS, "muscle mass");
        skip(in, flags, FAT_FREE_MASS, "fat free mass");
        skip(in, flags, SOFT_LEAN_MASS, "soft lean mass");
        skip(in, flags, BODY_WATER_MASS, "body water mass");
        skip(in, flags, IMPEDANCE, "impedance");
        Integer rawWeight = (flags & WEIGHT) != 0 ? in.uint16("weight") : null;
        Integer rawHeight = (flags & HEIGHT) != 0 ? in.uint16("height") : null;
        Integer userIndex = user == null || user == WeightMeasurement.UNKNOWN_USER ? null : user;

        List<Measurement> out = new ArrayList<>(3);
        boolean failed = rawFat == WeightMeasurement.UNSUCCESSFUL;
        out.add(Measurement.of(
                Vocabulary.BODY_FAT_PERCENTAGE,
                failed ? null : WeightMeasurement.round(rawFat * 0.1, 10),
                time,
                userIndex,
                common));
        if (rawWeight != null) {
            out.add(WeightMeasurement.mass(Vocabulary.BODY_WEIGHT, rawWeight, imperial, time, userIndex, common));
        }
        if (rawHeight != null) {
            out.add(WeightMeasurement.length(Vocabulary.BODY_HEIGHT, rawHeight, imperial, time, userIndex, common));
        }
        return List.copyOf(out);
    }

    private static void skip(ByteCursor in, int flags, int bit, String field) throws DecodeException {
        if ((flags & bit) != 0) {
            in.uint16(field);
        }
    }
}
