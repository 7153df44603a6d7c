package io.nara.protocol.codec;

/** A payload that is not a valid v1 message. The message names the problem in words an operator can act on. */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String problem) {
        super(problem);
    }

    public InvalidMessageException(String problem, Throwable cause) {
        super(problem, cause);
    }
}
