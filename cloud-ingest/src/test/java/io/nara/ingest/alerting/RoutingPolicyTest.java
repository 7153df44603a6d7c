package io.nara.ingest.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.org.OnCallSlot;
import io.nara.ingest.org.OrganisationKind;
import io.nara.ingest.org.Schedule;
import io.nara.ingest.org.Team;
import io.nara.protocol.message.Severity;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The pure pieces: schedule lookup, routing decision, escalation and snooze policy. */
class RoutingPolicyTest {

    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");

    private static final Schedule NURSES = new Schedule(
            SE,
            List.of(
                    new OnCallSlot(
                            "day",
                            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                            LocalTime.of(7, 0),
                            LocalTime.of(16, 0),
                            LocalDate.of(2026, 1, 1),
                            null),
                    new OnCallSlot(
                            "night",
                            EnumSet.allOf(DayOfWeek.class),
                            LocalTime.of(16, 0),
                            LocalTime.of(7, 0),
                            LocalDate.of(2026, 1, 1),
                            null)),
            List.of());

    private static Instant at(int day, int h, int m) {
        return LocalDateTime.of(2026, 11, day, h, m).atZone(SE).toInstant();
    }

    @Test
    void theScheduleChangesAtFourPmAndANightSlotRunsPastMidnightAndOverTheWeekend() {
        assertThat(NURSES.onDuty(at(24, 15, 59))).containsExactly("day");
        assertThat(NURSES.onDuty(at(24, 16, 0))).containsExactly("night");
        assertThat(NURSES.onDuty(at(25, 0, 0))).containsExactly("night");
        assertThat(NURSES.onDuty(at(25, 6, 59))).containsExactly("night");
        assertThat(NURSES.onDuty(at(28, 11, 0))).isEmpty(); // Saturday daytime: no day slot
        assertThat(NURSES.onDuty(at(29, 3, 0))).containsExactly("night"); // Sunday night
    }

    @Test
    void nobodyOnDutyGoesStraightToTheNextTierAndNobodyAnywhereStaysWithTheLastFlagged() {
        Map<String, Team> teams = Map.of(
                "a", new Team("a", "A", "kommun", OrganisationKind.MUNICIPALITY, "b", SE),
                "b", new Team("b", "B", "region", OrganisationKind.REGION, "c", SE),
                "c", new Team("c", "C", "region", OrganisationKind.REGION, null, SE));
        Map<String, Set<String>> duty = Map.of("a", Set.of(), "b", Set.of("doctor"), "c", Set.of());
        RouteDecision d = RoutingPolicy.route("a", 0, id -> Optional.ofNullable(teams.get(id)), t -> duty.get(t.id()));
        assertThat(d).isEqualTo(new RouteDecision("b", 1, List.of("doctor"), List.of("a"), false));
        RouteDecision none = RoutingPolicy.route("c", 2, id -> Optional.ofNullable(teams.get(id)), t -> Set.of());
        assertThat(none).isEqualTo(new RouteDecision("c", 2, List.of(), List.of(), true));
    }

    @Test
    void urgentDefaultsTo15MinutesWarningTo2HoursAndInfoNeverEscalates() {
        assertThat(EscalationPolicy.escalateAfter(Severity.URGENT, null)).contains(Duration.ofMinutes(15));
        assertThat(EscalationPolicy.escalateAfter(Severity.WARNING, null)).contains(Duration.ofHours(2));
        assertThat(EscalationPolicy.escalateAfter(Severity.WARNING, Duration.ofMinutes(30)))
                .contains(Duration.ofMinutes(30));
        assertThat(EscalationPolicy.escalateAfter(Severity.INFO, Duration.ofMinutes(30)))
                .isEmpty();
    }

    @Test
    void anUrgentAlertCannotBeSnoozedPastItsEscalationButAWarningMovesIt() {
        Instant now = at(24, 10, 0);
        Instant escalateAt = now.plus(Duration.ofMinutes(15));
        Assertions.assertThatThrownBy(
                        () -> EscalationPolicy.snooze(Severity.URGENT, now, Duration.ofMinutes(20), escalateAt))
                .isInstanceOf(IllegalStateException.class);
        assertThat(EscalationPolicy.snooze(Severity.URGENT, now, Duration.ofMinutes(10), escalateAt)
                        .escalateAt())
                .isEqualTo(escalateAt);
        assertThat(EscalationPolicy.snooze(Severity.WARNING, now, Duration.ofMinutes(20), escalateAt)
                        .escalateAt())
                .isEqualTo(now.plus(Duration.ofMinutes(20)));
    }
}
