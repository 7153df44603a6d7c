package io.nara.gateway.pipeline;

import java.util.HexFormat;

/**
 * Bytes as a transport received them from a device, before decoding.
 *
 * @param deviceId       the device (Bluetooth address or IP identity)
 * @param characteristic the 16-bit GATT characteristic UUID the value came from
 * @param value          the raw value
 */
public record RawReading(String deviceId, int characteristic, byte[] value) {

    public RawReading {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** How the reading's source is written in logs and in quarantine. */
    public String source() {
        return gattSource(characteristic);
    }

    /** The source name of a GATT characteristic, e.g. {@code gatt:0x2A35}. */
    public static String gattSource(int characteristic) {
        return String.format("gatt:0x%04X", characteristic);
    }

    @Override
    public String toString() {
        return deviceId + " " + source() + " " + HexFormat.ofDelimiter(" ").formatHex(value);
    }
}
