package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.List;
import java.util.Set;

/**
 * Glucose Measurement Context, characteristic 0x2A34: what surrounded the glucose record with the same sequence number
 * (meal, tester, health, exercise, medication, HbA1c).
 *
 * @param sequenceNumber the glucose record this context belongs to
 * @param meal           1 preprandial, 2 postprandial, 3 fasting, 4 casual, 5 bedtime; null when absent
 * @param tester         1 self, 2 health-care professional, 3 lab test, 15 not available; null when absent
 * @param health         1 minor issues, 2 major issues, 3 during menses, 4 under stress, 5 no issues, 15 n/a
 * @param hba1cPercent   HbA1c in %; null when absent or a special value
 */
public record GlucoseMeasurementContext(
        int sequenceNumber, Integer meal, Integer tester, Integer health, Double hba1cPercent) {

    public static final int UUID16 = 0x2A34;

    private static final int CARBOHYDRATE = 0x01;
    private static final int MEAL = 0x02;
    private static final int TESTER_HEALTH = 0x04;
    private static final int EXERCISE = 0x08;
    private static final int MEDICATION = 0x10;
    private static final int HBA1C = 0x40;
    private static final int EXTENDED_FLAGS = 0x80;

    public static GlucoseMeasurementContext parse(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        int sequence = in.uint16("sequence number");
        if ((flags & EXTENDED_FLAGS) != 0) {
            in.uint8("extended flags");
        }
        if ((flags & CARBOHYDRATE) != 0) {
            in.uint8("carbohydrate id");
            in.sfloat("carbohydrate");
        }
        Integer meal = null;
        if ((flags & MEAL) != 0) {
            meal = in.uint8("meal");
            if (meal < 1 || meal > 5) {
                throw new DecodeException("meal " + meal + " is reserved (1..5 are defined)");
            }
        }
        Integer tester = null;
        Integer health = null;
        if ((flags & TESTER_HEALTH) != 0) {
            int both = in.uint8("tester-health");
            tester = both & 0x0F;
            health = both >> 4;
        }
        if ((flags & EXERCISE) != 0) {
            in.uint16("exercise duration");
            in.uint8("exercise intensity");
        }
        if ((flags & MEDICATION) != 0) {
            in.uint8("medication id");
            in.sfloat("medication");
        }
        Double hba1c = (flags & HBA1C) != 0 ? in.sfloat("HbA1c") : null;
        return new GlucoseMeasurementContext(sequence, meal, tester, health, hba1c);
    }

    /** The decoder view: an HbA1c in the context is an observation of its own; the rest annotates the glucose. */
    static final class Decoder implements CharacteristicDecoder {
        @Override
        public List<Measurement> decode(byte[] value) throws DecodeException {
            GlucoseMeasurementContext context = parse(value);
            return context.hba1cPercent() == null
                    ? List.of()
                    : List.of(Measurement.of(Vocabulary.HBA1C, context.hba1cPercent(), null, null, Set.of()));
        }
    }
}
