package io.nara.devices;

import java.util.HexFormat;

public final class Hex {
    private Hex() {}

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
