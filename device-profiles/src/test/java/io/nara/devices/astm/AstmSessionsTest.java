package io.nara.devices.astm;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.protocol.vocabulary.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An analyser on the bench sends one patient's cartridge after another: every session's results must reach the
 * outbox, including the session after a normal one and a session the instrument ends (EOT) without a terminator.
 */
class AstmSessionsTest {

    private static final byte[] ENQ = {AstmFrames.ENQ};
    private static final byte[] EOT = {AstmFrames.EOT};

    /** Morning cartridge: potassium 5.9 (high) for patient A. */
    private static final List<String> MORNING = List.of(
            "H|\\^&|||i-STAT^DS|||||||P|LIS2-A2|20261123081500",
            "P|1||19401231-1234",
            "R|1|^^^K|5.9|mmol/L|3.5-4.9|H||F||||20261123081000",
            "L|1|N");

    /** Afternoon cartridge: sodium 128 (low) for patient B. */
    private static final List<String> AFTERNOON = List.of(
            "H|\\^&|||i-STAT^DS|||||||P|LIS2-A2|20261123141500",
            "P|1||19380615-5678",
            "R|1|^^^Na|128|mmol/L|136-145|L||F||||20261123141000",
            "L|1|N");

    private final AstmRecords records = new AstmRecords(Analytes.COMMON_ONLY, Quirks.NONE);

    @Test
    void theSessionAfterANormalOneDeliversItsOwnResults() throws DecodeException {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        List<String> first = sendWhole(rx, MORNING);
        assertThat(first).isEqualTo(MORNING);
        assertThat(sends(rx.stored())).containsExactly("ACK");
        assertThat(rx.onBytes(EOT)).isEmpty();

        // The next session numbers its frames from 1 again; none may be refused as out of order or taken as a repeat.
        List<String> second = sendWhole(rx, AFTERNOON);
        assertThat(second)
                .as("only the afternoon's records, none of the morning's")
                .isEqualTo(AFTERNOON);
        assertThat(sends(rx.stored())).containsExactly("ACK");
        assertThat(rx.onBytes(EOT)).isEmpty();

        Measurement sodium = records.parse(second).measurements().get(0);
        assertThat(sodium.code()).isEqualTo(Vocabulary.SODIUM);
        assertThat(sodium.value()).isEqualTo(128.0);
        assertThat(records.parse(second).results().get(0).patientId()).isEqualTo("19380615-5678");
    }

    @Test
    void anEndOfTransmissionWithoutTerminatorHandsOverWhatWasAcknowledged() throws DecodeException {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        List<byte[]> frames = AstmFrames.frames(MORNING.subList(0, 3)); // the instrument never sends the L record
        assertThat(sends(rx.onBytes(ENQ))).containsExactly("ACK");
        for (byte[] f : frames) {
            assertThat(sends(rx.onBytes(f))).containsExactly("ACK");
        }
        List<AstmLinkReceiver.Action> atEot = rx.onBytes(EOT);
        assertThat(atEot)
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).isEqualTo(MORNING.subList(0, 3)));
        // The instrument already had every ACK and has hung up: storing or refusing sends nothing more.
        assertThat(rx.stored()).isEmpty();
        assertThat(rx.rejected()).isEmpty();

        // The potassium result is usable without the terminator.
        List<String> kept = ((AstmLinkReceiver.Deliver) atEot.get(0)).records();
        Measurement potassium = records.parse(kept).measurements().get(0);
        assertThat(potassium.code()).isEqualTo(Vocabulary.POTASSIUM);
        assertThat(potassium.value()).isEqualTo(5.9);

        // And the next session starts clean: its own records only, frames from 1.
        assertThat(sendWhole(rx, AFTERNOON)).isEqualTo(AFTERNOON);
        assertThat(sends(rx.stored())).containsExactly("ACK");
    }

    @Test
    void anEndOfTransmissionInTheMiddleOfALongRecordKeepsTheAcknowledgedPart() {
        String comment = "C|1|I|" + "x".repeat(300) + "|G";
        List<byte[]> frames = AstmFrames.frames(List.of(MORNING.get(0), MORNING.get(2), comment));
        assertThat(frames).hasSize(4); // the comment takes an ETB frame and an ETX frame
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(ENQ);
        for (int i = 0; i < 3; i++) {
            assertThat(sends(rx.onBytes(frames.get(i)))).containsExactly("ACK");
        }
        List<AstmLinkReceiver.Action> atEot = rx.onBytes(EOT);
        assertThat(atEot).singleElement().isInstanceOfSatisfying(AstmLinkReceiver.Deliver.class, d -> {
            assertThat(d.records()).hasSize(3);
            assertThat(d.records().subList(0, 2)).containsExactly(MORNING.get(0), MORNING.get(2));
            assertThat(d.records().get(2)).isEqualTo(comment.substring(0, AstmFrames.MAX_TEXT));
        });
        // Nothing of it leaks into the next session.
        assertThat(sendWhole(rx, AFTERNOON)).isEqualTo(AFTERNOON);
    }

    @Test
    void anEndOfTransmissionAfterOnlyThePartOfARecordKeepsThatPart() {
        String comment = "C|1|I|" + "x".repeat(300) + "|G";
        List<byte[]> frames = AstmFrames.frames(List.of(comment));
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(ENQ);
        assertThat(sends(rx.onBytes(frames.get(0)))).containsExactly("ACK"); // the ETB frame: acknowledged
        assertThat(rx.onBytes(EOT))
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).containsExactly(comment.substring(0, AstmFrames.MAX_TEXT)));
    }

    @Test
    void aTimerRunningOutBetweenSessionsAbandonsNothing() {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        assertThat(rx.onTimeout()).isEmpty();
        assertThat(sendWhole(rx, MORNING)).isEqualTo(MORNING);
        assertThat(sends(rx.stored())).containsExactly("ACK");
        rx.onBytes(EOT);
        assertThat(rx.onTimeout())
                .as("the session ended normally: nothing to abandon")
                .isEmpty();
    }

    @Test
    void aFrameThatNeverEndsIsRefusedAndTheSenderCanRepeatIt() {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(ENQ);
        byte[] endless = new byte[AstmFrames.MAX_TEXT + 7];
        Arrays.fill(endless, (byte) 'x');
        endless[0] = AstmFrames.STX;
        endless[1] = '1';
        assertThat(sends(rx.onBytes(endless)))
                .as("refused at the longest frame E1381 allows")
                .containsExactly("NAK");
        List<byte[]> frames = AstmFrames.frames(MORNING);
        for (int i = 0; i < frames.size() - 1; i++) {
            assertThat(sends(rx.onBytes(frames.get(i)))).as("frame %d", i + 1).containsExactly("ACK");
        }
        assertThat(rx.onBytes(frames.get(frames.size() - 1)))
                .singleElement()
                .isInstanceOfSatisfying(
                        AstmLinkReceiver.Deliver.class,
                        d -> assertThat(d.records()).isEqualTo(MORNING));
    }

    @Test
    void aSessionWithNothingInItDeliversNothing() {
        AstmLinkReceiver rx = new AstmLinkReceiver();
        rx.onBytes(ENQ);
        assertThat(rx.onBytes(EOT)).isEmpty();
        assertThat(rx.onBytes(EOT)).as("a stray EOT in the neutral state").isEmpty();
        assertThat(sendWhole(rx, MORNING)).isEqualTo(MORNING);
    }

    /** Runs one session up to the terminator's delivery: ENQ, every frame (each ACKed but the last), the Deliver. */
    private static List<String> sendWhole(AstmLinkReceiver rx, List<String> message) {
        List<byte[]> frames = AstmFrames.frames(message);
        assertThat(sends(rx.onBytes(ENQ))).containsExactly("ACK");
        for (int i = 0; i < frames.size() - 1; i++) {
            assertThat(sends(rx.onBytes(frames.get(i)))).as("frame %d", i + 1).containsExactly("ACK");
        }
        List<AstmLinkReceiver.Action> last = rx.onBytes(frames.get(frames.size() - 1));
        assertThat(last).singleElement().isInstanceOf(AstmLinkReceiver.Deliver.class);
        return ((AstmLinkReceiver.Deliver) last.get(0)).records();
    }

    private static List<String> sends(List<AstmLinkReceiver.Action> actions) {
        List<String> out = new ArrayList<>();
        for (AstmLinkReceiver.Action a : actions) {
            assertThat(a).isInstanceOf(AstmLinkReceiver.Send.class);
            byte b = ((AstmLinkReceiver.Send) a).bytes()[0];
            out.add(b == AstmFrames.ACK ? "ACK" : b == AstmFrames.NAK ? "NAK" : "0x" + Integer.toHexString(b));
        }
        return out;
    }
}
