package io.nara.gateway.sim;

import io.nara.devices.gatt.Ieee11073;
import io.nara.devices.gatt.PlxContinuousMeasurement;
import java.io.ByteArrayOutputStream;

/** A pulse oximeter streaming PLX Continuous Measurement (0x2A5F): SpO2 and pulse rate, no timestamp. */
public final class SimulatedOximeter {

    private SimulatedOximeter() {}

    public static int characteristic() {
        return PlxContinuousMeasurement.UUID16;
    }

    public static byte[] measurement(double spo2, double pulse) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5);
        out.write(0x00);
        GattBytes.uint16(out, Ieee11073.toSfloat(spo2, 0));
        GattBytes.uint16(out, Ieee11073.toSfloat(pulse, 0));
        return out.toByteArray();
    }
}
