-- Relatives sign in (issue 8) through the same sessions as the staff, but they are not staff: they belong to no
-- organisation and no team, so they live in `relative`, not in `person`, and no staff query can pick them up.
-- `ref` is the organisation's own id for the relative, so importing the same document twice updates, not duplicates.
ALTER TABLE relative
    ADD COLUMN ref             text UNIQUE,
    ADD COLUMN username        text UNIQUE,
    ADD COLUMN password_hash   text,
    ADD COLUMN active          boolean NOT NULL DEFAULT true,
    ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until    timestamptz;
CREATE INDEX relative_by_patient ON relative (patient_id);
CREATE INDEX relative_consent_by_relative ON relative_consent (relative_id);

-- A session belongs to a person or to a relative, never both.
ALTER TABLE web_session
    ALTER COLUMN person_id DROP NOT NULL,
    ADD COLUMN relative_id bigint REFERENCES relative (id),
    ADD CONSTRAINT web_session_one_owner CHECK ((person_id IS NULL) <> (relative_id IS NULL));

-- The access-log search (by patient, by actor).
CREATE INDEX access_log_by_patient ON access_log USING gin (patient_ids);
CREATE INDEX access_log_by_actor ON access_log (actor, at DESC);
