-- Relatives with NOTIFY consent are told when an alert of their patient is raised (issue 8), through the same outbox
-- and channels as the staff. Their message differs (minimal, no values), so one routing step may now hold two rows
-- for the same channel and target (the one webhook URL): the audience tells them apart.
ALTER TABLE notification
    ADD COLUMN audience text NOT NULL DEFAULT 'STAFF' CHECK (audience IN ('STAFF', 'RELATIVE'));
ALTER TABLE notification DROP CONSTRAINT notification_event_id_channel_target_key;
ALTER TABLE notification ADD CONSTRAINT notification_once UNIQUE (event_id, channel, target, audience);
