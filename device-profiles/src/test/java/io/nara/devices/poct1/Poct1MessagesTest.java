package io.nara.devices.poct1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.analyzer.Analytes;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The envelope of every POCT1-A2 message (HDR with its control id and type) and the unit attribute of a result:
 * what makes a message answerable, and a result reported in the device's own unit.
 */
class Poct1MessagesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The control id the hub must echo in its ACK is taken without surrounding spaces. */
    @Test
    void theControlIdIsTrimmed() throws DecodeException {
        Poct1Message m = Poct1Message.parse(
                utf8("<HEL.R01><HDR><HDR.message_type V=\"HEL.R01\"/><HDR.control_id V=\" 17 \"/></HDR></HEL.R01>"));
        assertThat(m.controlId()).isEqualTo("17");
        assertThat(m.type()).isEqualTo("HEL.R01");
        assertThat(m.topic()).isEqualTo("HEL");
    }

    /** Without a control id there is nothing to acknowledge: refused, empty or blank alike. */
    @Test
    void aMessageWithoutControlIdIsRefused() {
        assertThatThrownBy(() -> Poct1Message.parse(utf8("<HEL.R01><HDR/></HEL.R01>")))
                .hasMessage("POCT1 HEL.R01 has no HDR.control_id");
        assertThatThrownBy(() -> Poct1Message.parse(utf8("<HEL.R01><HDR><HDR.control_id V=\"  \"/></HDR></HEL.R01>")))
                .hasMessage("POCT1 HEL.R01 has no HDR.control_id");
    }

    /**
     * A message whose element says one type and whose header another is ambiguous (an observation dressed as a
     * hello): refused. A header without a type is taken by its element.
     */
    @Test
    void aMessageThatContradictsItsHeaderIsRefused() throws DecodeException {
        assertThatThrownBy(() -> Poct1Message.parse(utf8(
                        "<HEL.R01><HDR><HDR.message_type V=\"OBS.R01\"/><HDR.control_id V=\"1\"/></HDR></HEL.R01>")))
                .hasMessage("POCT1 message element HEL.R01 declares HDR.message_type OBS.R01");
        assertThat(Poct1Message.parse(utf8("<DST.R01><HDR><HDR.control_id V=\"2\"/></HDR></DST.R01>"))
                        .topic())
                .isEqualTo("DST");
    }

    /** A type without a version suffix is its own topic: a bare HEL is a hello. */
    @Test
    void aTypeWithoutVersionIsItsOwnTopic() throws DecodeException {
        assertThat(Poct1Message.parse(utf8("<HEL><HDR><HDR.control_id V=\"1\"/></HDR></HEL>"))
                        .topic())
                .isEqualTo("HEL");
        Poct1Conversation c = new Poct1Conversation(Clock.systemUTC(), new Poct1Observations(Analytes.COMMON_ONLY));
        assertThat(((Poct1Conversation.Send) c.onMessage(utf8("<HEL><HDR><HDR.control_id V=\"1\"/></HDR></HEL>"))
                                .get(0))
                        .text())
                .contains("<ACK.type_cd V=\"AA\"/>");
    }

    @Test
    void nothingToParseIsNamedSo() {
        assertThatThrownBy(() -> Poct1Message.parse(new byte[0])).hasMessage("POCT1 message is empty");
        assertThatThrownBy(() -> Poct1Message.parse(null)).hasMessage("POCT1 message is empty");
    }

    /** A glucose reported in the device's mg/dL (its U attribute) is converted, not stored as if in mmol/L. */
    @Test
    void aResultInTheDevicesOwnUnitIsConverted() throws DecodeException {
        Poct1Message obs = Poct1Message.parse(utf8("""
                <OBS.R01><HDR><HDR.message_type V="OBS.R01"/><HDR.control_id V="5"/></HDR>
                  <SVC><SVC.observation_dttm V="2026-11-23T08:15:00+01:00"/>
                    <PT><PT.patient_id V="19401231-1234"/>
                      <OBS><OBS.observation_id V="GLU"/><OBS.value V="108" U="mg/dL"/></OBS>
                    </PT></SVC></OBS.R01>"""));
        Measurement m = new Poct1Observations(new Analytes(Map.of("GLU", Vocabulary.GLUCOSE.code())))
                .parse(obs)
                .measurements()
                .get(0);
        assertThat(m.deviceUnit()).isEqualTo("mg/dL");
        assertThat(m.deviceValue()).isEqualTo(108.0);
        assertThat(m.value()).isCloseTo(6.0, Offset.offset(0.01));
    }
}
