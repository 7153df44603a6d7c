package io.nara.ingest.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.ingest.alerting.ActionOutcome;
import io.nara.ingest.alerting.EscalationAction;
import io.nara.ingest.alerting.Outcome;
import io.nara.ingest.clinic.ActionFigures.AlertActions;
import io.nara.ingest.clinic.ActionFigures.Taken;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionFiguresTest {

    private static Taken taken(EscalationAction kind, ActionOutcome outcome, long seconds) {
        return new Taken(kind, outcome, seconds);
    }

    @Test
    void actionsAreCountedByKindAndTheFirstOfEachAlertTimed() {
        ActionFigures.Count count = ActionFigures.count(List.of(
                new AlertActions(
                        1,
                        Outcome.HOME_VISIT,
                        List.of(
                                taken(EscalationAction.PHONE_CALL, ActionOutcome.NOT_REACHED, 300),
                                taken(EscalationAction.HOME_VISIT, ActionOutcome.STAYED_HOME, 3600))),
                new AlertActions(2, null, List.of(taken(EscalationAction.PHONE_CALL, null, 60))),
                new AlertActions(3, Outcome.NO_ACTION_NEEDED, List.of())));

        assertThat(count.byKind()).containsOnly(Map.entry("PHONE_CALL", 2), Map.entry("HOME_VISIT", 1));
        // One time per alert with an action: its first, not each action's.
        assertThat(count.toFirstActionSeconds()).containsExactly(300L, 60L);
        assertThat(count.edVisitsAvoided()).isEqualTo(1);
    }

    @Test
    void aVisitIsAvoidedWhenTheResolvedAlertsActionsKeptThePatientHomeOrAdmittedHerDirectly() {
        assertThat(avoided(
                        Outcome.DIRECT_ADMISSION, taken(EscalationAction.DIRECT_ADMISSION, ActionOutcome.ADMITTED, 1)))
                .isTrue();
        assertThat(avoided(Outcome.PHONE_CALL, taken(EscalationAction.PHONE_CALL, ActionOutcome.ADVICE_GIVEN, 1)))
                .isTrue();
        assertThat(avoided(Outcome.HOME_VISIT, taken(EscalationAction.MOBILE_TEAM, ActionOutcome.STAYED_HOME, 1)))
                .isTrue();
        assertThat(avoided(
                        Outcome.MEDICATION_CHANGED,
                        taken(EscalationAction.DOCTOR_CONTACTED, ActionOutcome.TREATMENT_CHANGED, 1)))
                .isTrue();
    }

    @Test
    void noVisitIsAvoidedWithoutAKnownOutcomeOrWhenSheWentToTheEmergencyDepartment() {
        // Still open: the last word is not said.
        assertThat(avoided(null, taken(EscalationAction.HOME_VISIT, ActionOutcome.STAYED_HOME, 1)))
                .isFalse();
        // Nobody reached, the ward said no, no outcome recorded: nothing says where she is.
        assertThat(avoided(Outcome.PHONE_CALL, taken(EscalationAction.PHONE_CALL, ActionOutcome.NOT_REACHED, 1)))
                .isFalse();
        assertThat(avoided(
                        Outcome.DIRECT_ADMISSION,
                        taken(EscalationAction.DIRECT_ADMISSION, ActionOutcome.NOT_ADMITTED, 1)))
                .isFalse();
        assertThat(avoided(Outcome.HOME_VISIT, taken(EscalationAction.HOME_VISIT, null, 1)))
                .isFalse();
        // Any emergency department action, whatever came of it, or the resolve outcome naming it, is a visit.
        assertThat(avoided(
                        Outcome.EMERGENCY_DEPARTMENT,
                        taken(EscalationAction.HOME_VISIT, ActionOutcome.STAYED_HOME, 1),
                        taken(EscalationAction.EMERGENCY_DEPARTMENT, ActionOutcome.SENT_HOME, 2)))
                .isFalse();
        assertThat(avoided(
                        Outcome.HOME_VISIT,
                        taken(EscalationAction.HOME_VISIT, ActionOutcome.STAYED_HOME, 1),
                        taken(EscalationAction.EMERGENCY_DEPARTMENT, null, 2)))
                .isFalse();
        assertThat(avoided(
                        Outcome.EMERGENCY_DEPARTMENT,
                        taken(EscalationAction.PHONE_CALL, ActionOutcome.ADVICE_GIVEN, 1)))
                .isFalse();
    }

    @Test
    void eachActionAllowsItsOwnSmallSetOfOutcomes() {
        assertThat(EscalationAction.PHONE_CALL.outcomes())
                .containsExactlyInAnyOrder(
                        ActionOutcome.REACHED, ActionOutcome.NOT_REACHED, ActionOutcome.ADVICE_GIVEN);
        assertThat(EscalationAction.DIRECT_ADMISSION.allows(ActionOutcome.ADMITTED))
                .isTrue();
        assertThat(EscalationAction.PHONE_CALL.allows(ActionOutcome.ADMITTED)).isFalse();
        for (EscalationAction a : EscalationAction.values()) {
            assertThat(a.outcomes()).as(a.name()).isNotEmpty();
        }
    }

    private static boolean avoided(Outcome outcome, Taken... actions) {
        return ActionFigures.edVisitAvoided(new AlertActions(9, outcome, List.of(actions)));
    }
}
