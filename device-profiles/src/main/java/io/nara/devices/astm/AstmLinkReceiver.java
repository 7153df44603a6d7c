package io.nara.devices.astm;

import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving side of the ASTM E1381 low-level protocol as pure logic: bytes and timeouts in, bytes to send and
 * messages to store out. The hub's serial or TCP transport feeds it and writes what it returns; it never blocks.
 *
 * <p>Establishment (ENQ, answered ACK), transfer (frames numbered 1..7, 0, 1 ..., each ACKed or NAKed), termination
 * (EOT). A frame with a bad checksum, bad framing or an unexpected frame number is NAKed so the sender repeats it; a
 * repeat of the frame just accepted (the sender missed our ACK) is ACKed again and not stored twice.
 *
 * <p>Why the last ACK waits: the instrument forgets a message once its last frame is acknowledged. So when the frame
 * that completes the terminator (L) record arrives, the receiver hands the message over and sends that ACK only when
 * the hub calls {@link #stored()}, after the outbox has it. The instrument waits up to 15 s for an ACK.
 *
 * <p>Not thread-safe: one instance per connection, driven by one thread.
 */
public final class AstmLinkReceiver {

    /** What the caller must do. */
    public sealed interface Action permits Send, Deliver, Aborted {}

    /** Write these bytes to the instrument. */
    public record Send(byte[] bytes) implements Action {}

    /** Store this message (its records' text, each without the trailing CR), then call {@link #stored()}. */
    public record Deliver(List<String> records) implements Action {
        public Deliver {
            records = List.copyOf(records);
        }
    }

    /** A transfer was abandoned; the partial message was discarded and the instrument will send it again. */
    public record Aborted(String reason) implements Action {}

    private enum State {
        NEUTRAL,
        AWAIT_FRAME,
        IN_FRAME,
        AWAIT_STORED,
        REFUSING
    }

    private static final int MAX_FRAME = AstmFrames.MAX_TEXT + 7;

    /** The instrument ends records with CR LF inside the frame text ({@link Quirk#ASTM_RECORDS_END_WITH_CRLF}). */
    private final boolean crLfInText;

    private State state = State.NEUTRAL;
    private int expectedFrame;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(MAX_FRAME);
    private final StringBuilder record = new StringBuilder();
    private final List<String> records = new ArrayList<>();

    /** A receiver for an instrument that follows E1381 to the letter. */
    public AstmLinkReceiver() {
        this(Quirks.of());
    }

    /** A receiver for an instrument with these deviations (only the framing ones matter here). */
    public AstmLinkReceiver(Quirks quirks) {
        this.crLfInText = quirks.has(Quirk.ASTM_RECORDS_END_WITH_CRLF);
    }

    /** Feeds bytes as they arrive; returns what to do, in order. */
    public List<Action> onBytes(byte[] bytes) {
        List<Action> out = new ArrayList<>(2);
        for (byte b : bytes) {
            onByte(b, out);
        }
        return out;
    }

    /** The hub stored the delivered message: acknowledge its last frame (nothing to send after an EOT delivery). */
    public List<Action> stored() {
        if (state != State.AWAIT_STORED) {
            return List.of(); // delivered at EOT: every frame was already acknowledged
        }
        state = State.AWAIT_FRAME;
        return List.of(new Send(new byte[] {AstmFrames.ACK}));
    }

    /**
     * The hub could not use or keep the delivered message: NAK its last frame at once (not leaving the instrument to
     * its 15 s timer), then NAK every retransmission until the instrument gives up and ends with EOT (E1381: after six
     * attempts). The instrument keeps the message and sends it again in a later session. After a delivery at EOT
     * every frame was already acknowledged and there is nothing left to refuse.
     */
    public List<Action> rejected() {
        if (state != State.AWAIT_STORED) {
            return List.of();
        }
        state = State.REFUSING;
        return List.of(new Send(new byte[] {AstmFrames.NAK}));
    }

    /**
     * The receiver's timer ran out (E1381: 30 s without a frame or EOT). Anything not yet delivered is discarded;
     * the instrument resends it in its next session.
     */
    public List<Action> onTimeout() {
        if (state == State.NEUTRAL) {
            return List.of();
        }
        State was = state;
        reset();
        return List.of(new Aborted("timeout while " + was.name().toLowerCase().replace('_', ' ')));
    }

    private void onByte(byte b, List<Action> out) {
        switch (state) {
            case NEUTRAL -> {
                if (b == AstmFrames.ENQ) {
                    state = State.AWAIT_FRAME;
                    expectedFrame = 1;
                    out.add(new Send(new byte[] {AstmFrames.ACK}));
                }
                // E1381: in the neutral state everything but ENQ is ignored (line noise, stray ACKs).
            }
            case AWAIT_FRAME -> {
                if (b == AstmFrames.STX) {
                    frame.reset();
                    frame.write(b);
                    state = State.IN_FRAME;
                } else if (b == AstmFrames.EOT) {
                    endOfTransmission(out);
                }
            }
            case IN_FRAME -> {
                frame.write(b);
                if (b == AstmFrames.LF && frameEnds()) {
                    state = State.AWAIT_FRAME;
                    frameComplete(frame.toByteArray(), out);
                } else if (frame.size() >= MAX_FRAME) {
                    state = State.AWAIT_FRAME;
                    out.add(new Send(new byte[] {AstmFrames.NAK}));
                }
            }
            case AWAIT_STORED -> {
                // The instrument must wait for our ACK; anything it sends meanwhile is ignored.
            }
            case REFUSING -> {
                if (b == AstmFrames.STX) {
                    frame.reset();
                }
                frame.write(b);
                if (b == AstmFrames.LF && frameEnds()) {
                    out.add(new Send(new byte[] {AstmFrames.NAK})); // the refused frame again: refused again
                } else if (b == AstmFrames.EOT) {
                    reset();
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /**
     * Whether the LF just buffered ends the frame. Every LF does (a damaged frame end is then refused at once), except,
     * for an instrument whose records end with CR LF inside the frame text, an LF after a CR that does not follow
     * ETB|ETX C1 C2.
     */
    private boolean frameEnds() {
        if (!crLfInText) {
            return true;
        }
        byte[] f = frame.toByteArray();
        int n = f.length;
        boolean afterCr = n >= 2 && f[n - 2] == AstmFrames.CR;
        boolean afterMarker = n >= 7 && (f[n - 5] == AstmFrames.ETX || f[n - 5] == AstmFrames.ETB);
        return !afterCr || afterMarker;
    }

    private void frameComplete(byte[] f, List<Action> out) {
        int n = f.length;
        // STX FN [text] ETB|ETX C1 C2 CR LF
        if (n < 7
                || f[n - 2] != AstmFrames.CR
                || !isFrameNumber(f[1])
                || (f[n - 5] != AstmFrames.ETX && f[n - 5] != AstmFrames.ETB)
                || !checksumMatches(f)) {
            out.add(new Send(new byte[] {AstmFrames.NAK}));
            return;
        }
        int fn = f[1] - '0';
        if (fn == (expectedFrame + 7) % 8) {
            out.add(new Send(new byte[] {AstmFrames.ACK})); // a repeat of the frame we accepted: ACK, keep once
            return;
        }
        if (fn != expectedFrame) {
            out.add(new Send(new byte[] {AstmFrames.NAK}));
            return;
        }
        expectedFrame = (expectedFrame + 1) % 8;
        record.append(new String(f, 2, n - 7, StandardCharsets.ISO_8859_1));
        if (f[n - 5] == AstmFrames.ETB) {
            out.add(new Send(new byte[] {AstmFrames.ACK}));
            return;
        }
        String text = record.toString();
        record.setLength(0);
        boolean terminator = false;
        for (String r : text.split("\r")) {
            if (crLfInText && r.startsWith("\n")) {
                r = r.substring(1); // the LF of the record before: framing, not record text
            }
            if (!r.isEmpty()) {
                records.add(r);
                terminator = r.charAt(0) == 'L';
            }
        }
        if (terminator) {
            out.add(new Deliver(records));
            records.clear();
            state = State.AWAIT_STORED;
        } else {
            out.add(new Send(new byte[] {AstmFrames.ACK}));
        }
    }

    private void endOfTransmission(List<Action> out) {
        if (!records.isEmpty() || record.length() > 0) {
            // A sender that ends without a terminator record: hand over what was acknowledged, nothing is lost.
            if (record.length() > 0) {
                records.add(record.toString());
            }
            out.add(new Deliver(records));
        }
        reset();
    }

    private void reset() {
        state = State.NEUTRAL;
        frame.reset(); // also reset at every STX: removing this one is an equivalent mutant
        record.setLength(0);
        records.clear();
    }

    // A number outside 0..7 could not match the expected frame or its repeat either (both are 0..7), so this check
    // only refuses it before the comparison: its mutants are equivalent.
    private static boolean isFrameNumber(byte b) {
        return b >= '0' && b <= '7';
    }

    private static boolean checksumMatches(byte[] f) {
        int n = f.length;
        int expected = AstmFrames.checksum(f, 1, n - 5);
        return hex(f[n - 4]) == expected >> 4 && hex(f[n - 3]) == (expected & 0x0F);
    }

    /** An uppercase hex digit's value, or -1 (E1381 specifies uppercase). */
    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        return b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }
}
