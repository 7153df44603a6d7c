package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.ingest.fhir.BloodPressurePanels.Entry;
import io.nara.ingest.fhir.BloodPressurePanels.Panel;
import io.nara.ingest.fhir.BloodPressurePanels.Single;
import io.nara.protocol.message.ObservationFlag;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which readings a journal gets as one blood-pressure panel, and which stay on their own. */
class BloodPressurePanelsTest {

    private static final String OUTBOX = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final Instant AT = Instant.parse("2026-11-30T07:15:00.250Z");
    private static final String CUFF = "AA:BB:CC:DD:EE:01";

    private static Reading r(long seq, String code, double value, Instant at, String device) {
        return new Reading(
                "hub-home-1",
                OUTBOX,
                seq,
                "patient-1",
                device,
                code,
                value,
                code.equals("8867-4") ? "/min" : "mm[Hg]",
                at,
                at.plusSeconds(2),
                Set.of());
    }

    private static Reading r(long seq, String code, double value) {
        return r(seq, code, value, AT, CUFF);
    }

    @Test
    void aCuffReadingsValuesAreOnePanelAndThePulseStaysItsOwnObservation() {
        Reading systolic = r(2, "8480-6", 128);
        Reading diastolic = r(3, "8462-4", 82);
        Reading mean = r(4, "8478-0", 97);
        Reading pulse = r(5, "8867-4", 64);
        Reading weight = new Reading(
                "hub-home-1",
                OUTBOX,
                1,
                "patient-1",
                "scale-1",
                "29463-7",
                82.4,
                "kg",
                AT.minusSeconds(60),
                AT,
                Set.of());

        List<Entry> entries = BloodPressurePanels.pair(List.of(pulse, mean, diastolic, systolic, weight));

        assertThat(entries)
                .containsExactly(new Single(pulse), new Panel(systolic, diastolic, mean), new Single(weight));
        Panel panel = (Panel) entries.get(1);
        assertThat(panel.identifierValue()).isEqualTo("hub-home-1/" + OUTBOX + "/2/bp");
        assertThat(panel.observationId()).isEqualTo("6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b-2-bp");
        assertThat(panel.readings()).containsExactly(systolic, diastolic, mean);
        assertThat(panel.codes()).containsExactlyInAnyOrder("85354-9", "8480-6", "8462-4", "8478-0");
    }

    @Test
    void thePanelIsTheSameWhicheverOrderOrBatchTheValuesCameIn() {
        Reading systolic = r(7, "8480-6", 150);
        Reading diastolic = r(8, "8462-4", 95);
        Entry once = BloodPressurePanels.pair(List.of(systolic, diastolic)).get(0);
        Entry again = BloodPressurePanels.pair(List.of(diastolic, systolic)).get(0);
        assertThat(once).isEqualTo(again);
        assertThat(once.identifierValue()).isEqualTo(again.identifierValue()).endsWith("/7/bp");
    }

    @Test
    void valuesOfAnotherDeviceInstantOrPatientAreNotPaired() {
        Reading systolic = r(2, "8480-6", 128);
        Reading otherCuff = r(3, "8462-4", 82, AT, "AA:BB:CC:DD:EE:02");
        Reading aMillisecondLater = r(4, "8462-4", 82, AT.plusMillis(1), CUFF);
        Reading otherPatient =
                new Reading("hub-home-1", OUTBOX, 5, "patient-2", CUFF, "8462-4", 82.0, "mm[Hg]", AT, AT, Set.of());
        assertThat(BloodPressurePanels.pair(List.of(systolic, otherCuff, aMillisecondLater, otherPatient)))
                .allMatch(e -> e instanceof Single)
                .hasSize(4);
    }

    @Test
    void aLoneSystolicGoesOutAsItDoesToday() {
        Reading systolic = r(2, "8480-6", 128);
        Reading mean = r(4, "8478-0", 97);
        assertThat(BloodPressurePanels.pair(List.of(systolic, mean)))
                .containsExactly(new Single(systolic), new Single(mean));
    }

    @Test
    void twoSystolicValuesAtOneInstantAreNotGuessedAt() {
        List<Reading> readings = List.of(r(2, "8480-6", 128), r(3, "8462-4", 82), r(4, "8480-6", 131));
        assertThat(BloodPressurePanels.pair(readings))
                .allMatch(e -> e instanceof Single)
                .hasSize(3);
    }

    @Test
    void aFailedHalfStillMakesAPanelAndAnUnattributedCuffReadingIsNoPanel() {
        Reading failed = new Reading(
                "hub-home-1",
                OUTBOX,
                3,
                "patient-1",
                CUFF,
                "8462-4",
                null,
                "mm[Hg]",
                AT,
                AT,
                Set.of(ObservationFlag.MEASUREMENT_FAILED));
        assertThat(BloodPressurePanels.pair(List.of(r(2, "8480-6", 128), failed)))
                .singleElement()
                .isInstanceOf(Panel.class);

        Reading s = new Reading(
                "hub-home-1",
                OUTBOX,
                2,
                null,
                CUFF,
                "8480-6",
                128.0,
                "mm[Hg]",
                AT,
                AT,
                Set.of(ObservationFlag.UNATTRIBUTED));
        Reading d = new Reading(
                "hub-home-1",
                OUTBOX,
                3,
                null,
                CUFF,
                "8462-4",
                82.0,
                "mm[Hg]",
                AT,
                AT,
                Set.of(ObservationFlag.UNATTRIBUTED));
        assertThat(BloodPressurePanels.pair(List.of(s, d))).allMatch(e -> e instanceof Single);
    }

    @Test
    void aFullPageNeverCutsTheEntriesOfOneMillisecondApart() {
        Reading newest = r(9, "8867-4", 70, AT.plusSeconds(60), CUFF);
        Reading systolic = r(2, "8480-6", 128);
        Reading diastolic = r(3, "8462-4", 82);
        Reading pulse = r(4, "8867-4", 64);
        List<Reading> read = List.of(newest, pulse, diastolic, systolic);
        // Two entries fit, three are there: the panel and the pulse of the same instant wait for the next page.
        assertThat(BloodPressurePanels.answer(read, List.of(), 2)).containsExactly(new Single(newest));
        assertThat(BloodPressurePanels.answer(read, List.of(), 3)).hasSize(3);
        // Only that instant: then the page is what fits.
        assertThat(BloodPressurePanels.answer(List.of(pulse, diastolic, systolic), List.of(), 1))
                .containsExactly(new Single(pulse));
    }

    @Test
    void aPanelOfMismatchedReadingsCannotBeMade() {
        assertThatThrownBy(() -> new Panel(r(2, "8480-6", 128), r(3, "8462-4", 82, AT.plusSeconds(1), CUFF), null))
                .hasMessageContaining("must share");
        assertThatThrownBy(() -> new Panel(r(2, "8462-4", 82), r(3, "8462-4", 82), null))
                .hasMessageContaining("not 8480-6");
    }

    @Test
    void aSearchByThePanelOrAnyComponentCodeReadsAllPartsAndFindsThePanel() {
        assertThat(BloodPressurePanels.readCodes(List.of("85354-9"))).containsExactly("8480-6", "8462-4", "8478-0");
        assertThat(BloodPressurePanels.readCodes(List.of("29463-7", "8480-6")))
                .containsExactly("29463-7", "8480-6", "8462-4", "8478-0");
        assertThat(BloodPressurePanels.readCodes(List.of())).isEmpty();

        Reading systolic = r(2, "8480-6", 128);
        Reading diastolic = r(3, "8462-4", 82);
        Reading loneSystolic = r(9, "8480-6", 135, AT.minusSeconds(3600), CUFF);
        List<Reading> read = List.of(diastolic, systolic, loneSystolic);
        Panel panel = new Panel(systolic, diastolic, null);
        assertThat(BloodPressurePanels.answer(read, List.of("85354-9"), 100)).containsExactly(panel);
        assertThat(BloodPressurePanels.answer(read, List.of("8480-6"), 100))
                .containsExactly(panel, new Single(loneSystolic));
        assertThat(BloodPressurePanels.answer(read, List.of("8462-4"), 100)).containsExactly(panel);
        // No mean pressure in this panel: a search for it does not find it.
        assertThat(BloodPressurePanels.answer(read, List.of("8478-0"), 100)).isEmpty();
        assertThat(BloodPressurePanels.answer(read, List.of(), 1)).containsExactly(panel);
    }
}
