package io.nara.devices.poct1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.analyzer.Analytes;
import io.nara.devices.poct1.Poct1Conversation.Action;
import io.nara.devices.poct1.Poct1Conversation.Deliver;
import io.nara.devices.poct1.Poct1Conversation.Finished;
import io.nara.devices.poct1.Poct1Conversation.Rejected;
import io.nara.devices.poct1.Poct1Conversation.Send;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cobas h 232's POCT1-A2 conversation with the hub beyond the usual path: a device with nothing new, a device that
 * refuses or ends, messages out of turn, and what the hub answers so the device never deletes a result the hub has
 * not stored.
 */
class Poct1ConversationTest {

    private final Poct1Conversation c = new Poct1Conversation(
            Clock.fixed(Instant.parse("2026-11-23T07:16:05.123Z"), ZoneOffset.UTC),
            new Poct1Observations(new Analytes(Map.of("TnT", "6598-7"))));

    private static byte[] msg(String type, String controlId, String body) {
        return ("<" + type + "><HDR><HDR.message_type V=\"" + type + "\"/><HDR.control_id V=\"" + controlId
                        + "\"/></HDR>" + body + "</" + type + ">")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Action a) {
        assertThat(a).isInstanceOf(Send.class);
        return ((Send) a).text();
    }

    private void helloAndStatus(String newObservations) {
        c.onMessage(msg("HEL.R01", "1", "<DEV><DEV.device_id V=\"H232-1\"/></DEV>"));
        c.onMessage(msg("DST.R01", "2", "<DST><DST.new_observations_qty V=\"" + newObservations + "\"/></DST>"));
    }

    /** A device with no new results is told the conversation is over, and it ends when the device acknowledges. */
    @Test
    void aDeviceWithNothingNewIsEndedAtOnce() {
        c.onMessage(msg("HEL.R01", "1", "<DEV><DEV.device_id V=\"H232-1\"/></DEV>"));
        List<Action> status = c.onMessage(msg("DST.R01", "2", "<DST><DST.new_observations_qty V=\"0\"/></DST>"));
        assertThat(status).hasSize(2);
        assertThat(text(status.get(0))).contains("<ACK.type_cd V=\"AA\"/>", "<ACK.ack_control_id V=\"2\"/>");
        assertThat(text(status.get(1)))
                .contains("<END.R01>", "<END.reason_cd V=\"NRM\"/>")
                .doesNotContain("REQ");
        assertThat(c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>")))
                .containsExactly(new Finished("conversation complete"));
        // the conversation is over: anything more is reported, not answered, and the timer has nothing to end
        assertThat(c.onMessage(msg("OBS.R01", "4", "")))
                .containsExactly(new Rejected("message after the conversation ended"));
        assertThat(c.onTimeout()).isEmpty();
    }

    /** A status that does not say how many results are new: the hub asks for them rather than miss any. */
    @Test
    void aStatusWithoutCountIsAskedForObservations() {
        c.onMessage(msg("HEL.R01", "1", ""));
        List<Action> status = c.onMessage(msg("DST.R01", "2", ""));
        assertThat(text(status.get(1))).contains("<REQ.R01>", "<REQ.request_cd V=\"ROBS\"/>");
        assertThat(c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>")))
                .isEmpty();
    }

    /** The hub's messages are numbered 1, 2, 3 ... and stamped with its clock to the second. */
    @Test
    void theHubsMessagesAreNumberedAndStamped() {
        String hello = text(c.onMessage(msg("HEL.R01", "71", "")).get(0));
        List<Action> status = c.onMessage(msg("DST.R01", "72", "<DST><DST.new_observations_qty V=\"1\"/></DST>"));
        assertThat(hello)
                .contains(
                        "<HDR.control_id V=\"1\"/>",
                        "<HDR.creation_dttm V=\"2026-11-23T07:16:05Z\"/>",
                        "<HDR.version_id V=\"POCT1\"/>",
                        "<ACK.ack_control_id V=\"71\"/>");
        assertThat(text(status.get(0))).contains("<HDR.control_id V=\"2\"/>", "<ACK.ack_control_id V=\"72\"/>");
        assertThat(text(status.get(1))).contains("<HDR.control_id V=\"3\"/>");
    }

    /** The device refuses one of the hub's messages: the hub's error log gets the device's code and note. */
    @Test
    void aDevicesRefusalIsReportedWithItsNote() {
        helloAndStatus("1");
        assertThat(c.onMessage(msg(
                        "ACK.R01",
                        "3",
                        "<ACK><ACK.type_cd V=\"AE\"/><ACK.ack_control_id V=\"3\"/>"
                                + "<ACK.note_txt V=\"busy\"/></ACK>")))
                .containsExactly(new Rejected("device refused message 3: AE busy"));
        assertThat(c.onMessage(msg("ACK.R01", "4", "<ACK><ACK.type_cd V=\"AR\"/><ACK.ack_control_id V=\"3\"/></ACK>")))
                .containsExactly(new Rejected("device refused message 3: AR"));
    }

    /** The device ends the conversation itself: acknowledged, and the connection can close. */
    @Test
    void theDeviceEndsTheConversation() {
        helloAndStatus("1");
        List<Action> end = c.onMessage(msg("END.R01", "5", "<END><END.reason_cd V=\"NRM\"/></END>"));
        assertThat(text(end.get(0))).contains("<ACK.type_cd V=\"AA\"/>", "<ACK.ack_control_id V=\"5\"/>");
        assertThat(end.get(1)).isEqualTo(new Finished("device ended the conversation"));
        assertThat(end).hasSize(2);
    }

    /** A message type the conversation does not expect is answered AE naming it, so the device does not wait. */
    @Test
    void anUnexpectedMessageIsAnsweredWithAnError() {
        c.onMessage(msg("HEL.R01", "1", ""));
        List<Action> out = c.onMessage(msg("RGT.R01", "2", ""));
        assertThat(text(out.get(0)))
                .contains(
                        "<ACK.type_cd V=\"AE\"/>",
                        "<ACK.ack_control_id V=\"2\"/>",
                        "<ACK.note_txt V=\"unexpected message RGT.R01 while await status\"/>");
        assertThat(out.get(1)).isEqualTo(new Rejected("unexpected message RGT.R01 while await status"));
    }

    /** Bytes that are not a POCT1 message have no control id to acknowledge: only the hub's log hears of them. */
    @Test
    void somethingThatIsNotAMessageIsOnlyReported() {
        List<Action> out = c.onMessage("<HEL.R01><DEV/></HEL.R01>".getBytes(StandardCharsets.UTF_8));
        assertThat(out)
                .singleElement()
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.problem()).contains("has no HDR"));
    }

    /**
     * A second observation before the first is stored would be acknowledged by nobody: it is answered AE so the
     * device keeps it, and the first still waits for the hub's outbox.
     */
    @Test
    void anObservationBeforeThePreviousIsStoredIsRefused() {
        helloAndStatus("2");
        c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>"));
        assertThat(c.onMessage(Poct1Test.OBS.getBytes(StandardCharsets.UTF_8)))
                .singleElement()
                .isInstanceOf(Deliver.class);
        List<Action> early = c.onMessage(Poct1Test.OBS.replace("1002", "1003").getBytes(StandardCharsets.UTF_8));
        assertThat(text(early.get(0)))
                .contains(
                        "<ACK.type_cd V=\"AE\"/>",
                        "<ACK.ack_control_id V=\"1003\"/>",
                        "observation 1003 arrived before 1002 was acknowledged");
        assertThat(early.get(1)).isEqualTo(new Rejected("observation 1003 arrived before 1002 was acknowledged"));
        // storing another id than the pending one is a programming error, named with the state
        assertThatThrownBy(() -> c.stored("1003"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no delivery 1003 awaits storing (await stored)");
        assertThatThrownBy(() -> c.refused("1003", "x")).isInstanceOf(IllegalStateException.class);
        assertThat(text(c.stored("1002").get(0))).contains("<ACK.type_cd V=\"AA\"/>", "V=\"1002\"");
        assertThatThrownBy(() -> c.stored("1002")).hasMessage("no delivery 1002 awaits storing (await observations)");
    }

    /** The problem sent back to the device is escaped, so the device can parse the hub's answer. */
    @Test
    void theProblemSentToTheDeviceIsEscaped() {
        helloAndStatus("1");
        c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>"));
        c.onMessage(Poct1Test.OBS.getBytes(StandardCharsets.UTF_8));
        List<Action> refused = c.refused("1002", "unit \"<mg>\" & co");
        assertThat(text(refused.get(0))).contains("<ACK.note_txt V=\"unit &quot;&lt;mg&gt;&quot; &amp; co\"/>");
        assertThat(refused.get(1)).isEqualTo(new Rejected("observation 1002 refused: unit \"<mg>\" & co"));
    }

    /** The connection's timer ends the conversation, naming where it was. */
    @Test
    void aTimeoutNamesWhereTheConversationWas() {
        helloAndStatus("1");
        assertThat(c.onTimeout()).containsExactly(new Finished("timeout while await observations"));
        assertThat(c.onTimeout()).isEmpty();
    }
}
