-- Care plans with their history, each hub's config version, the newest reading per patient, code and device for
-- the cloud's silence rules, and alerts with episodes (hub alerts and the cloud's own).

-- The plan in force per patient. `since` is when monitoring began (silence is counted from there at the earliest).
CREATE TABLE care_plan (
    patient_id text        PRIMARY KEY,
    hub_id     text        NOT NULL,
    version    integer     NOT NULL,
    document   jsonb       NOT NULL,
    since      timestamptz NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX care_plan_by_hub ON care_plan (hub_id);

-- Every version ever saved: who changed what, when and why. Never updated or deleted.
CREATE TABLE care_plan_history (
    patient_id text        NOT NULL,
    version    integer     NOT NULL,
    hub_id     text        NOT NULL,
    document   jsonb       NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL,
    reason     text,
    PRIMARY KEY (patient_id, version)
);

-- The config each hub should hold: `version` rises with every change of a plan or binding of the hub;
-- `published_version` is what the broker's retained message holds, so a failed publish is retried.
CREATE TABLE hub_config (
    hub_id            text   PRIMARY KEY,
    version           bigint NOT NULL,
    devices           jsonb  NOT NULL DEFAULT '[]',
    published_version bigint NOT NULL DEFAULT 0,
    changed_by        text,
    changed_at        timestamptz
);

CREATE TABLE latest_reading (
    patient_id text        NOT NULL,
    code       text        NOT NULL,
    device_id  text        NOT NULL,
    hub_id     text        NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (patient_id, code, device_id)
);

-- Episodes: RAISED, ESCALATED and RESOLVED messages of one episode share `episode`. Alerts the cloud raises itself
-- (origin CLOUD: hub offline, missing measurements, silent devices) have no outbox or seq; their identity is
-- (patient, rule, episode, status), so several ingest nodes looking at the same silence store it once.
ALTER TABLE alert ADD COLUMN status text NOT NULL DEFAULT 'RAISED'
    CHECK (status IN ('RAISED', 'ESCALATED', 'RESOLVED'));
ALTER TABLE alert ADD COLUMN episode text;
ALTER TABLE alert ADD COLUMN origin text NOT NULL DEFAULT 'HUB' CHECK (origin IN ('HUB', 'CLOUD'));
ALTER TABLE alert ALTER COLUMN outbox DROP NOT NULL;
ALTER TABLE alert ALTER COLUMN seq DROP NOT NULL;
CREATE UNIQUE INDEX alert_cloud_episode ON alert (patient_id, rule_id, episode, status) WHERE origin = 'CLOUD';
CREATE INDEX alert_by_episode ON alert (patient_id, episode);
