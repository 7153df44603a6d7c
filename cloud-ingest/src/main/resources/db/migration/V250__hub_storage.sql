-- The hub's outbox storage, as its last ONLINE status said (HubStatus.storage): what its storage policy gave up since
-- the outbox was last empty, whether its last write found it full, and how full it is against its record limit. Shown
-- to the operator on the fleet page and to the nurse on the hub's enrolment page. Owned by
-- io.nara.ingest.hub.HubRegistry.
ALTER TABLE hub
    ADD COLUMN storage_thinned_samples  BIGINT,
    ADD COLUMN storage_dropped_readings BIGINT,
    ADD COLUMN storage_full             BOOLEAN,
    ADD COLUMN storage_records          BIGINT,
    ADD COLUMN storage_max_records      BIGINT,
    ADD COLUMN storage_level            TEXT;
