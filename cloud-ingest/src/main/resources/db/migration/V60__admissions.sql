-- Hospital stays entered by the care team (issue 8), for the evaluation's readmissions within 30 days and the
-- worklist's days since discharge. A stay without discharged_at is still going on. Never updated: a correction is a
-- new row, so the figures a report showed can be traced.
CREATE TABLE admission (
    id            bigserial PRIMARY KEY,
    patient_id    text        NOT NULL REFERENCES patient (id),
    admitted_at   timestamptz NOT NULL,
    discharged_at timestamptz,
    reason        text        NOT NULL,
    recorded_by   text        NOT NULL REFERENCES person (id),
    recorded_at   timestamptz NOT NULL,
    CHECK (discharged_at IS NULL OR discharged_at > admitted_at)
);
CREATE INDEX admission_by_patient ON admission (patient_id, admitted_at);
CREATE INDEX admission_by_discharge ON admission (discharged_at) WHERE discharged_at IS NOT NULL;
