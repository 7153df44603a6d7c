package io.nara.ingest.web;

/**
 * A request that is not allowed now, with the HTTP status it answers and a message saying why (Swedish first). The
 * web server's error handling turns it into {@code {"problem": message}} with that status.
 */
public class Refused extends RuntimeException {

    private final int status;

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
