package io.nara.gateway.analyzer;

/** The wire to one analyzer, as a session sees it: it writes bytes and may hang up. */
interface ByteLink {

    void write(byte[] bytes);

    /** Ends the connection (TCP); a serial line stays open and the session just starts over. */
    void close();
}
