package io.nara.devices.poct1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Poct1Test {

    static final String OBS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <OBS.R01>
              <HDR><HDR.message_type V="OBS.R01"/><HDR.control_id V="1002"/><HDR.version_id V="POCT1"/>
                <HDR.creation_dttm V="2026-11-23T08:16:00+01:00"/></HDR>
              <SVC><SVC.role_cd V="OBS"/><SVC.observation_dttm V="2026-11-23T08:15:00+01:00"/>
                <SVC.sequence_nbr V="417"/>
                <PT><PT.patient_id V="19401231-1234"/>
                  <OBS><OBS.observation_id V="NT-proBNP" SN="ROCHE"/><OBS.value V="1850" U="pg/mL"/>
                    <OBS.interpretation_cd V="H"/></OBS>
                  <OBS><OBS.observation_id V="TnT" SN="ROCHE"/><OBS.value V="&lt;40" U="ng/L"/></OBS>
                  <OBS><OBS.observation_id V="D-Dimer"/><OBS.value V="0.3" U="ug/mL"/></OBS>
                </PT>
              </SVC>
              <SVC><SVC.role_cd V="LQC"/><SVC.observation_dttm V="2026-11-23T07:00:00+01:00"/>
                <OBS><OBS.observation_id V="INR"/><OBS.value V="2.5"/></OBS>
              </SVC>
            </OBS.R01>
            """;

    private final Poct1Observations observations = new Poct1Observations(new Analytes(Map.of("TnT", "6598-7")));

    @Test
    void observationMessageWithPatientAndQc() throws DecodeException {
        AnalyzerReport r = observations.parse(OBS.getBytes(StandardCharsets.UTF_8));
        List<Measurement> m = r.measurements();
        assertThat(m)
                .extracting(Measurement::code)
                .containsExactly(Vocabulary.NT_PRO_BNP, Vocabulary.TROPONIN_T_CARDIAC, Vocabulary.INR);
        assertThat(m).extracting(Measurement::value).containsExactly(1850.0, 40.0, 2.5);
        assertThat(m.get(0).flags()).containsExactly(ObservationFlag.ABNORMAL);
        assertThat(m.get(0).deviceTime()).isEqualTo(LocalDateTime.of(2026, 11, 23, 8, 15));
        assertThat(m.get(1).flags()).containsExactly(ObservationFlag.BELOW_MEASURING_RANGE);
        assertThat(m.get(2).flags()).containsExactly(ObservationFlag.NOT_PATIENT_DATA);
        assertThat(r.results().get(0).patientId()).isEqualTo("19401231-1234");
        assertThat(r.results().get(0).sampleId()).isEqualTo("417");
        assertThat(r.skipped()).containsExactly("SVC 1 OBS 3: unknown observation id 'D-Dimer'");
    }

    @Test
    void externalEntitiesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<OBS.R01><HDR><HDR.control_id V=\"&e;\"/></HDR></OBS.R01>";
        assertThatThrownBy(() -> Poct1Message.parse(xxe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void malformedAndWrongMessagesNameTheProblem() {
        assertThatThrownBy(() -> observations.parse("<OBS.R01><HDR>".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not well-formed XML at line 1");
        assertThatThrownBy(() -> observations.parse(
                        "<HEL.R01><HDR><HDR.control_id V=\"1\"/></HDR></HEL.R01>".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("HEL.R01 is not an observation message");
        assertThatThrownBy(() -> Poct1Message.parse("<OBS.R01/>".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no HDR");
    }

    @Test
    void conversationAcknowledgesObservationsOnlyAfterTheyAreStored() {
        Poct1Conversation c =
                new Poct1Conversation(Clock.fixed(Instant.parse("2026-11-23T07:16:00Z"), ZoneOffset.UTC), observations);
        List<Poct1Conversation.Action> hello = c.onMessage(msg("HEL.R01", "1", "<DEV><DEV.device_id V=\"X\"/></DEV>"));
        assertThat(text(hello.get(0)))
                .contains(
                        "<ACK.R01>",
                        "<ACK.type_cd V=\"AA\"/>",
                        "<ACK.ack_control_id V=\"1\"/>",
                        "<HDR.control_id V=\"1\"/>",
                        "2026-11-23T07:16Z");
        List<Poct1Conversation.Action> status =
                c.onMessage(msg("DST.R01", "2", "<DST><DST.new_observations_qty V=\"1\"/></DST>"));
        assertThat(status).hasSize(2);
        assertThat(text(status.get(1))).contains("<REQ.R01>", "ROBS", "<HDR.control_id V=\"3\"/>");
        assertThat(c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>")))
                .isEmpty();

        List<Poct1Conversation.Action> obs = c.onMessage(OBS.getBytes(StandardCharsets.UTF_8));
        assertThat(obs)
                .singleElement()
                .isInstanceOfSatisfying(
                        Poct1Conversation.Deliver.class,
                        d -> assertThat(d.report().measurements()).hasSize(3));
        assertThat(text(c.stored("1002").get(0))).contains("<ACK.ack_control_id V=\"1002\"/>", "AA");

        List<Poct1Conversation.Action> eot =
                c.onMessage(msg("EOT.R01", "1003", "<EOT><EOT.topic_cd V=\"OBS\"/></EOT>"));
        assertThat(text(eot.get(0))).contains("ACK.R01");
        assertThat(text(eot.get(1))).contains("<END.R01>");
        assertThat(c.onMessage(msg("ACK.R01", "1004", "<ACK><ACK.type_cd V=\"AA\"/></ACK>")))
                .containsExactly(new Poct1Conversation.Finished("conversation complete"));
    }

    @Test
    void badObservationIsRefusedWithAeSoTheDeviceKeepsIt() {
        Poct1Conversation c = new Poct1Conversation(Clock.systemUTC(), observations);
        List<Poct1Conversation.Action> out =
                c.onMessage(msg("OBS.R01", "9", "<SVC><SVC.observation_dttm V=\"yesterday\"/></SVC>"));
        assertThat(text(out.get(0)))
                .contains("<ACK.type_cd V=\"AE\"/>", "<ACK.ack_control_id V=\"9\"/>", "is not ISO 8601");
        assertThat(out.get(1)).isInstanceOf(Poct1Conversation.Rejected.class);
        assertThat(c.onTimeout()).singleElement().isInstanceOf(Poct1Conversation.Finished.class);
    }

    @Test
    void anObservationTheHubCannotKeepIsAnsweredAeNotAa() {
        Poct1Conversation c = new Poct1Conversation(Clock.systemUTC(), observations);
        c.onMessage(msg("HEL.R01", "1", "<DEV><DEV.device_id V=\"X\"/></DEV>"));
        c.onMessage(msg("DST.R01", "2", "<DST><DST.new_observations_qty V=\"2\"/></DST>"));
        c.onMessage(msg("ACK.R01", "3", "<ACK><ACK.type_cd V=\"AA\"/></ACK>"));
        assertThat(c.onMessage(OBS.getBytes(StandardCharsets.UTF_8)))
                .singleElement()
                .isInstanceOf(Poct1Conversation.Deliver.class);
        List<Poct1Conversation.Action> refused = c.refused("1002", "no result Nära knows");
        assertThat(text(refused.get(0)))
                .contains("<ACK.type_cd V=\"AE\"/>", "<ACK.ack_control_id V=\"1002\"/>", "no result N");
        assertThat(text(refused.get(0))).doesNotContain("V=\"AA\"");
        assertThat(refused.get(1)).isInstanceOf(Poct1Conversation.Rejected.class);
        // the conversation goes on: the next observation is delivered and acknowledged as usual
        assertThat(c.onMessage(OBS.replace("1002", "1005").getBytes(StandardCharsets.UTF_8)))
                .singleElement()
                .isInstanceOf(Poct1Conversation.Deliver.class);
        assertThat(text(c.stored("1005").get(0))).contains("<ACK.ack_control_id V=\"1005\"/>", "AA");
        assertThatThrownBy(() -> c.refused("1005", "twice")).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] msg(String type, String controlId, String body) {
        return ("<" + type + "><HDR><HDR.message_type V=\"" + type + "\"/><HDR.control_id V=\"" + controlId
                        + "\"/></HDR>" + body + "</" + type + ">")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Poct1Conversation.Action a) {
        assertThat(a).isInstanceOf(Poct1Conversation.Send.class);
        return ((Poct1Conversation.Send) a).text();
    }
}
