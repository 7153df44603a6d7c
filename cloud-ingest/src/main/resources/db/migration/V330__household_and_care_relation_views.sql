-- Two questions many packages ask, answered once in the schema instead of as Java string constants copied into
-- their queries.

-- Which patients live with which hub: every patient with a plan on the hub, in its household now, or named by one
-- of its active device bindings (as the bound patient or as one of a shared device's users). Read-only: each source
-- table keeps its owner (care_plan: careplan.CarePlanService; household, household_member: enrolment.Enrolment;
-- device_binding: careplan.DeviceBindings).
CREATE VIEW patient_household (hub_id, patient_id) AS
    SELECT hub_id, patient_id FROM care_plan
    UNION SELECT h.hub_id, m.patient_id FROM household h JOIN household_member m ON m.household_id = h.id
          WHERE m.until IS NULL
    UNION SELECT hub_id, patient_id FROM device_binding WHERE retired_at IS NULL AND patient_id IS NOT NULL
    UNION SELECT hub_id, u->>'patientId' FROM device_binding, jsonb_array_elements(users) u
          WHERE retired_at IS NULL;

-- The care relations in force at an instant: begun at or before it and not yet ended. A function, not a view over
-- now(), because the instant is the application's clock (services take "now" from a Clock, and tests fix it), not
-- the database's. A single-SELECT SQL function, so PostgreSQL inlines it into the calling query and its indexes
-- still serve.
CREATE FUNCTION care_relations_at(at timestamptz) RETURNS SETOF care_relation
    LANGUAGE sql STABLE AS $$
    SELECT * FROM care_relation r WHERE r.valid_from <= at AND (r.valid_to IS NULL OR r.valid_to > at)
$$;
