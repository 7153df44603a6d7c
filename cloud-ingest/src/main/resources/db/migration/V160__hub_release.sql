-- Hub software releases and their staged rollout (the cloud decides which version each hub runs).
-- A hub runs the version of the newest release that includes it: named in hubs, or in the first `percentage`
-- percent of hubs (a stable bucket per hub id, so raising the percentage only adds hubs).
CREATE TABLE hub_release (
    version     TEXT PRIMARY KEY,
    percentage  INTEGER NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    hubs        TEXT[] NOT NULL DEFAULT '{}',
    downgrade   BOOLEAN NOT NULL DEFAULT FALSE,
    released_at TIMESTAMPTZ NOT NULL,
    released_by TEXT NOT NULL
);
