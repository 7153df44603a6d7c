-- The fleet register: each hub's lifecycle, its one-time enrolment codes and the certificates the hub CA issued.

-- lifecycle: IN_STOCK (registered, has a code, no certificate yet), ENROLLED (holds a certificate), RETURNED (back in
-- stock: certificate revoked, needs a new code), REVOKED (lost or stolen; never again). A hub that connects with a
-- certificate issued outside this register (the dev PKI) appears as ENROLLED the first time it is heard from.
-- `state` keeps what the hub's own status message says (ONLINE/OFFLINE).
ALTER TABLE hub ADD COLUMN lifecycle text NOT NULL DEFAULT 'ENROLLED'
    CHECK (lifecycle IN ('IN_STOCK', 'ENROLLED', 'RETURNED', 'REVOKED'));
ALTER TABLE hub ADD COLUMN organisation_id text REFERENCES organisation (id);
ALTER TABLE hub ADD COLUMN registered_at timestamptz;
ALTER TABLE hub ADD COLUMN registered_by text;
ALTER TABLE hub ADD COLUMN lifecycle_changed_at timestamptz;
ALTER TABLE hub ADD COLUMN lifecycle_changed_by text;
-- A hub in stock has never been heard from.
ALTER TABLE hub ALTER COLUMN last_seen_at DROP NOT NULL;

-- One-time enrolment codes. Only the SHA-256 of the code is stored, so a copy of the table enrols nothing. A new code
-- for a hub ends the hub's earlier unused codes.
CREATE TABLE enrolment_code (
    id          bigserial PRIMARY KEY,
    hub_id      text        NOT NULL REFERENCES hub (hub_id),
    code_sha256 bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    ended_at    timestamptz
);
CREATE INDEX enrolment_code_by_hub ON enrolment_code (hub_id);

-- Every certificate the hub CA signed; revoked_at puts it on the CRL.
CREATE TABLE hub_certificate (
    serial            text        PRIMARY KEY,
    hub_id            text        NOT NULL REFERENCES hub (hub_id),
    public_key_sha256 bytea       NOT NULL,
    not_before        timestamptz NOT NULL,
    not_after         timestamptz NOT NULL,
    pem               text        NOT NULL,
    issued_at         timestamptz NOT NULL,
    issued_for        text        NOT NULL CHECK (issued_for IN ('ENROL', 'RENEW')),
    revoked_at        timestamptz,
    revoked_by        text,
    revocation_reason text
);
CREATE INDEX hub_certificate_by_hub ON hub_certificate (hub_id, issued_at DESC);
CREATE INDEX hub_certificate_revoked ON hub_certificate (revoked_at) WHERE revoked_at IS NOT NULL;

-- Which household a hub serves. An empty stub here; the households' owner replaces it (CREATE OR REPLACE VIEW, same
-- columns) with the real derivation, and the fleet page shows "assigned"/"in a home" from it.
CREATE VIEW hub_assignment AS
SELECT NULL::text AS hub_id, NULL::text AS household_id, NULL::text AS household_label
WHERE false;
