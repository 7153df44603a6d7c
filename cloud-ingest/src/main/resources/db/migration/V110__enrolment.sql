-- Enrolment from the cloud: patients with their national identifier, the household a hub serves, device bindings
-- with their history, every hub config version with who changed what, and the version each hub reports applied.
-- The cloud is the one source of truth for which hub speaks for which patients and devices (message authorisation).

-- The national identifier: a personnummer, a samordningsnummer (day + 60) or a region's reserve number, stored as
-- twelve digits (reserve numbers as entered). Null for patients created before enrolment existed.
ALTER TABLE patient ADD COLUMN national_id text UNIQUE;
ALTER TABLE patient ADD COLUMN national_id_kind text
    CHECK (national_id_kind IN ('PERSONNUMMER', 'SAMORDNINGSNUMMER', 'RESERVE'));
ALTER TABLE patient ADD COLUMN enrolled_by text;
ALTER TABLE patient ADD COLUMN enrolled_at timestamptz;
-- When monitoring ended (the patient moved, died or the period ended); the data stays under the retention rules.
ALTER TABLE patient ADD COLUMN monitoring_ended_at timestamptz;
ALTER TABLE patient ADD COLUMN monitoring_ended_by text;

-- The home a hub serves: one or two patients. A hub serves at most one household at a time; a household that ended
-- (monitoring ended for everyone in it) keeps its row for the history.
CREATE TABLE household (
    id         bigserial PRIMARY KEY,
    hub_id     text        NOT NULL,
    label      text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    ended_at   timestamptz
);
CREATE UNIQUE INDEX household_one_per_hub ON household (hub_id) WHERE ended_at IS NULL;

CREATE TABLE household_member (
    household_id bigint      NOT NULL REFERENCES household (id),
    patient_id   text        NOT NULL REFERENCES patient (id),
    since        timestamptz NOT NULL,
    until        timestamptz,
    PRIMARY KEY (household_id, patient_id)
);
CREATE UNIQUE INDEX household_member_one_home ON household_member (patient_id) WHERE until IS NULL;

-- Device bindings with their history. A device is bound to one patient (patient_id) or shared by the household
-- (users: [{patientId, userIndex}] as in the config message, or empty: attributed by weight band). A binding is never
-- deleted: unbinding or replacing retires it (retired_at, and the hub config version that no longer holds it), so
-- a reading taken while it was in force is still accepted when the hub replays it later.
CREATE TABLE device_binding (
    id              bigserial PRIMARY KEY,
    hub_id          text        NOT NULL,
    device_id       text        NOT NULL,
    model           text        NOT NULL,
    patient_id      text,
    users           jsonb       NOT NULL DEFAULT '[]',
    bound_by        text        NOT NULL,
    bound_at        timestamptz NOT NULL,
    retired_by      text,
    retired_at      timestamptz,
    retired_version bigint,
    replaced_by     bigint REFERENCES device_binding (id)
);
-- A device is bound in one place at a time: binding it elsewhere is refused, naming where it is bound.
CREATE UNIQUE INDEX device_binding_active ON device_binding (device_id) WHERE retired_at IS NULL;
CREATE INDEX device_binding_by_hub ON device_binding (hub_id, device_id);

-- The bindings the hub configs held before this table existed become its first rows.
INSERT INTO device_binding (hub_id, device_id, model, patient_id, users, bound_by, bound_at)
SELECT DISTINCT ON (b->>'deviceId') c.hub_id, b->>'deviceId', b->>'model', b->>'patientId',
       COALESCE(b->'users', '[]'::jsonb), COALESCE(c.changed_by, 'migration'), COALESCE(c.changed_at, now())
FROM hub_config c, jsonb_array_elements(c.devices) b
ORDER BY b->>'deviceId', c.changed_at DESC NULLS LAST;

-- Every hub config version published: who changed what. Never updated or deleted.
CREATE TABLE hub_config_history (
    hub_id     text        NOT NULL,
    version    bigint      NOT NULL,
    document   jsonb       NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL,
    change     text        NOT NULL,
    PRIMARY KEY (hub_id, version)
);

-- The config version the hub reports it applied (its status message), and devices it sees that are not bound.
ALTER TABLE hub ADD COLUMN config_applied bigint;
ALTER TABLE hub ADD COLUMN config_applied_at timestamptz;

CREATE TABLE discovered_device (
    hub_id        text        NOT NULL,
    device_id     text        NOT NULL,
    transport     text        NOT NULL,
    name          text,
    model         text,
    detail        text,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    PRIMARY KEY (hub_id, device_id)
);

-- Messages refused because the hub may not speak for the patient or device (message authorisation), told apart
-- from malformed ones for the fleet page's count.
ALTER TABLE rejected_message ADD COLUMN unauthorised boolean NOT NULL DEFAULT false;
CREATE VIEW hub_refusals AS
SELECT hub_id, sum(times)::bigint AS refused, max(last_seen) AS last_refused_at
FROM rejected_message WHERE unauthorised AND hub_id IS NOT NULL GROUP BY hub_id;

-- Pairing mode on a hub, opened by a nurse from the cloud until `until`; published in the hub's config.
CREATE TABLE hub_pairing (
    hub_id    text PRIMARY KEY,
    until     timestamptz NOT NULL,
    opened_by text        NOT NULL
);
