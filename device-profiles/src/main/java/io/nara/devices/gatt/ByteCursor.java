package io.nara.devices.gatt;

import io.nara.devices.DecodeException;

/** Reads little-endian GATT fields; running past the end is a {@link DecodeException} naming the field. */
final class ByteCursor {

    private final byte[] bytes;
    private int offset;

    ByteCursor(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException("no value: the characteristic value is null");
        }
        this.bytes = bytes;
    }

    int uint8(String field) throws DecodeException {
        need(1, field);
        return bytes[offset++] & 0xFF;
    }

    int uint16(String field) throws DecodeException {
        need(2, field);
        int value = (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
        offset += 2;
        return value;
    }

    int sint16(String field) throws DecodeException {
        return (short) uint16(field);
    }

    int uint24(String field) throws DecodeException {
        need(3, field);
        int value = (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16;
        offset += 3;
        return value;
    }

    long uint32(String field) throws DecodeException {
        need(4, field);
        long value = (bytes[offset] & 0xFFL)
                | (bytes[offset + 1] & 0xFFL) << 8
                | (bytes[offset + 2] & 0xFFL) << 16
                | (bytes[offset + 3] & 0xFFL) << 24;
        offset += 4;
        return value;
    }

    /** An IEEE 11073 SFLOAT; null for a special value. */
    Double sfloat(String field) throws DecodeException {
        return Ieee11073.sfloat(uint16(field));
    }

    /** An IEEE 11073 FLOAT; null for a special value. */
    Double float32(String field) throws DecodeException {
        return Ieee11073.float32(uint32(field));
    }

    int offset() {
        return offset;
    }

    int remaining() {
        return bytes.length - offset;
    }

    private void need(int count, String field) throws DecodeException {
        if (offset + count > bytes.length) {
            throw new DecodeException("truncated: " + field + " needs " + count + " byte(s) at offset " + offset
                    + " but the value has " + bytes.length);
        }
    }
}
