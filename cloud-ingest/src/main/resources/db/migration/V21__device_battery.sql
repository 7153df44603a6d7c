-- The newest battery level per device, from the hubs' status messages (issue 6: the cloud's low-battery rule).
-- `since` is when the current discharge began: the first report, or the last report at a higher level than the one
-- before (a new or recharged battery). It stays put while the level falls, so the low-battery episode that starts
-- from it has the same identity on every ingest node and does not restart with every percent lost.
CREATE TABLE device_battery (
    hub_id      text        NOT NULL,
    device_id   text        NOT NULL,
    percent     integer     NOT NULL CHECK (percent BETWEEN 0 AND 100),
    since       timestamptz NOT NULL,
    reported_at timestamptz NOT NULL,
    PRIMARY KEY (hub_id, device_id)
);
