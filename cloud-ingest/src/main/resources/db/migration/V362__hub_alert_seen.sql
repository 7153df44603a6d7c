-- The latest "a person saw an alert about a patient of this hub" per hub (topic alertseen, retained: the broker keeps
-- one message per hub, so the cloud keeps one too). Written in the acknowledging transaction; published after it, and
-- again by every node's housekeeping while published_version is behind version (a broker outage loses nothing).
CREATE TABLE hub_alert_seen (
    hub_id            text        PRIMARY KEY,
    payload           bytea       NOT NULL,
    alert_id          bigint      NOT NULL,
    seen_at           timestamptz NOT NULL,
    version           bigint      NOT NULL,
    published_version bigint      NOT NULL DEFAULT 0
);
