package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Heart Rate Measurement, characteristic 0x2A37 of the Heart Rate service 0x180D. No timestamp: the hub's time of
 * receipt applies. Energy expended and RR intervals are validated and not kept (no care-plan use).
 */
public final class HeartRateMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A37;

    private static final int VALUE_IS_UINT16 = 0x01;
    private static final int CONTACT_MASK = 0x06;
    /** Contact detection supported (bit 2) but no contact (bit 1 clear). */
    private static final int CONTACT_SUPPORTED_NOT_DETECTED = 0x04;

    private static final int ENERGY_EXPENDED = 0x08;
    private static final int RR_INTERVALS = 0x10;

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        int rate = (flags & VALUE_IS_UINT16) != 0 ? in.uint16("heart rate") : in.uint8("heart rate");
        // Energy expended and RR intervals are read only to check the value's length; neither is kept, so skipping
        // either read (2 bytes, the RR parity unchanged) is an equivalent mutant.
        if ((flags & ENERGY_EXPENDED) != 0) {
            in.uint16("energy expended");
        }
        if ((flags & RR_INTERVALS) != 0) {
            if (in.remaining() % 2 != 0) {
                throw new DecodeException("RR intervals: " + in.remaining() + " byte(s) left at offset " + in.offset()
                        + ", not a whole number of 16-bit intervals");
            }
            while (in.remaining() > 0) {
                in.uint16("RR interval");
            }
        }
        Set<ObservationFlag> status = EnumSet.noneOf(ObservationFlag.class);
        if ((flags & CONTACT_MASK) == CONTACT_SUPPORTED_NOT_DETECTED) {
            status.add(ObservationFlag.POOR_SIGNAL);
            status.add(ObservationFlag.QUESTIONABLE);
        }
        return List.of(Measurement.of(Vocabulary.HEART_RATE, (double) rate, null, null, status));
    }
}
