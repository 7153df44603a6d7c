package io.nara.devices.astm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A message the hub cannot keep is refused at once: its last frame and every retransmission NAKed until EOT. */
class AstmRefusalTest {

    private static final byte[] NAK = {AstmFrames.NAK};
    private static final byte[] ACK = {AstmFrames.ACK};

    private static List<byte[]> sends(List<AstmLinkReceiver.Action> actions) {
        return actions.stream()
                .filter(a -> a instanceof AstmLinkReceiver.Send)
                .map(a -> ((AstmLinkReceiver.Send) a).bytes())
                .toList();
    }

    @Test
    void aRejectedMessageIsNakedUntilTheInstrumentGivesUpAndTheNextSessionStartsClean() {
        AstmLinkReceiver r = new AstmLinkReceiver();
        List<byte[]> frames = AstmFrames.frames(List.of("H|\\^&", "R|1|^^^XX|1", "L|1|N"));
        assertThat(sends(r.onBytes(new byte[] {AstmFrames.ENQ}))).containsExactly(ACK);
        assertThat(sends(r.onBytes(frames.get(0)))).containsExactly(ACK);
        assertThat(sends(r.onBytes(frames.get(1)))).containsExactly(ACK);
        List<AstmLinkReceiver.Action> last = r.onBytes(frames.get(2));
        assertThat(last).singleElement().isInstanceOf(AstmLinkReceiver.Deliver.class);

        assertThat(sends(r.rejected())).containsExactly(NAK);
        for (int retry = 0; retry < 5; retry++) {
            assertThat(sends(r.onBytes(frames.get(2))))
                    .as("retransmission %d", retry)
                    .containsExactly(NAK);
        }
        assertThat(r.onBytes(new byte[] {AstmFrames.EOT})).isEmpty();
        // the instrument keeps the message and sends it whole in a new session
        assertThat(sends(r.onBytes(new byte[] {AstmFrames.ENQ}))).containsExactly(ACK);
        assertThat(sends(r.onBytes(frames.get(0)))).containsExactly(ACK);
        assertThat(sends(r.onBytes(frames.get(1)))).containsExactly(ACK);
        assertThat(r.onBytes(frames.get(2)))
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).hasSize(3));
        assertThat(sends(r.stored())).containsExactly(ACK);
    }

    @Test
    void nothingToRefuseOutsideAPendingDelivery() {
        AstmLinkReceiver r = new AstmLinkReceiver();
        assertThat(r.rejected()).isEmpty();
        r.onBytes(new byte[] {AstmFrames.ENQ});
        assertThat(r.rejected()).isEmpty();
    }

    @Test
    void aRefusingReceiverTimesOutToNeutral() {
        AstmLinkReceiver r = new AstmLinkReceiver();
        List<byte[]> frames = AstmFrames.frames(List.of("H|\\^&", "L|1|N"));
        r.onBytes(new byte[] {AstmFrames.ENQ});
        r.onBytes(frames.get(0));
        r.onBytes(frames.get(1));
        r.rejected();
        assertThat(r.onTimeout()).singleElement().isInstanceOf(AstmLinkReceiver.Aborted.class);
        assertThat(sends(r.onBytes(new byte[] {AstmFrames.ENQ}))).containsExactly(ACK);
    }
}
