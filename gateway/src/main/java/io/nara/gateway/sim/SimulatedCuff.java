package io.nara.gateway.sim;

import io.nara.devices.gatt.BloodPressureMeasurement;
import io.nara.devices.gatt.Ieee11073;
import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;

/**
 * A blood-pressure cuff as its Bluetooth indications look on the wire: Blood Pressure Measurement (0x2A35) values in
 * mmHg with a timestamp and pulse rate, exactly as a standard cuff sends them.
 */
public final class SimulatedCuff {

    private static final int FLAGS_TIMESTAMP_AND_PULSE = 0x06;

    private SimulatedCuff() {}

    public static int characteristic() {
        return BloodPressureMeasurement.UUID16;
    }

    /**
     * The raw value of one measurement; a null systolic is sent as the SFLOAT NaN that a cuff sends when the
     * measurement failed.
     */
    public static byte[] measurement(Double systolic, double diastolic, double pulse, LocalDateTime time) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(19);
        out.write(FLAGS_TIMESTAMP_AND_PULSE);
        int sys = systolic == null ? Ieee11073.SFLOAT_NAN : Ieee11073.toSfloat(systolic, 0);
        double mean = systolic == null ? diastolic : diastolic + (systolic - diastolic) / 3;
        GattBytes.uint16(out, sys);
        GattBytes.uint16(out, Ieee11073.toSfloat(diastolic, 0));
        GattBytes.uint16(out, Ieee11073.toSfloat(Math.round(mean), 0));
        GattBytes.dateTime(out, time);
        GattBytes.uint16(out, Ieee11073.toSfloat(pulse, 0));
        return out.toByteArray();
    }
}
