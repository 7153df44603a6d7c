package io.nara.devices.gatt;

/**
 * IEEE 11073-20601 SFLOAT (16-bit) and FLOAT (32-bit) numbers as the Bluetooth health profiles use them.
 *
 * <p>The special values NaN, NRes (not at this resolution), +INF, -INF and the reserved value all mean "no valid
 * reading"; they decode to {@code null}, never to a number.
 */
public final class Ieee11073 {

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37,
        1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55,
        1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64, 1e65, 1e66, 1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73,
        1e74, 1e75, 1e76, 1e77, 1e78, 1e79, 1e80, 1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89, 1e90, 1e91,
        1e92, 1e93, 1e94, 1e95, 1e96, 1e97, 1e98, 1e99, 1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108,
        1e109, 1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123, 1e124,
        1e125, 1e126, 1e127, 1e128
    };

    /** The raw SFLOAT that means "not a number": a failed measurement. */
    public static final int SFLOAT_NAN = 0x07FF;

    private Ieee11073() {}

    /** Decodes a raw 16-bit SFLOAT; null for a special value. */
    public static Double sfloat(int raw) {
        int mantissa = raw & 0x0FFF;
        int exponent = (raw >> 12) & 0x0F;
        if (exponent == 0 && mantissa >= 0x07FE && mantissa <= 0x0802) {
            return null; // +INF, NaN, NRes, reserved, -INF
        }
        if (mantissa >= 0x0800) {
            mantissa -= 0x1000;
        }
        if (exponent >= 0x08) {
            exponent -= 0x10;
        }
        return scale(mantissa, exponent);
    }

    /** Decodes a raw 32-bit FLOAT; null for a special value. */
    public static Double float32(long raw) {
        int mantissa = (int) (raw & 0x00FF_FFFF);
        int exponent = (byte) ((raw >> 24) & 0xFF);
        if (exponent == 0 && mantissa >= 0x007F_FFFE && mantissa <= 0x0080_0002) {
            return null;
        }
        if (mantissa >= 0x0080_0000) {
            mantissa -= 0x0100_0000;
        }
        return scale(mantissa, exponent);
    }

    /** Encodes a value as SFLOAT with the given decimal exponent (-8..7); used to set values and by simulators. */
    public static int toSfloat(double value, int exponent) {
        if (exponent < -8 || exponent > 7) {
            throw new IllegalArgumentException("SFLOAT exponent " + exponent + " is outside -8..7");
        }
        long mantissa = Math.round(exponent >= 0 ? value / POWERS_OF_TEN[exponent] : value * POWERS_OF_TEN[-exponent]);
        if (mantissa < -2046 || mantissa > 2045) {
            throw new IllegalArgumentException(value + " does not fit an SFLOAT with exponent " + exponent);
        }
        return ((exponent & 0x0F) << 12) | ((int) mantissa & 0x0FFF);
    }

    // Dividing by an exact power of ten rounds once, so 1205e-1 becomes the double nearest to 120.5. At exponent 0
    // both branches multiply or divide by 1, so `>=` against `>` here (and in toSfloat) is an equivalent mutant.
    private static double scale(int mantissa, int exponent) {
        return exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    }
}
