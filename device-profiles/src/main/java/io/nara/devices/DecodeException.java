package io.nara.devices;

/** Bytes that cannot be decoded. The message names the problem and, where it helps, the byte offset. */
public class DecodeException extends Exception {

    public DecodeException(String problem) {
        super(problem);
    }
}
