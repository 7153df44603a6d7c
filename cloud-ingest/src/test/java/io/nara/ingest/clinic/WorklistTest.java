package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.careplan.PostDischarge;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorklistTest {

    private static Worklist.Signals patient(
            String id,
            int urgent,
            int warning,
            Double gain3d,
            Double gain7d,
            int expected,
            int taken,
            Integer dischargeDay,
            String... teams) {
        return new Worklist.Signals(
                id,
                "Name " + id,
                List.of(teams.length == 0 ? new String[] {"north"} : teams),
                urgent,
                warning,
                0,
                gain3d,
                gain7d,
                new Adherence.Count(expected, taken),
                dischargeDay,
                30,
                dischargeDay != null);
    }

    private static List<String> order(List<Worklist.Row> rows) {
        return rows.stream().map(r -> r.patient().patientId()).toList();
    }

    @Test
    void anUrgentAlertOutranksAWeightGainWhichOutranksAMissedWeekWhichOutranksNothing() {
        List<Worklist.Signals> patients = List.of(
                patient("calm", 0, 0, 0.2, 0.4, 7, 7, null),
                patient("missed", 0, 0, null, null, 7, 2, null),
                patient("urgent", 1, 0, null, null, 7, 7, null),
                patient("gaining", 0, 0, 2.4, 2.6, 7, 7, null));

        List<Worklist.Row> rows = Worklist.rank(patients, null, Set.of());

        assertThat(order(rows)).containsExactly("urgent", "gaining", "missed", "calm");
        assertThat(rows.get(0).score()).isEqualTo(100);
        assertThat(rows.get(1).reasons()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("weight");
            assertThat(r.points()).isEqualTo(60);
            assertThat(r.sv()).contains("+2,4 kg på 3 dygn");
            assertThat(r.en()).contains("+2.4 kg in 3 days");
        });
        assertThat(rows.get(2).score()).isEqualTo(25);
        assertThat(rows.get(2).reasons().get(0).en()).isEqualTo("Missed measurements: 5 of 7 in the last 7 days");
        assertThat(rows.get(3).score()).isZero();
        assertThat(rows.get(3).reasons()).isEmpty();
    }

    @Test
    void reasonsAddUpAndTheFirstDaysAfterADischargeWeighMost() {
        Worklist.Row dayTwo = Worklist.score(patient("a", 0, 1, 1.2, null, 7, 6, 2));
        assertThat(dayTwo.reasons())
                .extracting(Worklist.Reason::kind)
                .containsExactly("open-alerts", "weight", "missed", "post-discharge");
        assertThat(dayTwo.score()).isEqualTo(40 + 30 + 5 + 40);
        assertThat(Worklist.score(patient("b", 0, 0, null, null, 0, 0, 6)).score())
                .isEqualTo(25);
        assertThat(Worklist.score(patient("c", 0, 0, null, null, 0, 0, 20)).score())
                .isEqualTo(10);
        assertThat(Worklist.score(patient("d", 0, 0, null, null, 0, 0, 31)).score())
                .as("past the period")
                .isZero();
    }

    @Test
    void aSlowGainOverAWeekCountsAndMissedMeasurementsAreCapped() {
        assertThat(Worklist.weightPoints(0.5, 3.5)).isEqualTo(40);
        assertThat(Worklist.weightPoints(2.1, 3.5)).isEqualTo(60);
        assertThat(Worklist.weightPoints(1.0, 3.0))
                .as("exactly at the limits is not above them")
                .isZero();
        assertThat(Worklist.score(patient("m", 0, 0, null, null, 28, 0, null)).score())
                .isEqualTo(Worklist.MISSED_CAP);
    }

    @Test
    void aRecordedDischargeWithoutAPlanPeriodSaysSo() {
        Worklist.Signals p = new Worklist.Signals("p", "P", List.of("north"), 0, 0, 0, null, null, null, 3, 30, false);
        assertThat(Worklist.score(p).reasons().get(0).en())
                .isEqualTo("Day 3 of 30 after discharge (the care plan has no post-discharge period)");
    }

    @Test
    void tiesGoByUrgentAlertsThenName() {
        Worklist.Signals twoWarnings =
                new Worklist.Signals("w", "Ada", List.of("north"), 0, 0, 0, null, null, null, null, 30, false);
        Worklist.Signals b =
                new Worklist.Signals("b", "Bo", List.of("north"), 0, 0, 0, null, null, null, null, 30, false);
        assertThat(order(Worklist.rank(List.of(b, twoWarnings), null, Set.of())))
                .containsExactly("w", "b");
    }

    @Test
    void filtersAndTeamNarrowTheList() {
        List<Worklist.Signals> patients = List.of(
                patient("alerting", 0, 1, null, null, 7, 7, null, "north"),
                patient("discharged", 0, 0, null, null, 7, 7, 4, "north"),
                patient("missing", 0, 0, null, null, 7, 3, null, "south"),
                patient("both", 1, 0, null, null, 7, 3, 2, "south", "north"));

        assertThat(order(Worklist.rank(patients, null, Worklist.Filter.parse("open-alerts"))))
                .containsExactly("both", "alerting");
        assertThat(order(Worklist.rank(patients, null, Worklist.Filter.parse("post-discharge"))))
                .containsExactly("both", "discharged");
        assertThat(order(Worklist.rank(patients, null, Worklist.Filter.parse("missed"))))
                .containsExactly("both", "missing");
        assertThat(order(Worklist.rank(patients, "south", Set.of()))).containsExactly("both", "missing");
        assertThat(order(Worklist.rank(patients, "north", Worklist.Filter.parse("open-alerts, post-discharge"))))
                .containsExactly("both");
    }

    @Test
    void anUnknownFilterIsRefusedByName() {
        assertThatThrownBy(() -> Worklist.Filter.parse("open-alerts,overdue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'overdue'")
                .hasMessageContaining("post-discharge");
    }

    @Test
    void theDischargeDayCountsFromTheLaterOfThePlansPeriodAndAnEnteredDischarge() {
        ZoneId zone = ZoneId.of("Europe/Stockholm");
        LocalDate today = LocalDate.of(2026, 11, 24);
        PostDischarge period = new PostDischarge(LocalDate.of(2026, 11, 20), 14, List.of());

        assertThat(Worklist.discharge(period, null, today, zone)).isEqualTo(new Worklist.Discharge(5, 14, true));
        assertThat(Worklist.discharge(period, LocalDate.of(2026, 11, 19), today, zone))
                .as("an older entered discharge")
                .isEqualTo(new Worklist.Discharge(5, 14, true));
        assertThat(Worklist.discharge(period, LocalDate.of(2026, 11, 23), today, zone))
                .as("a newer entered discharge inside the plan's period")
                .isEqualTo(new Worklist.Discharge(2, 14, true));
        assertThat(Worklist.discharge(null, LocalDate.of(2026, 11, 24), today, zone))
                .as("entered today, no period in the plan")
                .isEqualTo(new Worklist.Discharge(1, 30, false));
        assertThat(Worklist.discharge(new PostDischarge(LocalDate.of(2026, 12, 1), null, List.of()), null, today, zone))
                .as("a period that has not begun")
                .isNull();
        assertThat(Worklist.discharge(null, null, today, zone)).isNull();
    }
}
