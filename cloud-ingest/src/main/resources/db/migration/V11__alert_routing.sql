-- Routing, escalation, acknowledgement, snoozing and notification of alerts (issue 7).

-- The life of one alert. Created in the same transaction as the alert row, so no alert exists unrouted.
CREATE TABLE alert_state (
    alert_id        bigint      PRIMARY KEY REFERENCES alert (id),
    patient_id      text        NOT NULL,
    rule_id         text        NOT NULL,
    severity        text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
    team_id         text        REFERENCES care_team (id),
    tier            integer     NOT NULL DEFAULT 0,
    owner_id        text        REFERENCES person (id),
    escalate_after  interval,
    escalate_at     timestamptz,
    snoozed_until   timestamptz,
    outcome         text CHECK (outcome IN ('NO_ACTION_NEEDED', 'PHONE_CALL', 'HOME_VISIT', 'DOCTOR_CONTACTED',
                                            'MEDICATION_CHANGED', 'DIRECT_ADMISSION', 'EMERGENCY_DEPARTMENT')),
    outcome_note    text,
    opened_at       timestamptz NOT NULL,
    acknowledged_at timestamptz,
    resolved_at     timestamptz,
    updated_at      timestamptz NOT NULL
);
-- The escalation scanner's query: open alerts whose time has come.
CREATE INDEX alert_state_due ON alert_state (escalate_at) WHERE state = 'OPEN' AND escalate_at IS NOT NULL;
CREATE INDEX alert_state_by_team ON alert_state (team_id) WHERE state <> 'RESOLVED';

-- The audit trail: every routing, escalation, acknowledgement, handover, snooze, resolution and failed delivery.
CREATE TABLE alert_event (
    id              bigserial PRIMARY KEY,
    alert_id        bigint      NOT NULL REFERENCES alert (id),
    at              timestamptz NOT NULL,
    kind            text        NOT NULL,
    actor           text        NOT NULL,
    from_team       text,
    to_team         text,
    tier            integer,
    people          text[],
    cross_principal boolean     NOT NULL DEFAULT false,
    outcome         text,
    note            text
);
CREATE INDEX alert_event_by_alert ON alert_event (alert_id, id);

-- A nurse's snooze of one patient's rule (a rule has one direction: systolic-low and systolic-high are two rules).
-- Alerts of that rule that arrive before it ends are stored and shown, but page nobody.
CREATE TABLE snooze (
    id         bigserial PRIMARY KEY,
    patient_id text        NOT NULL,
    rule_id    text        NOT NULL,
    alert_id   bigint      NOT NULL REFERENCES alert (id),
    until      timestamptz NOT NULL,
    by_person  text        NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX snooze_active ON snooze (patient_id, rule_id, until);

-- The notification outbox: written in the transaction that routed or escalated, delivered by any node afterwards.
-- A failing channel leaves rows PENDING (retried with backoff) and finally DEAD, for the operator to see.
CREATE TABLE notification (
    id              bigserial PRIMARY KEY,
    alert_id        bigint      NOT NULL REFERENCES alert (id),
    event_id        bigint      NOT NULL REFERENCES alert_event (id),
    channel         text        NOT NULL CHECK (channel IN ('WEBHOOK', 'EMAIL')),
    target          text        NOT NULL,
    body            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (event_id, channel, target)
);
CREATE INDEX notification_due ON notification (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX notification_dead ON notification (id DESC) WHERE state = 'DEAD';
