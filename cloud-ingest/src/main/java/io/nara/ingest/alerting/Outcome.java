package io.nara.ingest.alerting;

/** What was done about an alert, as the nurse records it when she resolves it. */
public enum Outcome {
    NO_ACTION_NEEDED,
    PHONE_CALL,
    HOME_VISIT,
    DOCTOR_CONTACTED,
    MEDICATION_CHANGED,
    DIRECT_ADMISSION,
    EMERGENCY_DEPARTMENT
}
