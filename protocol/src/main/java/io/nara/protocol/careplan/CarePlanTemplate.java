package io.nara.protocol.careplan;

import io.nara.protocol.codec.MessageCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The defaults of DOMAIN.md as a care plan a doctor starts from ({@code careplan/heart-failure-template.json} on the
 * class path): every number there is a default, never a prescription.
 */
public final class CarePlanTemplate {

    public static final String RESOURCE = "/careplan/heart-failure-template.json";

    private CarePlanTemplate() {}

    /** The template as written, for patient {@code TEMPLATE}. */
    public static CarePlan heartFailure(MessageCodec codec) {
        try (InputStream in = CarePlanTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return codec.decode(in.readAllBytes(), CarePlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template for one patient, version 1. */
    public static CarePlan heartFailure(MessageCodec codec, String patientId) {
        CarePlan t = heartFailure(codec);
        return new CarePlan(
                patientId, "1", t.rules(), t.expected(), t.postDischarge(), t.weightBand(), t.zone(), t.staleAfter());
    }
}
