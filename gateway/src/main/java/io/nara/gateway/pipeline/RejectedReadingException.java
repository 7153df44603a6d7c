package io.nara.gateway.pipeline;

/** A reading the hub could not use; it is in quarantine and the message says why. */
public class RejectedReadingException extends RuntimeException {

    public RejectedReadingException(String problem) {
        super(problem);
    }
}
