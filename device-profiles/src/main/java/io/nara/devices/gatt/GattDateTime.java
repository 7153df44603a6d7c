package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import java.time.DateTimeException;
import java.time.LocalDateTime;

/** The 7-byte Date Time field (0x2A08) embedded in health measurements. */
final class GattDateTime {

    private GattDateTime() {
    }

    /**
     * Reads a Date Time. Year, month or day 0 means "not known" per the specification: the device's clock was not set,
     * so the result is null and the caller flags the reading. Values out of range are a decode error.
     */
    static LocalDateTime read(ByteCursor in) throws DecodeException {
        int at = in.offset();
        int year = in.uint16("timestamp year");
        int month = in.uint8("timestamp month");
        int day = in.uint8("timestamp day");
        int hours = in.uint8("timestamp hours");
        int minutes = in.uint8("timestamp minutes");
        int seconds = in.uint8("timestamp seconds");
        if (year == 0 || month == 0 || day == 0) {
            return null;
        }
        if (year < 1582 || year > 9999) {
            throw new DecodeException("timestamp at offset " + at + ": year " + year + " is outside 1582..9999");
        }
        try {
            return LocalDateTime.of(year, month, day, hours, minutes, seconds);
        } catch (DateTimeException e) {
            throw new DecodeException("timestamp at offset " + at + " is not a date: " + year + "-" + month + "-" + day
                    + " " + hours + ":" + minutes + ":" + seconds);
        }
    }
}
