package io.nara.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.PostDischarge;
import io.nara.protocol.codec.MessageCodec;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DischargePlanTest {

    /** 23:30 in Stockholm on 27 November: the discharge day is the local one, not UTC's. */
    private static final Instant LATE_EVENING = Instant.parse("2026-11-27T22:30:00Z");

    private static CarePlan prepared() {
        return CarePlanTemplate.heartFailure(new MessageCodec(), "patient-1").withVersion("4");
    }

    @Test
    void thePreparedPeriodStartsOnTheLocalDischargeDayWithItsDaysAndRulesAndNothingElseChanges() {
        CarePlan plan = prepared();
        DischargePlan.Decision d = DischargePlan.decide(plan, LATE_EVENING, true);
        assertThat(d.outcome()).isEqualTo(DischargePlan.Outcome.SWITCHED);
        assertThat(d.day()).isEqualTo(LocalDate.of(2026, 11, 27));
        PostDischarge period = d.switched().postDischarge();
        assertThat(period.start()).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(period.days()).isEqualTo(plan.postDischarge().days());
        assertThat(period.rules()).isEqualTo(plan.postDischarge().rules());
        assertThat(d.switched().rules()).isEqualTo(plan.rules());
        assertThat(d.switched().expected()).isEqualTo(plan.expected());
        assertThat(d.switched().inPostDischarge(LATE_EVENING)).isTrue();
    }

    @Test
    void aPlanWithoutPostDischargeRulesOrAPatientNotGoingHomeKeepsThePlan() {
        CarePlan plan = prepared();
        CarePlan without = new CarePlan(
                plan.patientId(), "4", plan.rules(), plan.expected(), null, null, plan.zone(), plan.staleAfter());
        assertThat(DischargePlan.decide(without, LATE_EVENING, true).outcome())
                .isEqualTo(DischargePlan.Outcome.NO_RULES);
        CarePlan emptyPeriod = new CarePlan(
                plan.patientId(),
                "4",
                plan.rules(),
                plan.expected(),
                new PostDischarge(LocalDate.of(2026, 1, 1), 30, null),
                null,
                plan.zone(),
                plan.staleAfter());
        assertThat(DischargePlan.decide(emptyPeriod, LATE_EVENING, true).outcome())
                .isEqualTo(DischargePlan.Outcome.NO_RULES);
        assertThat(DischargePlan.decide(plan, LATE_EVENING, false).outcome()).isEqualTo(DischargePlan.Outcome.NOT_HOME);
        assertThat(DischargePlan.decide(null, LATE_EVENING, true).outcome()).isEqualTo(DischargePlan.Outcome.NO_PLAN);
        CarePlan already = DischargePlan.decide(plan, LATE_EVENING, true).switched();
        assertThat(DischargePlan.decide(already, LATE_EVENING, true).outcome())
                .isEqualTo(DischargePlan.Outcome.ALREADY);
    }

    @Test
    void theNoticeGivesTheDayTheDispositionAndThePlanSwedishFirst() {
        DischargePlan.Decision d = DischargePlan.decide(prepared(), LATE_EVENING, true);
        assertThat(DischargePlan.notice(d, "hem / home", 30, 5))
                .isEqualTo("Utskriven från sjukhus 2026-11-27 till hem. Reglerna efter utskrivning gäller i 30 dagar"
                        + " (vårdplan version 5). / Discharged from hospital 2026-11-27 to home. The post-discharge"
                        + " rules apply for 30 days (care plan version 5).");
        assertThat(DischargePlan.notice(DischargePlan.decide(null, LATE_EVENING, true), null, null, null))
                .isEqualTo("Utskriven från sjukhus 2026-11-27. Patienten har ingen vårdplan: ingen period efter"
                        + " utskrivning. / Discharged from hospital 2026-11-27. The patient has no care plan: no"
                        + " post-discharge period.");
    }
}
