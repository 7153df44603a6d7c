-- FHIR R4 (issue 8): journal systems that read the FHIR API, and the push of new observations to an external server.

-- A journal system's credential: only the SHA-256 of its bearer token is kept. It sees the patients of its teams'
-- care relations, like a member of those teams, and nothing else.
CREATE TABLE fhir_client (
    id           text    PRIMARY KEY,
    name         text    NOT NULL,
    token_sha256 bytea   NOT NULL UNIQUE,
    teams        text[]  NOT NULL CHECK (cardinality(teams) > 0),
    active       boolean NOT NULL DEFAULT true
);

-- The push queue: one row per reading to send, written in the transaction that records the reading in PostgreSQL;
-- (hub_id, outbox, seq) makes a replayed batch a no-op. Any node delivers it (FOR UPDATE SKIP LOCKED and a lease);
-- a reading the server keeps refusing ends DEAD after the configured attempts, for the operator to see.
CREATE TABLE fhir_push (
    id              bigserial PRIMARY KEY,
    hub_id          text             NOT NULL,
    outbox          uuid             NOT NULL,
    seq             bigint           NOT NULL,
    patient_id      text             NOT NULL,
    device_id       text             NOT NULL,
    code            text             NOT NULL,
    value           double precision,
    unit            text             NOT NULL,
    effective       timestamptz      NOT NULL,
    received        timestamptz      NOT NULL,
    flags           text             NOT NULL DEFAULT '',
    state           text             NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer          NOT NULL DEFAULT 0,
    next_attempt_at timestamptz      NOT NULL,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz      NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (hub_id, outbox, seq)
);
CREATE INDEX fhir_push_due ON fhir_push (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX fhir_push_dead ON fhir_push (id DESC) WHERE state = 'DEAD';
