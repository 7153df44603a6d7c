package io.nara.protocol.careplan;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The weight range (kg) in which a reading from a shared scale without a user index is this patient's. Bands of the
 * patients sharing a scale must not overlap where readings fall; a reading in no band or in two stays unattributed.
 */
public record WeightBand(double min, double max) {

    @JsonCreator
    public WeightBand {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min <= 0 || max <= min) {
            throw new IllegalArgumentException("weightBand: need 0 < min < max, was " + min + ".." + max);
        }
    }

    public boolean contains(double kg) {
        return kg >= min && kg <= max;
    }
}
