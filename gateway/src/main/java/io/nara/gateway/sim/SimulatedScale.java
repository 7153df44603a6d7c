package io.nara.gateway.sim;

import io.nara.devices.gatt.WeightMeasurement;
import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;

/** A weight scale as its Weight Measurement (0x2A9D) indications look on the wire: SI units, 5 g resolution. */
public final class SimulatedScale {

    private static final int FLAGS_TIMESTAMP = 0x02;

    private SimulatedScale() {}

    public static int characteristic() {
        return WeightMeasurement.UUID16;
    }

    public static byte[] measurement(double kilograms, LocalDateTime time) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(10);
        out.write(FLAGS_TIMESTAMP);
        GattBytes.uint16(out, (int) Math.round(kilograms / 0.005));
        GattBytes.dateTime(out, time);
        return out.toByteArray();
    }
}
