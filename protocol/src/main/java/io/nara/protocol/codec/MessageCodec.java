package io.nara.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nara.protocol.Limits;
import io.nara.protocol.careplan.CarePlan;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * JSON encoding of v1 messages. Thread-safe; create one and share it.
 *
 * <p>Unknown fields are ignored so a newer hub can add optional fields without breaking an older cloud; the schema
 * version in {@code v} is how incompatible changes are announced.
 */
public final class MessageCodec {

    private final ObjectMapper mapper;

    public MessageCodec() {
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
                .build();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(Limits.MAX_PAYLOAD_BYTES)
                        .build());
    }

    /** Encodes a message; refuses one larger than {@link Limits#MAX_PAYLOAD_BYTES}. */
    public byte[] encode(Object message) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode " + message.getClass().getSimpleName(), e);
        }
        if (bytes.length > Limits.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " is " + bytes.length
                    + " bytes, more than the limit of " + Limits.MAX_PAYLOAD_BYTES);
        }
        return bytes;
    }

    /** Decodes and validates a message of the given type, or throws with the problem named. */
    public <T> T decode(byte[] payload, Class<T> type) {
        if (payload == null || payload.length == 0) {
            throw new InvalidMessageException("empty payload, expected " + type.getSimpleName());
        }
        if (payload.length > Limits.MAX_PAYLOAD_BYTES) {
            throw new InvalidMessageException(
                    "payload is " + payload.length + " bytes, more than the limit of " + Limits.MAX_PAYLOAD_BYTES);
        }
        try {
            T value = mapper.readValue(payload, type);
            if (value == null) {
                throw new InvalidMessageException("payload is JSON null, expected " + type.getSimpleName());
            }
            return value;
        } catch (JsonMappingException e) {
            throw new InvalidMessageException("not a valid " + type.getSimpleName() + ": " + describe(e), e);
        } catch (IOException e) {
            throw new InvalidMessageException("not valid JSON: " + describeIo(e), e);
        } catch (InvalidMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            // Whatever else a payload provokes (an arithmetic overflow in a date) is the payload's fault: refused,
            // never a poison message that is neither stored nor refused.
            throw new InvalidMessageException("not a valid " + type.getSimpleName() + ": " + e, e);
        }
    }

    /**
     * Reads a care-plan document from an editor (JSON), or throws {@link io.nara.protocol.careplan.InvalidCarePlanException}
     * naming every problem with its field path.
     */
    public CarePlan readCarePlan(JsonNode document) {
        return new CarePlanReader(mapper).read(document);
    }

    /** Parses JSON text into a tree (for documents that are edited, then read with {@link #readCarePlan}). */
    public JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new InvalidMessageException("not valid JSON: " + describeIo(e), e);
        }
    }

    /**
     * Encodes a value that is not sent over MQTT (a stored record, an API answer) with the same rules but without the
     * message size limit.
     */
    public String toJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static String describeIo(IOException e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }

    /** Names the field path and the innermost reason, e.g. {@code at observations[2]: value must be finite}. */
    private static String describe(JsonMappingException e) {
        String path = fieldPath(e);
        String reason = innermostReason(e);
        return path.isEmpty() ? reason : "at " + path + ": " + reason;
    }

    /** Where in the document a mapping failed, as a JSON path without the root: {@code observations[2].value}. */
    static String fieldPath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** The innermost cause's message: what a record's constructor refused, not Jackson's wrapping of it. */
    static String innermostReason(JsonMappingException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
    }
}
