package io.nara.devices.astm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** ASTM E1381 control characters and frame building (for instrument simulators and tests). */
public final class AstmFrames {

    public static final byte ENQ = 0x05;
    public static final byte ACK = 0x06;
    public static final byte NAK = 0x15;
    public static final byte EOT = 0x04;
    public static final byte STX = 0x02;
    public static final byte ETX = 0x03;
    public static final byte ETB = 0x17;
    public static final byte CR = 0x0D;
    public static final byte LF = 0x0A;
    /** At most 240 characters of message text per frame. */
    public static final int MAX_TEXT = 240;

    private AstmFrames() {}

    /** The checksum of a frame: the sum of the bytes from the frame number through ETB/ETX, modulo 256. */
    static int checksum(byte[] frame, int from, int toInclusive) {
        int sum = 0;
        for (int i = from; i <= toInclusive; i++) {
            sum += frame[i] & 0xFF;
        }
        return sum & 0xFF;
    }

    /** One frame: STX FN text ETB|ETX C1 C2 CR LF. */
    public static byte[] frame(int frameNumber, String text, boolean last) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        if (body.length > MAX_TEXT) {
            throw new IllegalArgumentException("frame text has " + body.length + " characters, at most 240 allowed");
        }
        byte[] out = new byte[body.length + 7];
        out[0] = STX;
        out[1] = (byte) ('0' + frameNumber % 8);
        System.arraycopy(body, 0, out, 2, body.length);
        out[body.length + 2] = last ? ETX : ETB;
        String sum = String.format("%02X", checksum(out, 1, body.length + 2));
        out[body.length + 3] = (byte) sum.charAt(0);
        out[body.length + 4] = (byte) sum.charAt(1);
        out[body.length + 5] = CR;
        out[body.length + 6] = LF;
        return out;
    }

    /**
     * Splits a message of E1394 records (each ending in CR) into frames as a sender would: one record per ETX frame,
     * long records cut into 240-character ETB frames, frame numbers from 1 wrapping 7 to 0.
     */
    public static List<byte[]> frames(List<String> records) {
        List<byte[]> out = new ArrayList<>();
        int fn = 1;
        for (String record : records) {
            String text = record.endsWith("\r") ? record : record + "\r";
            for (int at = 0; at < text.length(); at += MAX_TEXT) {
                int end = Math.min(text.length(), at + MAX_TEXT);
                out.add(frame(fn, text.substring(at, end), end == text.length()));
                fn = (fn + 1) % 8;
            }
        }
        return out;
    }
}
