-- The fleet register's derived "assigned / in a home" state: the household each hub serves now. The fleet's
-- migration creates this view as an empty stub; this one (a late version on purpose, so it runs after the stub)
-- fills it from the household table. Same columns, so CREATE OR REPLACE keeps every user of the view working.
CREATE OR REPLACE VIEW hub_assignment AS
SELECT h.hub_id::text AS hub_id, h.id::text AS household_id, h.label::text AS household_label
FROM household h WHERE h.ended_at IS NULL;
