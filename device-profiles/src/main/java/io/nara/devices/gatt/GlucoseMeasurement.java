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
 * Glucose Measurement, characteristic 0x2A18 of the Glucose service 0x1808. Records are fetched through the RACP
 * ({@link RecordAccessControlPoint}); a record may be followed by a {@link GlucoseMeasurementContext} with the same
 * sequence number.
 */
public final class GlucoseMeasurement implements CharacteristicDecoder {

    public static final int UUID16 = 0x2A18;

    private static final int TIME_OFFSET = 0x01;
    private static final int CONCENTRATION = 0x02;
    private static final int UNITS_MOL_PER_L = 0x04;
    private static final int SENSOR_STATUS = 0x08;
    private static final int CONTEXT_FOLLOWS = 0x10;

    /** Type nibble 10: control solution, never the patient's blood. */
    private static final int TYPE_CONTROL_SOLUTION = 10;
    /** Sample location nibble 4: control solution. */
    private static final int LOCATION_CONTROL_SOLUTION = 4;

    // Sensor Status Annunciation
    private static final int FAILED_BITS = 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0200 | 0x0400;
    // sensor malfunction, sample size insufficient, strip insertion error, strip type incorrect, read interrupted,
    // general device fault
    private static final int RESULT_TOO_HIGH = 0x0020;
    private static final int RESULT_TOO_LOW = 0x0040;
    private static final int TEMPERATURE_BITS = 0x0080 | 0x0100;
    private static final int TIME_FAULT = 0x0800;
    // bit 0 device battery low: a device matter, reported in hub status, not a reading flag

    /**
     * One glucose record with what the measurement alone does not show.
     *
     * @param sequenceNumber the device's record number, to match a context and to ask the RACP for newer records
     * @param contextFollows a 0x2A34 context with the same sequence number follows
     * @param measurements   the glucose reading (empty when the record carries no concentration)
     */
    public record Record(int sequenceNumber, boolean contextFollows, List<Measurement> measurements) {}

    @Override
    public List<Measurement> decode(byte[] value) throws DecodeException {
        return parse(value, Quirks.NONE).measurements();
    }

    @Override
    public List<Measurement> decode(byte[] value, Quirks quirks) throws DecodeException {
        return parse(value, quirks).measurements();
    }

    public static Record parse(byte[] value, Quirks quirks) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int flags = in.uint8("flags");
        int sequence = in.uint16("sequence number");
        Set<ObservationFlag> common = EnumSet.noneOf(ObservationFlag.class);
        LocalDateTime base = GattDateTime.readStamp(in, quirks, common);
        int offsetMinutes = (flags & TIME_OFFSET) != 0 ? in.sint16("time offset") : 0;
        boolean hasConcentration = (flags & CONCENTRATION) != 0;
        Double raw = hasConcentration ? in.sfloat("glucose concentration") : null;
        int typeAndLocation = hasConcentration ? in.uint8("type-sample location") : 0;
        int status = (flags & SENSOR_STATUS) != 0 ? in.uint16("sensor status annunciation") : 0;
        if (!hasConcentration) {
            return new Record(sequence, (flags & CONTEXT_FOLLOWS) != 0, List.of());
        }
        LocalDateTime time = base == null ? null : base.plusMinutes(offsetMinutes);
        int type = typeAndLocation & 0x0F;
        int location = typeAndLocation >> 4;
        if (type == TYPE_CONTROL_SOLUTION || location == LOCATION_CONTROL_SOLUTION) {
            common.add(ObservationFlag.NOT_PATIENT_DATA);
        }
        common.addAll(statusFlags(status));

        boolean molar = (flags & UNITS_MOL_PER_L) != 0;
        boolean failed = common.contains(ObservationFlag.MEASUREMENT_FAILED);
        Double mmol = raw == null || failed
                ? null
                : WeightMeasurement.round(molar ? raw * 1000 : raw * 100_000 / 18.016, 100);
        // kg/L and mol/L are the spec's units; the device's number is kept in them so nothing is lost.
        Measurement m =
                Measurement.converted(Vocabulary.GLUCOSE, mmol, raw, molar ? "mol/L" : "kg/L", time, null, common);
        return new Record(sequence, (flags & CONTEXT_FOLLOWS) != 0, List.of(m));
    }

    static Set<ObservationFlag> statusFlags(int status) {
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if ((status & RESULT_TOO_HIGH) != 0) {
            flags.add(ObservationFlag.ABOVE_MEASURING_RANGE);
        }
        if ((status & RESULT_TOO_LOW) != 0) {
            flags.add(ObservationFlag.BELOW_MEASURING_RANGE);
        }
        if ((status & TEMPERATURE_BITS) != 0) {
            flags.add(ObservationFlag.QUESTIONABLE);
        }
        if ((status & TIME_FAULT) != 0) {
            flags.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        }
        if ((status & FAILED_BITS) != 0) {
            flags.add(ObservationFlag.MEASUREMENT_FAILED);
        }
        return flags;
    }
}
