package io.nara.devices.astm;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * E1381 frames as an instrument puts them on the serial line, at the edges of what the receiver accepts: the
 * shortest frame, a damaged frame end, and an instrument whose records end with CR LF.
 */
class AstmFramingTest {

    private static String reply(List<AstmLinkReceiver.Action> actions) {
        assertThat(actions).singleElement().isInstanceOf(AstmLinkReceiver.Send.class);
        byte b = ((AstmLinkReceiver.Send) actions.get(0)).bytes()[0];
        return b == AstmFrames.ACK ? "ACK" : b == AstmFrames.NAK ? "NAK" : "0x" + Integer.toHexString(b);
    }

    private static AstmLinkReceiver connected() {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        assertThat(reply(rx.onBytes(new byte[] {AstmFrames.ENQ}))).isEqualTo("ACK");
        return rx;
    }

    /** A frame with no text (STX FN ETX C1 C2 CR LF, seven bytes) is a valid frame: acknowledged, adds nothing. */
    @Test
    void theShortestFrameIsAccepted() {
        AstmLinkReceiver rx = connected();
        assertThat(reply(rx.onBytes(AstmFrames.frame(1, "", true)))).isEqualTo("ACK");
        assertThat(reply(rx.onBytes(AstmFrames.frame(2, "H|\\^&\r", true)))).isEqualTo("ACK");
        assertThat(rx.onBytes(AstmFrames.frame(3, "L|1|N\r", true)))
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).containsExactly("H|\\^&", "L|1|N"));
    }

    /** A frame whose CR before LF was damaged on the line is refused (NAK) though its checksum is right. */
    @Test
    void aFrameWithoutItsCrIsRefused() {
        AstmLinkReceiver rx = connected();
        byte[] frame = AstmFrames.frame(1, "H|\\^&\r", true);
        frame[frame.length - 2] = 'X';
        assertThat(reply(rx.onBytes(frame))).isEqualTo("NAK");
        // the instrument resends it intact: accepted as frame 1
        assertThat(reply(rx.onBytes(AstmFrames.frame(1, "H|\\^&\r", true)))).isEqualTo("ACK");
    }

    /** A frame whose end marker is neither ETX nor ETB is refused. */
    @Test
    void aFrameWithoutEndMarkerIsRefused() {
        AstmLinkReceiver rx = connected();
        byte[] frame = AstmFrames.frame(1, "H|\\^&\r", true);
        frame[frame.length - 5] = 'Z';
        // the checksum covers the end marker: recompute it so only the marker is wrong
        String sum = String.format("%02X", AstmFrames.checksum(frame, 1, frame.length - 5));
        frame[frame.length - 4] = (byte) sum.charAt(0);
        frame[frame.length - 3] = (byte) sum.charAt(1);
        assertThat(reply(rx.onBytes(frame))).isEqualTo("NAK");
    }

    /**
     * An instrument whose records end with CR LF inside the frame text: its profile names the quirk, so an LF after a
     * record's CR is text and only the LF after ETX C1 C2 CR ends the frame. Without the quirk the same bytes are
     * refused: one model's deviation never loosens the framing for every other instrument.
     */
    @Test
    void recordsEndingWithCrLfAreAcceptedOnlyFromAnInstrumentWithThatQuirk() {
        byte[] header = AstmFrames.frame(1, "H|\\^&\r\nP|1||X\r\n", true);
        byte[] result = AstmFrames.frame(2, "R|1|^^^INR|2.6\r\nL|1|N\r\n", true);

        AstmLinkReceiver quirky = new AstmLinkReceiver(Quirks.of(Quirk.ASTM_RECORDS_END_WITH_CRLF));
        assertThat(reply(quirky.onBytes(new byte[] {AstmFrames.ENQ}))).isEqualTo("ACK");
        assertThat(reply(quirky.onBytes(header))).isEqualTo("ACK");
        assertThat(quirky.onBytes(result))
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).containsExactly("H|\\^&", "P|1||X", "R|1|^^^INR|2.6", "L|1|N"));

        AstmLinkReceiver strict = connected();
        List<AstmLinkReceiver.Action> answers = strict.onBytes(header);
        assertThat(answers)
                .isNotEmpty()
                .allSatisfy(a -> assertThat(reply(List.of(a))).isEqualTo("NAK"));
    }

    /** The same instrument's damaged frame end (the CR before LF) is still refused at once, and only once. */
    @Test
    void aDamagedFrameFromACrLfInstrumentIsRefusedOnce() {
        AstmLinkReceiver rx = new AstmLinkReceiver(Quirks.of(Quirk.ASTM_RECORDS_END_WITH_CRLF));
        rx.onBytes(new byte[] {AstmFrames.ENQ});
        byte[] frame = AstmFrames.frame(1, "H|\\^&\r\nL|1|N\r\n", true);
        frame[frame.length - 2] = 'X';
        assertThat(reply(rx.onBytes(frame))).isEqualTo("NAK");
        assertThat(rx.onBytes(AstmFrames.frame(1, "H|\\^&\r\nL|1|N\r\n", true)))
                .singleElement()
                .isInstanceOf(AstmLinkReceiver.Deliver.class);
        // the hub could not keep it: every retransmission of that frame gets one NAK, not one per record
        assertThat(reply(rx.rejected())).isEqualTo("NAK");
        assertThat(reply(rx.onBytes(AstmFrames.frame(1, "H|\\^&\r\nL|1|N\r\n", true))))
                .isEqualTo("NAK");
    }
}
