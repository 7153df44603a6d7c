package io.nara.gateway.sim;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;

/** Little-endian GATT field writers for the simulated devices. */
final class GattBytes {

    private GattBytes() {}

    static void uint16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write((value >> 8) & 0xFF);
    }

    /** The 7-byte Date Time field. */
    static void dateTime(ByteArrayOutputStream out, LocalDateTime time) {
        uint16(out, time.getYear());
        out.write(time.getMonthValue());
        out.write(time.getDayOfMonth());
        out.write(time.getHour());
        out.write(time.getMinute());
        out.write(time.getSecond());
    }
}
