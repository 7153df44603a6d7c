-- Readings from a shared device the hub could not attribute (no user index, no single weight band; issue 6). They are
-- in InfluxDB under patient 'unattributed'; here they wait for a nurse of the household to assign or dismiss them.
-- Everything needed to write the reading again under a patient is kept, so the point is the same one a hub's replay
-- writes (ObservationStore's point time), and a retried assignment changes nothing.
CREATE TABLE unattributed_reading (
    id          bigserial   PRIMARY KEY,
    hub_id      text        NOT NULL,
    outbox      uuid        NOT NULL,
    seq         bigint      NOT NULL,
    device_id   text        NOT NULL,
    code        text        NOT NULL,
    value       double precision,            -- NULL: a failed measurement, never a number
    unit        text        NOT NULL,
    effective   timestamptz,
    received    timestamptz NOT NULL,
    flags       text[]      NOT NULL,
    stored_at   timestamptz NOT NULL,
    -- OPEN: waiting. ASSIGNING: a nurse chose the patient and the InfluxDB writes are under way (a retry with the
    -- same patient finishes it; nobody can choose another). ASSIGNED, DISMISSED: decided.
    state       text        NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'ASSIGNING', 'ASSIGNED', 'DISMISSED')),
    patient_id  text        REFERENCES patient (id),
    decided_by  text,
    decided_at  timestamptz,
    reason      text,
    alert_ids   bigint[]    NOT NULL DEFAULT '{}',
    UNIQUE (hub_id, outbox, seq),
    CHECK ((state IN ('ASSIGNING', 'ASSIGNED')) = (patient_id IS NOT NULL)),
    CHECK (state <> 'DISMISSED' OR reason IS NOT NULL)
);
CREATE INDEX unattributed_reading_open ON unattributed_reading (hub_id) WHERE state IN ('OPEN', 'ASSIGNING');
