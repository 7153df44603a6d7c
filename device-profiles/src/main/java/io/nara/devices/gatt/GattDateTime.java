package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Quirks;
import io.nara.protocol.message.ObservationFlag;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.Set;

/** The 7-byte Date Time field (0x2A08) embedded in health measurements, and its encoding to set a device's clock. */
public final class GattDateTime {

    /** The characteristic a device exposes to have its clock set (A&D writes it, for one). */
    public static final int UUID16 = 0x2A08;

    private GattDateTime() {}

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

    /**
     * Reads a Date Time that stamps a measurement: an unknown date, or a factory default date from a device with
     * {@link io.nara.devices.Quirk#UNSET_CLOCK_REPORTS_DEFAULT_DATE}, gives null and flags the clock unreliable.
     */
    static LocalDateTime readStamp(ByteCursor in, Quirks quirks, Set<ObservationFlag> flags) throws DecodeException {
        LocalDateTime time = read(in);
        if (time == null || quirks.isDefaultDate(time)) {
            flags.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
            return null;
        }
        return time;
    }

    /** Encodes a Date Time value (7 bytes, little-endian year) to write to a device's 0x2A08. */
    public static byte[] encode(LocalDateTime time) {
        byte[] out = new byte[7];
        write(time, out);
        return out;
    }

    static void write(LocalDateTime time, byte[] out) {
        if (time.getYear() < 1582 || time.getYear() > 9999) {
            throw new IllegalArgumentException("year " + time.getYear() + " cannot be sent as a GATT Date Time");
        }
        out[0] = (byte) time.getYear();
        out[1] = (byte) (time.getYear() >> 8);
        out[2] = (byte) time.getMonthValue();
        out[3] = (byte) time.getDayOfMonth();
        out[4] = (byte) time.getHour();
        out[5] = (byte) time.getMinute();
        out[6] = (byte) time.getSecond();
    }
}
