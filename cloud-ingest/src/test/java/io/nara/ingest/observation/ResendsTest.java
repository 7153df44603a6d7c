package io.nara.ingest.observation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A hub re-sends seq 7, a systolic pressure of 118 mmHg at 08:00; what must count as the same reading. */
class ResendsTest {

    private static final Instant AT = Instant.parse("2026-12-01T07:00:00.250Z");

    private static Observation systolic(long seq, String patient, Double value, Instant at) {
        return new Observation(
                seq,
                patient,
                "cuff",
                "8480-6",
                value,
                "mm[Hg]",
                at,
                at.plusSeconds(3),
                value == null ? Set.of(ObservationFlag.MEASUREMENT_FAILED) : Set.of());
    }

    @Test
    void anIdenticalCopyIsNoConflictEvenWithAnotherReceiptTime() {
        Observation stored = systolic(7, "patient-1", 118.0, AT);
        Observation again =
                new Observation(7, "patient-1", "cuff", "8480-6", 118.0, "mm[Hg]", AT, AT.plusSeconds(90), Set.of());
        assertThat(Resends.conflicts(List.of(again), List.of(stored))).isEmpty();
    }

    @Test
    void anotherValuePatientOrTimeUnderTheSameSeqIsAConflictNamingBoth() {
        Observation stored = systolic(7, "patient-1", 118.0, AT);
        assertThat(Resends.conflicts(List.of(systolic(7, "patient-1", 85.0, AT)), List.of(stored)))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.seq()).isEqualTo(7);
                    assertThat(c.problem())
                            .contains(
                                    "stored as 8480-6 118.0 mm[Hg]",
                                    "re-sent as 8480-6 85.0 mm[Hg]",
                                    "the stored reading is kept");
                });
        assertThat(Resends.conflicts(List.of(systolic(7, "patient-2", 118.0, AT)), List.of(stored)))
                .hasSize(1);
        assertThat(Resends.conflicts(List.of(systolic(7, "patient-1", 118.0, AT.plusMillis(1))), List.of(stored)))
                .hasSize(1);
        // A failed measurement is not the number it was stored as.
        assertThat(Resends.conflicts(List.of(systolic(7, "patient-1", null, AT)), List.of(stored)))
                .hasSize(1);
    }

    @Test
    void aSeqWithNoStoredCopyIsNoConflictAndACopyMatchingAnyStoredOneIsTheSameReading() {
        assertThat(Resends.conflicts(
                        List.of(systolic(8, "patient-1", 85.0, AT)), List.of(systolic(7, "patient-1", 118.0, AT))))
                .isEmpty();
        // An unattributed reading a nurse assigned: stored under no patient and under the patient.
        List<Observation> copies = List.of(systolic(7, null, 118.0, AT), systolic(7, "patient-1", 118.0, AT));
        assertThat(Resends.conflicts(List.of(systolic(7, "patient-1", 118.0, AT)), copies))
                .isEmpty();
        assertThat(Resends.conflicts(List.of(systolic(7, null, 118.0, AT)), copies))
                .isEmpty();
    }

    @Test
    void onlyReadingsAtOrBelowTheStoredSequenceAreCompared() {
        ObservationBatch batch = ObservationBatch.of(
                "0b7d1a52-5a3e-4c55-9a8c-2f1f6f7c9e11",
                List.of(
                        systolic(6, "patient-1", 118.0, AT),
                        systolic(7, "patient-1", 118.0, AT),
                        systolic(8, "patient-1", 118.0, AT)));
        assertThat(Resends.resent(batch, 7)).extracting(Observation::seq).containsExactly(6L, 7L);
        assertThat(Resends.resent(batch, -1)).isEmpty();
    }
}
