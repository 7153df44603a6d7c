-- What each hub holds in quarantine, as its last ONLINE status said (HubStatus.quarantine): shown to the operator on
-- the fleet page and to the nurse on the hub's enrolment page. Owned by io.nara.ingest.hub.HubRegistry.
ALTER TABLE hub
    ADD COLUMN quarantine_held           BIGINT,
    ADD COLUMN quarantine_newest_device  TEXT,
    ADD COLUMN quarantine_newest_problem TEXT,
    ADD COLUMN quarantine_newest_at      TIMESTAMPTZ;
