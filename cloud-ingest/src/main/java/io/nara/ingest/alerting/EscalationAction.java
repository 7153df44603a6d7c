package io.nara.ingest.alerting;

import java.util.EnumSet;
import java.util.Set;

/**
 * An action a nurse or doctor takes on an alert, along the escalation chain of DOMAIN.md: a phone call, a home visit,
 * contact with the doctor, the doctor's acute slot, the mobile team, a direct admission bypassing the emergency
 * department, the emergency department. Each allows a small set of outcomes and says where each leaves the patient
 * (decision 0050). Pure.
 */
public enum EscalationAction {
    PHONE_CALL(EnumSet.of(ActionOutcome.REACHED, ActionOutcome.NOT_REACHED, ActionOutcome.ADVICE_GIVEN)),
    HOME_VISIT(EnumSet.of(ActionOutcome.STAYED_HOME, ActionOutcome.ADMITTED)),
    DOCTOR_CONTACTED(EnumSet.of(ActionOutcome.TREATMENT_CHANGED, ActionOutcome.NO_CHANGE, ActionOutcome.NOT_REACHED)),
    ACUTE_SLOT(EnumSet.of(ActionOutcome.STAYED_HOME, ActionOutcome.ADMITTED)),
    MOBILE_TEAM(EnumSet.of(ActionOutcome.STAYED_HOME, ActionOutcome.ADMITTED, ActionOutcome.DECLINED)),
    DIRECT_ADMISSION(EnumSet.of(ActionOutcome.ADMITTED, ActionOutcome.NOT_ADMITTED)),
    EMERGENCY_DEPARTMENT(EnumSet.of(ActionOutcome.ADMITTED, ActionOutcome.SENT_HOME));

    /** Where an action's outcome leaves the patient, for the evaluation's emergency visits avoided. */
    public enum Disposition {
        /** At home, cared for there. */
        HOME,
        /** Admitted to a ward without passing the emergency department. */
        ADMITTED_DIRECTLY,
        /** At the emergency department. */
        EMERGENCY_DEPARTMENT,
        /** Says nothing of where the patient is (not reached, declined, not admitted, no outcome yet). */
        UNKNOWN
    }

    private final Set<ActionOutcome> outcomes;

    EscalationAction(Set<ActionOutcome> outcomes) {
        this.outcomes = outcomes;
    }

    /** The outcomes this action may have. */
    public Set<ActionOutcome> outcomes() {
        return EnumSet.copyOf(outcomes);
    }

    public boolean allows(ActionOutcome outcome) {
        return outcomes.contains(outcome);
    }

    /**
     * Where this action with {@code outcome} (null: not known yet) leaves the patient. The emergency department is a
     * visit there whatever came of it; an admission from any other action is direct.
     */
    public Disposition disposition(ActionOutcome outcome) {
        if (this == EMERGENCY_DEPARTMENT) {
            return Disposition.EMERGENCY_DEPARTMENT;
        }
        if (outcome == null) {
            return Disposition.UNKNOWN;
        }
        return switch (outcome) {
            case ADVICE_GIVEN, STAYED_HOME, TREATMENT_CHANGED, NO_CHANGE, REACHED -> Disposition.HOME;
            case ADMITTED -> Disposition.ADMITTED_DIRECTLY;
            default -> Disposition.UNKNOWN;
        };
    }
}
