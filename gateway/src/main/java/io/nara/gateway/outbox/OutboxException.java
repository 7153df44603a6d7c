package io.nara.gateway.outbox;

/** The outbox could not do what was asked; the message says what and why. */
public class OutboxException extends RuntimeException {

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
