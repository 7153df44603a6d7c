package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(300L, 60L, 120L, 600L, 240L);
        assertThat(Percentiles.of(values, 50)).hasValue(240);
        assertThat(Percentiles.of(values, 90)).hasValue(600);
        assertThat(Percentiles.of(List.of(10L, 20L, 30L, 40L), 50)).hasValue(20);
        assertThat(Percentiles.of(List.of(7L), 90)).hasValue(7);
        assertThat(Percentiles.of(List.of(), 50)).isEmpty();
        assertThatThrownBy(() -> Percentiles.of(values, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void monthsRunFromTheFirstToTheLastIncludedAndAcrossAYear() {
        assertThat(Evaluation.months(YearMonth.of(2026, 11), YearMonth.of(2027, 2)))
                .containsExactly(
                        YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1), YearMonth.of(2027, 2));
        assertThatThrownBy(() -> Evaluation.months(YearMonth.of(2026, 11), YearMonth.of(2026, 10)))
                .hasMessageContaining("before");
        assertThatThrownBy(() -> Evaluation.months(YearMonth.of(2020, 1), YearMonth.of(2026, 1)))
                .hasMessageContaining("at most 36 months");
        assertThatThrownBy(() -> Evaluation.month("from", "november")).hasMessageContaining("'from' must be a month");
    }

    @Test
    void figuresPerTeamAndMonthWithRatesAndEmptyMonthsFilled() {
        Map<String, String> teams = new LinkedHashMap<>();
        teams.put("north", "Hemsjukvård Norr");
        teams.put("south", "Hemsjukvård Syd");
        Evaluation.Aggregate nov = new Evaluation.Aggregate(
                "north",
                YearMonth.of(2026, 11),
                2.0,
                4,
                List.of(60L, 120L, 30L),
                List.of(300L, 600L, 1200L, 60L),
                4,
                1,
                2,
                3,
                1,
                Map.of("NO_ACTION_NEEDED", 1, "PHONE_CALL", 3),
                new Adherence.Count(60, 45),
                2,
                1,
                new ActionFigures.Count(Map.of("PHONE_CALL", 2, "DIRECT_ADMISSION", 1), List.of(600L, 30L, 120L), 1));

        List<Evaluation.Figures> rows = Evaluation.figures(
                teams, Evaluation.months(YearMonth.of(2026, 10), YearMonth.of(2026, 11)), List.of(nov));

        assertThat(rows)
                .extracting(f -> f.teamId() + " " + f.month())
                .containsExactly("north 2026-10", "north 2026-11", "south 2026-10", "south 2026-11");
        Evaluation.Figures f = rows.get(1);
        assertThat(f.alertsPerPatientMonth()).isEqualTo(2.0);
        assertThat(f.readingToAlertMedianSeconds()).isEqualTo(60);
        assertThat(f.readingToAlertP90Seconds()).isEqualTo(120);
        assertThat(f.acknowledged()).isEqualTo(4);
        assertThat(f.acknowledgeMedianSeconds()).isEqualTo(300);
        assertThat(f.acknowledgeP90Seconds()).isEqualTo(1200);
        assertThat(f.shareNoAction()).isEqualTo(0.25);
        assertThat(f.adherence()).isEqualTo(0.75);
        assertThat(f.readmissionRate()).isEqualTo(0.5);
        // Alerts that reached nobody of the team go to the fallback at once, and are counted for the team.
        assertThat(f.unstaffed()).isEqualTo(3);
        assertThat(f.unroutable()).isEqualTo(1);
        // Actions: counted by kind, the time to the first action of each alert as median and p90.
        assertThat(f.actions()).containsEntry("PHONE_CALL", 2).containsEntry("DIRECT_ADMISSION", 1);
        assertThat(f.alertsWithAction()).isEqualTo(3);
        assertThat(f.firstActionMedianSeconds()).isEqualTo(120);
        assertThat(f.firstActionP90Seconds()).isEqualTo(600);
        assertThat(f.edVisitsAvoided()).isEqualTo(1);
        Evaluation.Figures empty = rows.get(0);
        assertThat(empty.alerts()).isZero();
        assertThat(empty.alertsPerPatientMonth()).isNull();
        assertThat(empty.acknowledgeMedianSeconds()).isNull();
        assertThat(empty.shareNoAction()).isNull();
        assertThat(empty.firstActionMedianSeconds()).isNull();
        assertThat(empty.actions()).isEmpty();

        String csv = EvaluationCsv.write(rows);
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0])
                .startsWith("team;team_name;month;patient_months;alerts;alerts_per_patient_month;")
                .contains(";escalations;unstaffed;unroutable;outcome_");
        assertThat(lines[2])
                .isEqualTo("north;Hemsjukvård Norr;2026-11;2;4;2;60;120;4;300;1200;4;1;0.25;2;3;1;"
                        + "1;3;0;0;0;0;0;60;45;0.75;2;1;0.5;"
                        + "2;0;0;0;0;1;0;3;120;600;1");
        assertThat(lines[0])
                .endsWith(";action_phone_call;action_home_visit;action_doctor_contacted;action_acute_slot;"
                        + "action_mobile_team;action_direct_admission;action_emergency_department;alerts_with_action;"
                        + "first_action_median_s;first_action_p90_s;ed_visits_avoided");
        assertThat(lines[1])
                .isEqualTo("north;Hemsjukvård Norr;2026-10;0;0;;;;0;;;0;0;;0;0;0;0;0;0;0;0;0;0;0;0;;0;0;;"
                        + "0;0;0;0;0;0;0;0;;;0");
    }

    @Test
    void csvQuotesWhatWouldBreakALine() {
        assertThat(EvaluationCsv.quote("Team; \"Norr\"")).isEqualTo("\"Team; \"\"Norr\"\"\"");
        assertThat(EvaluationCsv.quote("plain")).isEqualTo("plain");
    }
}
