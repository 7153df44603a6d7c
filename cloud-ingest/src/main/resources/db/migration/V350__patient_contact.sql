-- How to reach the patient and whom to call about her: her phone and address, the named care contact (fast
-- vårdkontakt: a person's name, role and phone, free text so that a contact of either principal, the region or the
-- municipality, can be named without both directories), and the coordinated individual plan (SIP) where one exists:
-- its address, its date and who is responsible for what. All optional; entered at enrolment and changed on the
-- patient page, the last change's author and time kept (each change is also in the access log). Columns of the
-- patient row, so an erasure of the patient takes them with her and the register extract shows them.
ALTER TABLE patient ADD COLUMN phone text;
ALTER TABLE patient ADD COLUMN address text;
ALTER TABLE patient ADD COLUMN care_contact_name text;
ALTER TABLE patient ADD COLUMN care_contact_role text;
ALTER TABLE patient ADD COLUMN care_contact_phone text;
ALTER TABLE patient ADD COLUMN sip_url text;
ALTER TABLE patient ADD COLUMN sip_date date;
ALTER TABLE patient ADD COLUMN sip_responsibilities text;
ALTER TABLE patient ADD COLUMN contact_changed_by text;
ALTER TABLE patient ADD COLUMN contact_changed_at timestamptz;
