package io.nara.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.SeqRange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A reading's own rules, and the limits of the wire, each at its edge. */
class ReadingEdgesTest {

    static final Instant MEASURED = Instant.parse("2026-11-23T06:30:00Z");
    static final Instant RECEIVED = Instant.parse("2026-11-23T06:31:00Z");
    static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";

    static Observation systolic(Double value, Instant effective, ObservationFlag... flags) {
        return new Observation(1, "p1", "cuff", "8480-6", value, "mm[Hg]", effective, RECEIVED, Set.of(flags));
    }

    @Test
    void aReadingIsAboutTheDevicesTimeElseTheHubsTimeOfReceipt() {
        assertThat(systolic(120.0, MEASURED).time()).isEqualTo(MEASURED);
        assertThat(systolic(120.0, null).time()).isEqualTo(RECEIVED);
    }

    @Test
    void onlyAValueThatIsNotImplausibleIsForTheRules() {
        assertThat(systolic(120.0, MEASURED).usableForRules()).isTrue();
        assertThat(systolic(120.0, MEASURED, ObservationFlag.QUESTIONABLE).usableForRules())
                .isTrue();
        assertThat(systolic(400.0, MEASURED, ObservationFlag.IMPLAUSIBLE).usableForRules())
                .isFalse();
        assertThat(systolic(null, MEASURED, ObservationFlag.MEASUREMENT_FAILED).usableForRules())
                .isFalse();
        assertThat(systolic(120.0, MEASURED, ObservationFlag.QUESTIONABLE).has(ObservationFlag.QUESTIONABLE))
                .isTrue();
        assertThat(systolic(120.0, MEASURED).has(ObservationFlag.QUESTIONABLE)).isFalse();
    }

    @Test
    void onlyAnAnswerFromAPairedTabletIsOne() {
        Observation answer =
                new Observation(1, "p1", "tablet-1", "267036007", 1.0, "{presence}", MEASURED, RECEIVED, Set.of());
        assertThat(answer.answeredOnTablet()).isTrue();
        assertThat(systolic(120.0, MEASURED).answeredOnTablet()).isFalse();
        assertThat(new Observation(1, "p1", "my-tablet", "267036007", 1.0, "{presence}", MEASURED, RECEIVED, Set.of())
                        .answeredOnTablet())
                .isFalse();
    }

    @Test
    void aNumberIsNeverAFailedMeasurementAndNaNIsNeverANumber() {
        assertThatThrownBy(() -> systolic(null, MEASURED)).hasMessageContaining("not flagged MEASUREMENT_FAILED");
        assertThatThrownBy(() -> systolic(120.0, MEASURED, ObservationFlag.MEASUREMENT_FAILED))
                .hasMessageContaining("has a value");
        assertThatThrownBy(() -> systolic(Double.NaN, MEASURED)).hasMessageContaining("finite number or null");
        assertThatThrownBy(() -> systolic(Double.NEGATIVE_INFINITY, MEASURED))
                .hasMessageContaining("finite number or null");
    }

    @Test
    void reSequencingOrAttributingKeepsEverythingElse() {
        Observation o = systolic(120.0, MEASURED, ObservationFlag.CUFF_FIT);
        Observation renumbered = o.withSeq(42);
        assertThat(renumbered.seq()).isEqualTo(42);
        assertThat(renumbered.withSeq(1)).isEqualTo(o);
        Observation assigned = new Observation(
                        1,
                        null,
                        "scale",
                        "29463-7",
                        80.0,
                        "kg",
                        MEASURED,
                        RECEIVED,
                        Set.of(ObservationFlag.UNATTRIBUTED))
                .withPatient("p2");
        assertThat(assigned.patientId()).isEqualTo("p2");
        assertThat(assigned.value()).isEqualTo(80.0);
        assertThat(assigned.flags()).containsExactly(ObservationFlag.UNATTRIBUTED);
    }

    @Test
    void requiredTextIdsAndNumbersAreCheckedAtTheirLimits() {
        String longest = "x".repeat(Limits.MAX_TEXT_LENGTH);
        assertThat(Checks.requireText(longest, "f")).isEqualTo(longest);
        assertThatThrownBy(() -> Checks.requireText(longest + "x", "f"))
                .hasMessage("f is longer than " + Limits.MAX_TEXT_LENGTH + " characters");
        assertThatThrownBy(() -> Checks.requireText("  ", "f")).hasMessage("f is missing");
        assertThatThrownBy(() -> Checks.requireText(null, "f")).hasMessage("f is missing");
        assertThat(Checks.optionalText(null, "f")).isNull();
        assertThat(Checks.optionalText("a", "f")).isEqualTo("a");
        assertThat(Checks.requireOutboxId(OUTBOX)).isEqualTo(OUTBOX);
        assertThatThrownBy(() -> Checks.requireOutboxId("outbox-1")).hasMessage("outbox 'outbox-1' is not a UUID");
        assertThat(Checks.requireNonNull("v", "f")).isEqualTo("v");
        assertThatThrownBy(() -> Checks.requireNonNull(null, "f")).hasMessage("f is missing");
        assertThat(Checks.requirePositive(1, "seq")).isEqualTo(1);
        assertThatThrownBy(() -> Checks.requirePositive(0, "seq")).hasMessage("seq must be at least 1, was 0");
        assertThat(Checks.requireFiniteOrNull(null, "v")).isNull();
        assertThat(Checks.requireFiniteOrNull(-0.5, "v")).isEqualTo(-0.5);
        assertThatThrownBy(() -> Checks.requireFiniteOrNull(Double.NaN, "v"))
                .hasMessage("v must be a finite number or null, was NaN");
        List<Integer> three = List.of(1, 2, 3);
        assertThat(Checks.requireAtMost(three, 3, "items")).isSameAs(three);
        assertThatThrownBy(() -> Checks.requireAtMost(three, 2, "items"))
                .hasMessage("items holds 3 items, at most 2 allowed");
    }

    @Test
    void aSequenceRangeHoldsBothEnds() {
        SeqRange r = new SeqRange(5, 9);
        assertThat(r.contains(5)).isTrue();
        assertThat(r.contains(9)).isTrue();
        assertThat(r.contains(4)).isFalse();
        assertThat(r.contains(10)).isFalse();
        assertThat(new SeqRange(7, 7).contains(7)).isTrue();
        assertThatThrownBy(() -> new SeqRange(9, 5)).hasMessageContaining("ends before it starts");
    }

    @Test
    void aBatchOfTheMostReadingsAllowedGoesOnTheWireAndOneByteMoreThanThePayloadLimitDoesNot() {
        MessageCodec codec = new MessageCodec();
        List<Observation> many = new ArrayList<>();
        for (int i = 1; i <= Limits.MAX_OBSERVATIONS_PER_BATCH; i++) {
            many.add(new Observation(
                    i,
                    "p1",
                    "oximeter",
                    "59408-5",
                    97.0,
                    "%",
                    MEASURED.plusSeconds(i),
                    RECEIVED.plusSeconds(i),
                    Set.of()));
        }
        byte[] bytes = codec.encode(ObservationBatch.of(OUTBOX, many));
        assertThat(codec.decode(bytes, ObservationBatch.class).observations()).hasSize(many.size());

        byte[] tooBig = new byte[Limits.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(tooBig, (byte) ' ');
        assertThatThrownBy(() -> codec.decode(tooBig, ObservationBatch.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("more than the limit");
        byte[] justFits = new byte[Limits.MAX_PAYLOAD_BYTES];
        Arrays.fill(justFits, (byte) ' ');
        justFits[0] = 'n';
        justFits[1] = 'u';
        justFits[2] = 'l';
        justFits[3] = 'l';
        // at the limit the payload is read (and refused for what it says, not for its size)
        assertThatThrownBy(() -> codec.decode(justFits, ObservationBatch.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> codec.decode(new byte[0], ObservationBatch.class))
                .hasMessageContaining("empty");
    }

    @Test
    void aRefusedMessageNamesTheFieldAndTheInnermostReason() {
        MessageCodec codec = new MessageCodec();
        String valid = new String(
                codec.encode(ObservationBatch.of(
                        OUTBOX,
                        List.of(
                                systolic(120.0, MEASURED),
                                systolic(121.0, MEASURED).withSeq(2)))),
                StandardCharsets.UTF_8);
        String json = valid.replace("\"seq\":2", "\"seq\":0");
        assertThat(json).isNotEqualTo(valid);
        assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8), ObservationBatch.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("at observations[1]")
                .hasMessageContaining("seq must be at least 1, was 0");
        assertThatThrownBy(() -> codec.decode("{\"outbox\":".getBytes(StandardCharsets.UTF_8), ObservationBatch.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageNotContaining("com.fasterxml");
        assertThatThrownBy(() -> codec.tree("{not json"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageStartingWith("not valid JSON: ")
                .hasMessageNotContaining("null");
        assertThat(codec.toJson(List.of(1, 2))).isEqualTo("[1,2]");
    }
}
