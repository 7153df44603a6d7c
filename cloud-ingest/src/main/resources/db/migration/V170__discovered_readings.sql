-- Readings a hub holds from a device that is not bound (its status message's discovered[].readings): shown to the
-- nurse on the hub's enrolment page so she sees what the device measures before she binds it. Nobody's observation:
-- never written to InfluxDB, evaluated, alerted on or served as FHIR. The value is null for a failed measurement;
-- device_time is the device's own clock (local time, not checked), received_at the hub's.
CREATE TABLE discovered_reading (
    hub_id       text             NOT NULL,
    device_id    text             NOT NULL,
    code         text             NOT NULL,
    value        double precision,
    unit         text,
    device_time  timestamp,
    received_at  timestamptz      NOT NULL,
    reported_at  timestamptz      NOT NULL,
    PRIMARY KEY (hub_id, device_id, code, received_at)
);
