package io.nara.protocol.careplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CarePlanDocumentTest {

    private final MessageCodec codec = new MessageCodec();

    private CarePlan plan(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), CarePlan.class);
    }

    @Test
    void theTemplateHoldsTheDomainDefaultsAndSurvivesARoundTrip() {
        CarePlan t = CarePlanTemplate.heartFailure(codec, "patient-9");
        assertThat(t.patientId()).isEqualTo("patient-9");
        assertThat(t.rules())
                .extracting(Rule::id)
                .contains(
                        "weight-gain-3d",
                        "systolic-low",
                        "spo2-low",
                        "ntprobnp-rise",
                        "potassium-very-high",
                        "creatinine-rise",
                        "inr-very-high",
                        "hypotension-tachycardia",
                        "systolic-high",
                        "device-attention",
                        "weight-missing",
                        "no-readings",
                        "hub-offline");
        assertThat(t.rules()).allSatisfy(r -> assertThat(r.message()).contains(" / "));
        // Signals an oximeter streams at 1 Hz are damped, so a value hovering at a threshold pages nobody again and
        // again.
        assertThat(t.rules())
                .filteredOn(r -> r.id().equals("spo2-very-low"))
                .singleElement()
                .isInstanceOfSatisfying(ThresholdRule.class, r -> {
                    assertThat(r.below()).isEqualTo(90.0);
                    assertThat(r.sustain()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(r.recoverAt()).isEqualTo(92.0);
                    assertThat(r.recoverFor()).isEqualTo(Duration.ofMinutes(5));
                });
        WindowChangeRule gain = (WindowChangeRule) t.rules().get(0);
        assertThat(gain.window()).isEqualTo(Duration.ofDays(3));
        assertThat(gain.rise()).isEqualTo(2.0);
        assertThat(t.expected()).extracting(ExpectedMeasurement::by).contains(LocalTime.of(11, 0));
        assertThat(t.postDischarge().days()).isEqualTo(30);
        CarePlan again = codec.decode(codec.encode(t), CarePlan.class);
        assertThat(again).isEqualTo(t);
        assertThat(new String(codec.encode(t), StandardCharsets.UTF_8)).contains("\"kind\":\"change-over-window\"");
    }

    @Test
    void aPlanWrittenBeforeRuleKindsReadsAsThresholds() {
        CarePlan p = plan("""
                {"patientId":"p1","version":"3","rules":[{"id":"systolic-low","code":"8480-6","below":90.0,
                 "above":null,"severity":"URGENT","message":"low","respondFirst":"north","escalateAfter":"PT15M"}]}""");
        assertThat(p.rules()).singleElement().isInstanceOfSatisfying(ThresholdRule.class, r -> {
            assertThat(r.below()).isEqualTo(90.0);
            assertThat(r.respondFirst()).isEqualTo("north");
            assertThat(r.escalateAfter()).isEqualTo(Duration.ofMinutes(15));
        });
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'kind':'change-over-window','id':'w','code':'29463-7','window':'P200D','rise':2,'severity':'WARNING','message':'m'}"
                        + "|rule w: window must be between PT1H and PT2160H, was PT4800H",
                "{'kind':'change-over-window','id':'w','code':'29463-7','window':'P3D','severity':'WARNING','message':'m'}"
                        + "|rule w: rise is missing",
                "{'kind':'threshold','id':'t','code':'1234-5','below':1,'severity':'WARNING','message':'m'}"
                        + "|rule t: unknown LOINC code 1234-5",
                "{'kind':'threshold','id':'t','code':'8480-6','severity':'WARNING','message':'m'}"
                        + "|rule t has neither 'below' nor 'above'",
                "{'kind':'repetition','id':'r','code':'8480-6','above':160,'n':4,'of':3,'severity':'WARNING','message':'m'}"
                        + "|rule r: need 1 <= n <= of <= 50, was 4 of 3",
                "{'kind':'missing','id':'m','code':'29463-7','by':'11:00','silentFor':'PT48H','severity':'WARNING','message':'m'}"
                        + "|rule m: give exactly one of 'by'",
                "{'kind':'missing','id':'m','code':'29463-7','by':'11:00','severity':'WARNING','message':'m'}"
                        + "|rule m: expects 29463-7 by 11:00 but the plan does not list it under 'expected'",
                "{'kind':'threshold','id':'t','code':'8480-6','below':90,'message':'m'}"
                        + "|rule t: severity is missing",
                "{'kind':'telepathy','id':'t','code':'8480-6','severity':'WARNING','message':'m'}"
                        + "|rule t has neither 'below' nor 'above'",
                "{'kind':'threshold','id':'t','code':'59408-5','below':90,'sustain':'PT7H','severity':'URGENT','message':'m'}"
                        + "|rule t: sustain must be between PT0S and PT6H, was PT7H",
                "{'kind':'threshold','id':'t','code':'59408-5','below':90,'recoverFor':'-PT1M','severity':'URGENT','message':'m'}"
                        + "|rule t: recoverFor must be between PT0S and PT6H, was PT-1M",
                "{'kind':'threshold','id':'t','code':'59408-5','below':90,'recoverAt':88,'severity':'URGENT','message':'m'}"
                        + "|rule t: recoverAt 88.0 must be at or above below 90.0",
                "{'kind':'threshold','id':'t','code':'8867-4','above':100,'recoverAt':105,'severity':'URGENT','message':'m'}"
                        + "|rule t: recoverAt 105.0 must be at or below above 100.0",
                "{'kind':'threshold','id':'t','code':'8867-4','below':40,'above':120,'recoverAt':60,'severity':'URGENT','message':'m'}"
                        + "|rule t: recoverAt needs exactly one of 'below' and 'above'",
            })
    void aWrongRuleIsRefusedWithAMessageADoctorCanAct(String rule, String expected) {
        String json = "{\"patientId\":\"p1\",\"version\":\"1\",\"rules\":[" + rule.replace('\'', '"') + "]}";
        assertThatThrownBy(() -> plan(json))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void anEpisodeCannotMixHubAndCloudRules() {
        assertThatThrownBy(() -> new CarePlan(
                        "p1",
                        "1",
                        List.of(
                                new ThresholdRule("a", "8480-6", 90.0, null, Severity.WARNING, "m", null, null, "x"),
                                new HubOfflineRule(
                                        "b", Duration.ofMinutes(30), Severity.WARNING, "m", null, null, "x"))))
                .hasMessageContaining("episode 'x' mixes rules the hub evaluates with rules the cloud evaluates");
    }

    @Test
    void postDischargeRulesReplaceOrdinaryRulesWithTheSameIdDuringThePeriod() {
        CarePlan t = CarePlanTemplate.heartFailure(codec);
        CarePlan p = new CarePlan(
                "p",
                "1",
                t.rules(),
                t.expected(),
                new PostDischarge(
                        LocalDate.parse("2026-11-20"), null, t.postDischarge().rules()),
                null,
                null,
                null);
        Instant inside = Instant.parse("2026-12-19T10:00:00Z");
        Instant after = Instant.parse("2026-12-20T10:00:00Z");
        assertThat(p.inPostDischarge(Instant.parse("2026-11-19T22:59:00Z"))).isFalse();
        assertThat(p.inPostDischarge(Instant.parse("2026-11-19T23:00:00Z"))).isTrue(); // midnight in Stockholm
        assertThat(p.rulesAt(inside))
                .filteredOn(r -> r.id().equals("weight-gain-3d"))
                .singleElement()
                .extracting(r -> ((WindowChangeRule) r).rise())
                .isEqualTo(1.0);
        assertThat(p.rulesAt(after))
                .filteredOn(r -> r.id().equals("weight-gain-3d"))
                .singleElement()
                .extracting(r -> ((WindowChangeRule) r).rise())
                .isEqualTo(2.0);
        assertThat(p.rulesAt(inside)).hasSameSizeAs(p.rulesAt(after));
    }

    @Test
    void anAlertFromAHubBeforeEpisodesIsARaisedEpisodeOfItsOwn() {
        AlertMessage m = codec.decode("""
                {"v":1,"outbox":"6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f","alert":{"seq":8,"patientId":"p1",
                 "ruleId":"systolic-low","severity":"URGENT","code":"8480-6","value":85.0,"unit":"mm[Hg]",
                 "message":"low","raisedAt":"2026-11-23T07:30:17Z","observationSeq":7,"carePlanVersion":"3"}}""".getBytes(StandardCharsets.UTF_8), AlertMessage.class);
        assertThat(m.alert().status()).isEqualTo(AlertStatus.RAISED);
        assertThat(m.alert().episode()).isNull();
        Alert resolved = new Alert(
                9,
                "p1",
                "systolic-low",
                Severity.INFO,
                "8480-6",
                120.0,
                "mm[Hg]",
                "ok",
                Instant.parse("2026-11-23T08:30:17Z"),
                8,
                "3",
                null,
                null,
                AlertStatus.RESOLVED,
                "systolic-low@2026-11-23T07:30:15Z");
        assertThat(codec.decode(codec.encode(resolved), Alert.class)).isEqualTo(resolved);
    }

    @Test
    void aSharedDeviceNamesItsUsersAndAnOldBindingStillReads() {
        HubConfig c = codec.decode("""
                {"v":1,"version":3,"carePlans":[],"devices":[
                 {"deviceId":"cuff","model":"m","patientId":"p1"},
                 {"deviceId":"scale","model":"m","users":[{"patientId":"p1","userIndex":1},{"patientId":"p2"}]}]}""".getBytes(StandardCharsets.UTF_8), HubConfig.class);
        assertThat(c.bindingFor("cuff").orElseThrow().shared()).isFalse();
        DeviceBinding scale = c.bindingFor("scale").orElseThrow();
        assertThat(scale.shared()).isTrue();
        assertThat(scale.users())
                .extracting(DeviceBinding.DeviceUser::userIndex)
                .containsExactly(1, null);
        assertThatThrownBy(() -> new DeviceBinding(
                        "d",
                        "m",
                        "p1",
                        List.of(new DeviceBinding.DeviceUser("p2", 1), new DeviceBinding.DeviceUser("p3", 2))))
                .hasMessageContaining("not both or neither");
    }
}
