package io.nara.protocol.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * A clinical value is a JSON number or null, never a string that looks like one ("81.2", "NaN"): Jackson would
 * otherwise coerce it, and the cloud would store what no hub of ours sends.
 */
public final class StrictDouble extends StdDeserializer<Double> {

    public StrictDouble() {
        super(Double.class);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        return (Double) ctxt.handleUnexpectedToken(
                Double.class, token, p, "a value must be a JSON number or null, was " + token);
    }
}
