-- The audit of a patient's data erased on request (package `rights`): who, when, which patient, on what legal basis,
-- and how many rows and series went. Never the erased data itself. Never updated or deleted by the ingest.
CREATE TABLE patient_erasure (
    id          bigserial PRIMARY KEY,
    patient_id  text        NOT NULL,
    erased_by   text        NOT NULL,
    erased_at   timestamptz NOT NULL,
    basis       text        NOT NULL,
    reason      text        NOT NULL,
    removed     jsonb       NOT NULL
);
CREATE INDEX patient_erasure_by_patient ON patient_erasure (patient_id);
