package io.nara.devices.gatt;

import java.time.LocalDateTime;

/**
 * Current Time, characteristic 0x2A2B of the Current Time Service 0x1805 (Omron cuffs, many scales): Exact Time 256
 * (Date Time, Day of Week, Fractions256) followed by Adjust Reason. Encoded by the hub to set a device's clock.
 */
public final class CurrentTime {

    public static final int UUID16 = 0x2A2B;

    /** Adjust Reason bit: the time was set manually (the hub has no finer reason to give). */
    public static final int ADJUST_MANUAL = 0x01;
    /** Adjust Reason bit: set from an external reference (the hub's NTP-synchronised clock). */
    public static final int ADJUST_EXTERNAL_REFERENCE = 0x02;
    /** Adjust Reason bit: the time zone changed. */
    public static final int ADJUST_TIME_ZONE = 0x04;
    /** Adjust Reason bit: daylight saving time changed. */
    public static final int ADJUST_DST = 0x08;

    private CurrentTime() {}

    /**
     * Encodes the 10-byte Current Time value.
     *
     * @param time         local wall-clock time to set (devices show and stamp local time)
     * @param adjustReason a combination of the ADJUST_* bits
     */
    public static byte[] encode(LocalDateTime time, int adjustReason) {
        if ((adjustReason & ~0x0F) != 0) {
            throw new IllegalArgumentException(
                    "adjust reason 0x" + Integer.toHexString(adjustReason) + " sets reserved bits");
        }
        byte[] out = new byte[10];
        GattDateTime.write(time, out);
        out[7] = (byte) time.getDayOfWeek().getValue(); // 1 = Monday .. 7 = Sunday, as ISO and the spec agree
        out[8] = (byte) (time.getNano() / 1_000_000_000.0 * 256); // Fractions256
        out[9] = (byte) adjustReason;
        return out;
    }
}
