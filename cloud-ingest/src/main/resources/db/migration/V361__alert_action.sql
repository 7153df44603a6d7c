-- What people did about an alert, in the order they did it, each with its outcome once known (decision 0050). Written
-- only by alerting.AlertLifecycle, in the transaction that records the step in the alert's trail.
CREATE TABLE alert_action (
    id           bigserial   PRIMARY KEY,
    alert_id     bigint      NOT NULL REFERENCES alert (id),
    kind         text        NOT NULL CHECK (kind IN ('PHONE_CALL', 'HOME_VISIT', 'DOCTOR_CONTACTED', 'ACUTE_SLOT',
                                                      'MOBILE_TEAM', 'DIRECT_ADMISSION', 'EMERGENCY_DEPARTMENT')),
    taken_at     timestamptz NOT NULL,
    taken_by     text        NOT NULL REFERENCES person (id),
    team_id      text        REFERENCES care_team (id),
    note         text,
    outcome      text CHECK (outcome IN ('REACHED', 'NOT_REACHED', 'ADVICE_GIVEN', 'STAYED_HOME', 'ADMITTED',
                                         'NOT_ADMITTED', 'TREATMENT_CHANGED', 'NO_CHANGE', 'DECLINED', 'SENT_HOME')),
    outcome_at   timestamptz,
    outcome_by   text        REFERENCES person (id),
    outcome_note text,
    CHECK ((outcome IS NULL) = (outcome_at IS NULL) AND (outcome IS NULL) = (outcome_by IS NULL))
);
CREATE INDEX alert_action_by_alert ON alert_action (alert_id, id);
