-- A relative may raise the alarm from their page when the patient has given the ALARM scope, recorded by the nurse
-- like the others. Each press is a row: the one that raised the alert, or one added to that alert while it was still
-- open (a second press pages nobody again). The relative's page reads its alert's state from here.
ALTER TABLE relative_consent DROP CONSTRAINT relative_consent_scope_check;
ALTER TABLE relative_consent ADD CONSTRAINT relative_consent_scope_check CHECK (scope IN ('NOTIFY', 'VIEW', 'ALARM'));

CREATE TABLE relative_alarm (
    id          bigserial PRIMARY KEY,
    relative_id bigint      NOT NULL REFERENCES relative (id),
    patient_id  text        NOT NULL REFERENCES patient (id),
    alert_id    bigint      NOT NULL REFERENCES alert (id),
    text        text,
    added       boolean     NOT NULL,
    raised_at   timestamptz NOT NULL
);
CREATE INDEX relative_alarm_by_relative ON relative_alarm (relative_id, id DESC);
CREATE INDEX relative_alarm_by_patient ON relative_alarm (patient_id, id DESC);

-- A relative's notification names the relative, so two relatives told through the one webhook URL are two rows, and
-- a withdrawn NOTIFY consent cancels what is still queued for them (CANCELLED, the reason in last_error): the
-- dispatcher checks the consent when it claims the row, so nothing is sent after the withdrawal.
ALTER TABLE notification ADD COLUMN relative_id bigint REFERENCES relative (id);
ALTER TABLE notification DROP CONSTRAINT notification_once;
CREATE UNIQUE INDEX notification_once ON notification (event_id, channel, target, audience, (coalesce(relative_id, 0)));
ALTER TABLE notification DROP CONSTRAINT notification_state_check;
ALTER TABLE notification ADD CONSTRAINT notification_state_check
    CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD', 'CANCELLED'));
