-- The highest sequence number of each hub outbox whose readings are stored: a batch that reaches back below it is a
-- re-send and is compared with what InfluxDB holds (observation.Resends), so a re-sent reading that differs from the
-- stored one cannot overwrite it. Owned by io.nara.ingest.observation.Resends.
CREATE TABLE hub_outbox_stored (
    hub_id    text   NOT NULL,
    outbox    text   NOT NULL,
    stored_to bigint NOT NULL,
    PRIMARY KEY (hub_id, outbox)
);
