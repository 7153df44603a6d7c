package io.nara.devices.poct1;

import io.nara.devices.DecodeException;
import io.nara.devices.analyzer.AnalyzerReport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The data manager's side of a POCT1-A2 device conversation, as pure logic: messages in, messages to send and results
 * to store out. The hub's TCP transport feeds it and writes what it returns.
 *
 * <pre>
 * device            data manager (this)
 * HEL.R01   ──────►  ACK.R01 (AA)
 * DST.R01   ──────►  ACK.R01, REQ.R01 (ROBS: send observations)    [END.R01 if it has none]
 *           ◄──────  ACK.R01 from the device for the REQ
 * OBS.R01 * ──────►  Deliver → stored() → ACK.R01                  (each)
 * EOT.R01   ──────►  ACK.R01, END.R01
 *           ◄──────  ACK.R01 → Finished
 * </pre>
 *
 * <p>An OBS is acknowledged only after {@link #stored(String)}: a device deletes or marks sent what was acknowledged,
 * so the outbox must have it first; one the hub cannot keep is answered ACK AE through {@link #refused}. A message that cannot be decoded is answered ACK AE with a note naming the
 * problem, so the device keeps its records. Not thread-safe: one instance per connection.
 */
public final class Poct1Conversation {

    public sealed interface Action permits Send, Deliver, Rejected, Finished {}

    /** Write this message to the device. */
    public record Send(byte[] xml) implements Action {
        public String text() {
            return new String(xml, StandardCharsets.UTF_8);
        }
    }

    /** Store these results, then call {@link #stored(String)} with the control id. */
    public record Deliver(String controlId, AnalyzerReport report) implements Action {}

    /** The device sent something that could not be used; it was told so (ACK AE). For the hub's error log. */
    public record Rejected(String problem) implements Action {}

    /** The conversation is over; close the connection. */
    public record Finished(String reason) implements Action {}

    private enum State {
        AWAIT_HELLO,
        AWAIT_STATUS,
        AWAIT_OBSERVATIONS,
        AWAIT_STORED,
        AWAIT_END_ACK,
        DONE
    }

    private final Clock clock;
    private final Poct1Observations observations;
    private State state = State.AWAIT_HELLO;
    private long nextControlId = 1;
    private String pendingControlId;

    public Poct1Conversation(Clock clock, Poct1Observations observations) {
        this.clock = clock;
        this.observations = observations;
    }

    public List<Action> onMessage(byte[] xml) {
        List<Action> out = new ArrayList<>(3);
        if (state == State.DONE) {
            out.add(new Rejected("message after the conversation ended"));
            return out;
        }
        Poct1Message message;
        try {
            message = Poct1Message.parse(xml);
        } catch (DecodeException e) {
            // Without a control id there is nothing to acknowledge; report and let the device time out and retry.
            out.add(new Rejected(e.getMessage()));
            return out;
        }
        switch (message.topic()) {
            case "HEL" -> {
                out.add(ack(message, null));
                state = State.AWAIT_STATUS;
            }
            case "DST" -> {
                out.add(ack(message, null));
                String pending = newObservations(message);
                if ("0".equals(pending)) {
                    out.add(end());
                    state = State.AWAIT_END_ACK;
                } else {
                    out.add(send("REQ.R01", "<REQ><REQ.request_cd V=\"ROBS\"/></REQ>"));
                    state = State.AWAIT_OBSERVATIONS;
                }
            }
            case "OBS" -> observation(message, out);
            case "EOT" -> {
                out.add(ack(message, null));
                out.add(end());
                state = State.AWAIT_END_ACK;
            }
            case "ACK" -> {
                String type = Poct1Xml.value(child(message, "ACK"), "ACK.type_cd");
                if (type != null && !type.equals("AA")) {
                    String note = Poct1Xml.value(child(message, "ACK"), "ACK.note_txt");
                    out.add(new Rejected(
                            "device refused message " + Poct1Xml.value(child(message, "ACK"), "ACK.ack_control_id")
                                    + ": " + type + (note == null ? "" : " " + note)));
                }
                if (state == State.AWAIT_END_ACK) {
                    state = State.DONE;
                    out.add(new Finished("conversation complete"));
                }
            }
            case "END" -> {
                out.add(ack(message, null));
                state = State.DONE;
                out.add(new Finished("device ended the conversation"));
            }
            default -> {
                String problem = "unexpected message " + message.type() + " while " + describe();
                out.add(ack(message, problem));
                out.add(new Rejected(problem));
            }
        }
        return out;
    }

    /** The hub stored the results delivered under {@code controlId}: acknowledge them to the device. */
    public List<Action> stored(String controlId) {
        if (state != State.AWAIT_STORED || !controlId.equals(pendingControlId)) {
            throw new IllegalStateException("no delivery " + controlId + " awaits storing (" + describe() + ")");
        }
        state = State.AWAIT_OBSERVATIONS;
        pendingControlId = null;
        return List.of(ackFor(controlId, null));
    }

    /**
     * The hub could not use or keep the results delivered under {@code controlId}: answer ACK AE with the problem
     * (POCT1-A2: an application error; the device does not count the observation as received and keeps it), and go
     * on with the conversation.
     */
    public List<Action> refused(String controlId, String problem) {
        if (state != State.AWAIT_STORED || !controlId.equals(pendingControlId)) {
            throw new IllegalStateException("no delivery " + controlId + " awaits storing (" + describe() + ")");
        }
        state = State.AWAIT_OBSERVATIONS;
        pendingControlId = null;
        return List.of(ackFor(controlId, problem), new Rejected("observation " + controlId + " refused: " + problem));
    }

    /** The connection's timer ran out; nothing unacknowledged was lost, the device sends it again next time. */
    public List<Action> onTimeout() {
        if (state == State.DONE) {
            return List.of();
        }
        String was = describe();
        state = State.DONE;
        return List.of(new Finished("timeout while " + was));
    }

    private void observation(Poct1Message message, List<Action> out) {
        if (state == State.AWAIT_STORED) {
            String problem =
                    "observation " + message.controlId() + " arrived before " + pendingControlId + " was acknowledged";
            out.add(ack(message, problem));
            out.add(new Rejected(problem));
            return;
        }
        try {
            AnalyzerReport report = observations.parse(message);
            pendingControlId = message.controlId();
            state = State.AWAIT_STORED;
            out.add(new Deliver(message.controlId(), report));
        } catch (DecodeException e) {
            out.add(ack(message, e.getMessage()));
            out.add(new Rejected(e.getMessage()));
        }
    }

    private static String newObservations(Poct1Message message) {
        Element dst = Poct1Xml.child(message.root(), "DST");
        return dst == null ? null : Poct1Xml.value(dst, "DST.new_observations_qty");
    }

    private static Element child(Poct1Message message, String name) {
        Element e = Poct1Xml.child(message.root(), name);
        return e != null ? e : message.root();
    }

    private Send ack(Poct1Message message, String problem) {
        return ackFor(message.controlId(), problem);
    }

    private Send ackFor(String controlId, String problem) {
        String body = "<ACK><ACK.type_cd V=\"" + (problem == null ? "AA" : "AE") + "\"/><ACK.ack_control_id V=\""
                + escape(controlId) + "\"/>" + (problem == null ? "" : "<ACK.note_txt V=\"" + escape(problem) + "\"/>")
                + "</ACK>";
        return send("ACK.R01", body);
    }

    private Send end() {
        return send("END.R01", "<END><END.reason_cd V=\"NRM\"/></END>");
    }

    private Send send(String type, String body) {
        String now = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + type + "><HDR><HDR.message_type V=\"" + type
                + "\"/><HDR.control_id V=\"" + nextControlId++ + "\"/><HDR.version_id V=\"POCT1\"/>"
                + "<HDR.creation_dttm V=\"" + now + "\"/></HDR>" + body + "</" + type + ">";
        return new Send(xml.getBytes(StandardCharsets.UTF_8));
    }

    private String describe() {
        return state.name().toLowerCase().replace('_', ' ');
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
