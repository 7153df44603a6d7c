-- The software update a hub last refused or rolled back, as its status message reports it (null: none, or the hub
-- does not say). Shown on the fleet page next to the version the hub runs.
ALTER TABLE hub
    ADD COLUMN failed_update_version TEXT,
    ADD COLUMN failed_update_outcome TEXT,
    ADD COLUMN failed_update_reason  TEXT,
    ADD COLUMN failed_update_at      TIMESTAMPTZ;
