package io.nara.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a hub and the cloud rely on in the messages between them, at their edges. */
class MessageEdgesTest {

    static final Instant T = Instant.parse("2026-11-23T07:30:00Z");
    static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";
    private final MessageCodec codec = new MessageCodec();

    private static CarePlan planFor(String patientId) {
        return new CarePlan(
                patientId,
                "1",
                List.of(new ThresholdRule("low-bp", "8480-6", 90.0, null, Severity.URGENT, "m", null, null)));
    }

    @Test
    void theHouseholdIsEveryPatientTheHubServesEachOnceInOrderOfFirstMention() {
        HubConfig config = new HubConfig(
                SchemaVersion.CURRENT,
                4,
                List.of(planFor("anna"), planFor("bertil")),
                List.of(
                        new DeviceBinding("cuff-1", "UA-651", "bertil"),
                        new DeviceBinding(
                                "scale-1",
                                "BC-401",
                                null,
                                List.of(
                                        new DeviceBinding.DeviceUser("cecilia", 1),
                                        new DeviceBinding.DeviceUser("anna", 2))),
                        new DeviceBinding("oximeter-1", null, "david")));
        assertThat(config.patients()).containsExactly("anna", "bertil", "cecilia", "david");
        assertThat(config.carePlanFor("bertil")).hasValue(planFor("bertil"));
        assertThat(config.carePlanFor("cecilia"))
                .as("served by a shared scale, no plan of her own")
                .isEmpty();

        HubConfig fresh = HubConfig.none();
        assertThat(fresh.version()).isZero();
        assertThat(fresh.carePlans()).isEmpty();
        assertThat(fresh.devices()).isEmpty();
        assertThat(fresh.patients()).as("a new hub speaks for nobody").isEmpty();
        assertThat(fresh.carePlanFor("anna")).isEmpty();
    }

    @Test
    void anUrgentAlertIsWorseThanAWarningAndAWarningWorseThanInformation() {
        assertThat(Severity.URGENT.isWorseThan(Severity.WARNING)).isTrue();
        assertThat(Severity.WARNING.isWorseThan(Severity.INFO)).isTrue();
        assertThat(Severity.WARNING.isWorseThan(Severity.WARNING))
                .as("the same is not worse")
                .isFalse();
        assertThat(Severity.INFO.isWorseThan(Severity.URGENT)).isFalse();
    }

    @Test
    void anAlertGivenItsOutboxNumberKeepsEverythingElse() {
        Alert raised = new Alert(
                1,
                "anna",
                "low-bp",
                Severity.URGENT,
                "8480-6",
                84.0,
                "mm[Hg]",
                "lågt / low",
                T,
                17,
                "3",
                "heart-team",
                Duration.ofMinutes(15));
        Alert numbered = raised.withSeq(42);
        assertThat(numbered.seq()).isEqualTo(42);
        assertThat(numbered).usingRecursiveComparison().ignoringFields("seq").isEqualTo(raised);
    }

    @Test
    void aBatchWithoutReadingsIsRefusedByName() {
        assertThatThrownBy(() -> ObservationBatch.of(OUTBOX, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observations is empty");
    }

    @Test
    void theHubIdTheUplinkIsGivenIsTheOneItUses() {
        assertThat(HubTopic.requireValidHubId("hub-7f3a")).isEqualTo("hub-7f3a");
        assertThatThrownBy(() -> HubTopic.requireValidHubId("Hub 7")).hasMessageContaining("hub id 'Hub 7'");
    }

    @Test
    void everyCodeOfTheVocabularyIsListedOnceAndFoundByItsLoincCode() {
        List<ClinicalCode> all = Vocabulary.all();
        assertThat(all)
                .contains(Vocabulary.SPO2, Vocabulary.NT_PRO_BNP, Vocabulary.HEMOGLOBIN)
                .doesNotHaveDuplicates();
        assertThat(all).allSatisfy(c -> assertThat(Vocabulary.byCode(c.code())).hasValue(c));
    }

    @Test
    void aRefusedMessageSaysWhatIsWrongInPlainWords() {
        // at the top of the message: no "at" path, the constructor's own words
        assertThatThrownBy(() ->
                        codec.decode("{\"v\":1,\"version\":-1}".getBytes(StandardCharsets.UTF_8), HubConfig.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("not a valid HubConfig: version must not be negative, was -1");
        // deeper in: the path, then the innermost reason, not Jackson's wrapping of it
        assertThatThrownBy(() -> codec.decode(
                        ("{\"v\":1,\"outbox\":\"" + OUTBOX + "\",\"seqFrom\":1,\"seqTo\":1,"
                                        + "\"observations\":[{\"seq\":1,\"code\":\"8480-6\",\"value\":120,\"unit\":\"mm[Hg]\","
                                        + "\"received\":\"2026-11-23T07:30:00Z\"}]}")
                                .getBytes(StandardCharsets.UTF_8),
                        ObservationBatch.class))
                .hasMessage("not a valid ObservationBatch: at observations[0]: deviceId is missing");
        // not JSON at all: Jackson's reason without its dump of the payload's source
        assertThatThrownBy(() -> codec.decode("{not json".getBytes(StandardCharsets.UTF_8), ObservationBatch.class))
                .hasMessageStartingWith("not valid JSON: Unexpected character ('n'")
                .hasMessageNotContaining("Source");
        assertThatThrownBy(() -> codec.tree("[1,"))
                .hasMessageStartingWith("not valid JSON: Unexpected end-of-input")
                .hasMessageNotContaining("Source");
    }

    @Test
    void aBatchOfExactlyThePayloadLimitIsSentAndOneByteMoreIsRefusedBeforeItLeavesTheHub() {
        String longDevice = "d".repeat(400);
        int one = codec.toJson(ObservationBatch.of(OUTBOX, List.of(reading(1, longDevice))))
                .length();
        int perReading =
                codec.toJson(ObservationBatch.of(OUTBOX, List.of(reading(1, longDevice), reading(2, longDevice))))
                                .length()
                        - one;
        List<Observation> readings = new ArrayList<>();
        for (int i = 1; i <= (Limits.MAX_PAYLOAD_BYTES - one) / perReading + 2; i++) {
            readings.add(reading(i, longDevice));
        }
        while (codec.toJson(ObservationBatch.of(OUTBOX, readings)).length() > Limits.MAX_PAYLOAD_BYTES) {
            readings.remove(readings.size() - 1);
        }
        int missing = Limits.MAX_PAYLOAD_BYTES
                - codec.toJson(ObservationBatch.of(OUTBOX, readings)).length();
        int last = readings.size() - 1;
        readings.set(last, reading(last + 1, longDevice + "d".repeat(missing)));
        ObservationBatch exactly = ObservationBatch.of(OUTBOX, readings);

        byte[] sent = codec.encode(exactly);
        assertThat(sent).hasSize(Limits.MAX_PAYLOAD_BYTES);
        assertThat(codec.decode(sent, ObservationBatch.class)).isEqualTo(exactly);

        readings.set(last, reading(last + 1, longDevice + "d".repeat(missing + 1)));
        ObservationBatch oneMore = ObservationBatch.of(OUTBOX, readings);
        assertThatThrownBy(() -> codec.encode(oneMore))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ObservationBatch is " + (Limits.MAX_PAYLOAD_BYTES + 1) + " bytes, more than the limit of "
                        + Limits.MAX_PAYLOAD_BYTES);
    }

    @Test
    void aFlagIsAddedToACopyAndTheReadingStaysWhatItWas() {
        Observation spot = reading(7, "oximeter-1");
        Observation sample = spot.withFlag(ObservationFlag.CONTINUOUS_SAMPLE);
        assertThat(sample.flags()).containsExactly(ObservationFlag.CONTINUOUS_SAMPLE);
        assertThat(sample.withFlag(ObservationFlag.QUESTIONABLE).flags())
                .containsExactlyInAnyOrder(ObservationFlag.CONTINUOUS_SAMPLE, ObservationFlag.QUESTIONABLE);
        assertThat(sample).usingRecursiveComparison().ignoringFields("flags").isEqualTo(spot);
        assertThat(spot.flags()).isEmpty();
        assertThat(sample.withFlag(ObservationFlag.CONTINUOUS_SAMPLE)).isSameAs(sample);
    }

    @Test
    void theNationalIdIsTheOneTheCloudGaveForThatPatientOnly() {
        HubConfig config = new HubConfig(
                SchemaVersion.CURRENT,
                4,
                List.of(planFor("anna"), planFor("bertil")),
                List.of(),
                null,
                Map.of("anna", "194107112389"));
        assertThat(config.nationalIdOf("anna")).contains("194107112389");
        assertThat(config.nationalIdOf("bertil")).isEmpty();
        assertThat(config.nationalIdOf(null)).isEmpty();
    }

    private static Observation reading(long seq, String deviceId) {
        return new Observation(seq, "anna", deviceId, "8480-6", 120.0, "mm[Hg]", T, T.plusSeconds(2), Set.of());
    }
}
