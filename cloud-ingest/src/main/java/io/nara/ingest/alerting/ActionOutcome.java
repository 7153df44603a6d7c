package io.nara.ingest.alerting;

/**
 * What came of an {@link EscalationAction}, once known. Each action allows a few of these ({@link
 * EscalationAction#outcomes()}); where the patient ended up is the action's {@link EscalationAction.Disposition}.
 */
public enum ActionOutcome {
    /** Phone call: the patient (or someone at home) answered. */
    REACHED,
    /** Phone call, doctor: nobody answered. */
    NOT_REACHED,
    /** Phone call: reached, and advised what to do at home. */
    ADVICE_GIVEN,
    /** Home visit, acute slot, mobile team: assessed and stays at home. */
    STAYED_HOME,
    /** Admitted to a ward (the note says which): directly, or from the emergency department. */
    ADMITTED,
    /** Direct admission: the ward did not take the patient. */
    NOT_ADMITTED,
    /** Doctor: the treatment was changed (e.g. the diuretic dose). */
    TREATMENT_CHANGED,
    /** Doctor: no change of treatment. */
    NO_CHANGE,
    /** Mobile team: could not take the patient. */
    DECLINED,
    /** Emergency department: seen and sent home. */
    SENT_HOME
}
