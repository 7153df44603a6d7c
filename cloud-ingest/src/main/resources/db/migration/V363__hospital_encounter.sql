-- The hospital's own system enters stays as FHIR R4 Encounters (cloud-fhir, decision 0051): a stay or its discharge
-- is then recorded by a journal system's credential, not a person, and carries the hospital's Encounter identifier,
-- so the same Encounter sent again is found and changes nothing. Exactly one of recorded_by (a person) and
-- recorded_by_client (a journal system) names who entered the stay; likewise for a discharge entered later.
ALTER TABLE admission ALTER COLUMN recorded_by DROP NOT NULL;
ALTER TABLE admission
    ADD COLUMN recorded_by_client           text REFERENCES fhir_client (id),
    ADD COLUMN discharge_recorded_by_client text REFERENCES fhir_client (id),
    -- Encounter.identifier (system, value) as the hospital sent it, and the FHIR id Nära answers it under.
    ADD COLUMN encounter_system             text,
    ADD COLUMN encounter_value              text,
    ADD COLUMN fhir_id                      text UNIQUE,
    ADD COLUMN encounter_class              text,
    -- Encounter.hospitalization.dischargeDisposition: its code and the words shown (a code's display or text).
    ADD COLUMN discharge_disposition        text,
    ADD COLUMN discharge_disposition_text   text,
    ADD CONSTRAINT admission_recorded_by_one CHECK ((recorded_by IS NULL) <> (recorded_by_client IS NULL)),
    ADD CONSTRAINT admission_encounter_whole CHECK ((encounter_system IS NULL) = (encounter_value IS NULL)),
    ADD CONSTRAINT admission_discharge_recorded_one
        CHECK (discharge_recorded_by IS NULL OR discharge_recorded_by_client IS NULL);
ALTER TABLE admission DROP CONSTRAINT admission_discharge_recorded;
ALTER TABLE admission ADD CONSTRAINT admission_discharge_recorded
    CHECK ((discharge_recorded_by IS NULL AND discharge_recorded_by_client IS NULL) = (discharge_recorded_at IS NULL));
CREATE UNIQUE INDEX admission_encounter ON admission (encounter_system, encounter_value)
    WHERE encounter_system IS NOT NULL;
