package io.nara.gateway.outbox;

/**
 * The outbox cannot take a reading: its size limit is reached and the storage policy has nothing left it may drop,
 * or the disk is full. The reading is not stored, so the device must not be told it was received.
 */
public class OutboxFullException extends OutboxException {

    public OutboxFullException(String message, Throwable cause) {
        super(message, cause);
    }

    public OutboxFullException(String message) {
        super(message, null);
    }
}
