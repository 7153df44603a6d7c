package io.nara.devices.gatt;

import io.nara.devices.DecodeException;

/** Reads little-endian GATT fields; running past the end is a {@link DecodeException} naming the field. */
final class ByteCursor {

    private final byte[] bytes;
    private int offset;

    ByteCursor(byte[] bytes) {
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
