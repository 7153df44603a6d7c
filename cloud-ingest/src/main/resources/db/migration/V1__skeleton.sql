-- The walking skeleton's schema: hubs, alerts, rejected messages and the access log.

CREATE TABLE hub (
    hub_id         text PRIMARY KEY,
    state          text,
    software       text,
    clock          text,
    outbox_pending bigint,
    status_at      timestamptz,
    last_seen_at   timestamptz NOT NULL
);

-- One row per alert a hub raised; (hub_id, outbox, seq) makes a replayed alert a no-op.
CREATE TABLE alert (
    id                bigserial PRIMARY KEY,
    hub_id            text             NOT NULL,
    outbox            uuid             NOT NULL,
    seq               bigint           NOT NULL,
    patient_id        text             NOT NULL,
    rule_id           text             NOT NULL,
    severity          text             NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'URGENT')),
    code              text,
    value             double precision,
    unit              text,
    message           text             NOT NULL,
    raised_at         timestamptz      NOT NULL,
    received_at       timestamptz      NOT NULL DEFAULT now(),
    observation_seq   bigint           NOT NULL,
    care_plan_version text             NOT NULL,
    UNIQUE (hub_id, outbox, seq)
);
CREATE INDEX alert_newest_first ON alert (received_at DESC, id DESC);

-- Payloads the ingest could not accept, kept whole for an operator; a payload re-sent by a hub counts up.
CREATE TABLE rejected_message (
    id             bigserial PRIMARY KEY,
    hub_id         text,
    topic          text        NOT NULL,
    problem        text        NOT NULL,
    payload        bytea       NOT NULL,
    payload_sha256 bytea       NOT NULL,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    times          integer     NOT NULL DEFAULT 1,
    UNIQUE (topic, payload_sha256)
);

-- Every read of patient data: who, which patients, what, when.
CREATE TABLE access_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    patient_ids text[]      NOT NULL,
    detail      text
);
CREATE INDEX access_log_by_time ON access_log (at DESC);
