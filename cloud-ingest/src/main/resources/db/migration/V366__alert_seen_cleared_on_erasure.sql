-- Erasing a patient clears what her hub was last told about her alert: the row stays, with an empty payload and no
-- alert, until housekeeping has published that empty payload retained, which deletes the broker's retained message
-- (it names her). Deleting the row would leave the broker's copy behind.
ALTER TABLE hub_alert_seen ALTER COLUMN alert_id DROP NOT NULL;
