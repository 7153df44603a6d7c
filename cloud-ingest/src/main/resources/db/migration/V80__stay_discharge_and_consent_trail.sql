-- A stay entered while it goes on gets its discharge later (PUT /api/patients/{id}/admissions/{stayId}), once: who
-- entered the discharge and when is kept beside the stay's own recorded_by and recorded_at. NULL with a discharge means
-- it was entered with the stay. A discharge once entered is not rewritten (V60: a correction is a new row).
ALTER TABLE admission
    ADD COLUMN discharge_recorded_by text REFERENCES person (id),
    ADD COLUMN discharge_recorded_at timestamptz,
    ADD CONSTRAINT admission_discharge_recorded CHECK ((discharge_recorded_by IS NULL) = (discharge_recorded_at IS NULL));

-- The patient's nurse gives and withdraws a relative's consent on the patient page, not only the operator through the
-- import: who withdrew it is kept as recorded_by keeps who gave it (an actor: person:<id>, operator).
ALTER TABLE relative_consent ADD COLUMN withdrawn_by text;
CREATE INDEX relative_consent_open ON relative_consent (relative_id, scope) WHERE withdrawn_at IS NULL;
