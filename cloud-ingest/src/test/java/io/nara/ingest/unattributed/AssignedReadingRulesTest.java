package io.nara.ingest.unattributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.nara.rules.episode.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An assigned weight is judged by the patient's plan over her history, as the hub would have judged it. */
class AssignedReadingRulesTest {

    private static final String WEIGHT = "29463-7";
    private static final Instant MORNING = Instant.parse("2026-11-24T06:30:00Z");
    private static final CarePlan PLAN = new CarePlan(
            "greta",
            "4",
            List.of(
                    new WindowChangeRule(
                            "weight-gain-3d",
                            WEIGHT,
                            Duration.ofDays(3),
                            2.0,
                            Severity.WARNING,
                            "Viktökning / Weight gain",
                            null,
                            null,
                            null),
                    new ThresholdRule(
                            "systolic-low", "8480-6", 90.0, null, Severity.URGENT, "Lågt / Low", null, null)));

    private static Observation weight(long seq, double kg, Instant at) {
        return new Observation(seq, "greta", "scale-1", WEIGHT, kg, "kg", at, at, Set.of(ObservationFlag.UNATTRIBUTED));
    }

    @Test
    void aGainOverTheWindowAgainstHerHistoryRaisesTheWeightGainRule() {
        List<Observation> history = List.of(
                weight(1, 72.0, MORNING.minus(Duration.ofDays(2))), weight(2, 72.6, MORNING.minus(Duration.ofDays(1))));
        List<AlertEvent> raised =
                AssignedReadingRules.raised(PLAN, history, weight(3, 74.3, MORNING), MORNING.plusSeconds(600));
        assertThat(raised).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(AlertStatus.RAISED);
            assertThat(e.ruleId()).isEqualTo("weight-gain-3d");
            assertThat(e.carePlanVersion()).isEqualTo("4");
            assertThat(e.value()).isEqualTo(74.3);
        });
    }

    @Test
    void aRetryThatFindsTheReadingInHerHistoryStillJudgesIt() {
        Observation reading = weight(3, 74.3, MORNING);
        List<Observation> history = List.of(weight(1, 72.0, MORNING.minus(Duration.ofDays(2))), reading);
        assertThat(AssignedReadingRules.raised(PLAN, history, reading, MORNING.plusSeconds(600)))
                .extracting(AlertEvent::ruleId)
                .containsExactly("weight-gain-3d");
    }

    @Test
    void aReadingOlderThanThePlansStaleAfterRaisesNothing() {
        List<Observation> history = List.of(weight(1, 72.0, MORNING.minus(Duration.ofDays(2))));
        assertThat(AssignedReadingRules.raised(
                        PLAN, history, weight(3, 74.3, MORNING), MORNING.plus(Duration.ofDays(2))))
                .isEmpty();
    }

    @Test
    void theHistoryReadCoversEveryCodeOfTheRulesThatLookAtTheReading() {
        assertThat(AssignedReadingRules.codesToRead(PLAN, WEIGHT)).containsExactly(WEIGHT);
        assertThat(AssignedReadingRules.codesToRead(PLAN, "8867-4")).containsExactly("8867-4");
    }
}
