-- Blood-pressure panels in the FHIR push: a cuff reading's systolic, diastolic and mean pressure arrive as separate
-- readings (one row each, so (hub_id, outbox, seq) still makes a replay a no-op), but go out as one Observation 85354-9.
-- The systolic's row carries the panel; the others are MERGED into it (panel_id) and are never sent themselves.
ALTER TABLE fhir_push ADD COLUMN panel_id bigint REFERENCES fhir_push (id);
ALTER TABLE fhir_push DROP CONSTRAINT fhir_push_state_check;
ALTER TABLE fhir_push ADD CONSTRAINT fhir_push_state_check
    CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD', 'MERGED'));
CREATE INDEX fhir_push_panel ON fhir_push (panel_id) WHERE panel_id IS NOT NULL;
-- The values of one cuff reading not sent yet, looked up when a batch brings one of them.
CREATE INDEX fhir_push_cuff ON fhir_push (hub_id, patient_id, device_id, effective) WHERE attempts = 0;
