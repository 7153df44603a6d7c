-- Personal operator accounts replace the shared operator key in the browser: an operator is a person who signs in
-- like the staff, sees what the operator sees, and is named in the access log. Operators run the service, not care,
-- so they need not belong to a care organisation.
ALTER TABLE person ADD COLUMN operator boolean NOT NULL DEFAULT false;
ALTER TABLE person ALTER COLUMN organisation_id DROP NOT NULL;
ALTER TABLE person ADD CONSTRAINT person_organisation_or_operator CHECK (organisation_id IS NOT NULL OR operator);
