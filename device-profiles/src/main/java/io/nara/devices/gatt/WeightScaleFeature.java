package io.nara.devices.gatt;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import java.util.List;

/**
 * Weight Scale Feature, characteristic 0x2A9E: what a scale supports. Read once at pairing to know whether it stamps
 * readings, serves several users and at which resolution it actually weighs (the Weight field is always in 0.005 kg
 * steps; the resolution says how coarse the scale really is).
 *
 * @param timestampSupported     the scale sends a timestamp
 * @param multipleUsersSupported the scale tells users apart (user index)
 * @param bmiSupported           the scale sends BMI and height
 * @param weightResolutionKg     the scale's resolution in kg; null when "not specified"
 * @param heightResolutionM      the height resolution in metres; null when "not specified"
 */
public record WeightScaleFeature(
        boolean timestampSupported,
        boolean multipleUsersSupported,
        boolean bmiSupported,
        Double weightResolutionKg,
        Double heightResolutionM) {

    public static final int UUID16 = 0x2A9E;

    /** Index = the 4-bit Weight Measurement Resolution field; 8..15 are reserved. */
    private static final double[] WEIGHT_RESOLUTION_KG = {0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005};
    /** Index = the 3-bit Height Measurement Resolution field; 4..7 are reserved. */
    private static final double[] HEIGHT_RESOLUTION_M = {0, 0.01, 0.005, 0.001};

    public static WeightScaleFeature parse(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        long bits = in.uint32("weight scale feature");
        int weight = (int) (bits >> 3) & 0x0F;
        int height = (int) (bits >> 7) & 0x07;
        if (weight >= WEIGHT_RESOLUTION_KG.length) {
            throw new DecodeException("weight scale feature: weight resolution " + weight + " is reserved");
        }
        if (height >= HEIGHT_RESOLUTION_M.length) {
            throw new DecodeException("weight scale feature: height resolution " + height + " is reserved");
        }
        return new WeightScaleFeature(
                (bits & 0x01) != 0,
                (bits & 0x02) != 0,
                (bits & 0x04) != 0,
                weight == 0 ? null : WEIGHT_RESOLUTION_KG[weight],
                height == 0 ? null : HEIGHT_RESOLUTION_M[height]);
    }

    /** The decoder view: a feature read carries no observation, but its bytes are validated. */
    static final class Decoder implements CharacteristicDecoder {
        @Override
        public List<Measurement> decode(byte[] value) throws DecodeException {
            parse(value);
            return List.of();
        }
    }
}
